"""A PostgreSQL database made at step 40 (its inserts' triggers per row, as SQLite's) keeps
its tables true, then opens at step 41 with the triggers per statement, and stays true."""

from __future__ import annotations

import re
import sqlite3
from importlib import resources
from pathlib import Path

import psycopg

from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import Database
from tests.conftest import fixed_clock
from tests.service.test_pg_ingest import _post, assert_kept_true, batch
from tests.support.postgres import Server
from tools.pg_schema import _keys, trigger

NAMES = re.findall(
    r"^CREATE TRIGGER (\w+)",
    resources.files("scrm_tui.store.pg").joinpath("insert_triggers.sql").read_text(),
    re.M,
)
FIND = """SELECT t.tgname, (t.tgtype & 1) = 1 FROM pg_trigger t
          WHERE t.tgrelid = 'mentions'::regclass AND t.tgname = ANY(%s)"""


async def _row_triggers(folder: Path) -> list[str]:
    """The five triggers as step 40's schema.sql had them: SQLite's, translated."""
    path = folder / "sqlite.db"
    await (await Database.open(path)).close()
    with sqlite3.connect(path) as conn:
        keys = {
            n: _keys(conn, n)
            for (n,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
        }
        texts = dict(
            conn.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'").fetchall()
        )
    made = [trigger(texts[name], keys) for name in NAMES]
    return [t.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION") for t in made]


def _per_row(url: str) -> dict[str, bool]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute(FIND, (NAMES,)).fetchall())


async def test_a_step_40_database_is_moved_to_per_statement_triggers(
    postgres: Server, tmp_path: Path
) -> None:
    url = postgres.fresh()
    assert _per_row(url) == dict.fromkeys(NAMES, False)
    box = await Inbox.open(url, "tester", fixed_clock)
    try:
        assert len((await box.ingest([_post(1, "asks"), _post(2, "pos")])).stored) == 2
        # Back to step 40, as an older scrm made it, while this inbox stays open.
        with psycopg.connect(url, autocommit=True) as conn:
            for name in NAMES:
                conn.execute(f"DROP TRIGGER {name} ON mentions".encode())
            for made in await _row_triggers(tmp_path):
                conn.execute(made.encode())
            conn.execute(b"DELETE FROM scrm_schema")
            conn.execute(b"INSERT INTO scrm_schema VALUES (40)")
        assert _per_row(url) == dict.fromkeys(NAMES, True)
        assert len((await box.ingest(batch())).stored) == 13
        assert_kept_true(url)
    finally:
        await box.close()
    box = await Inbox.open(url, "tester", fixed_clock)
    try:
        assert await box.db.schema_version() == 41
        assert _per_row(url) == dict.fromkeys(NAMES, False)
        more = [_post(40 + n, ("pos", "neg", "neu", "asks")[n % 4]) for n in range(30)]
        assert len((await box.ingest(more)).stored) == 30
        assert_kept_true(url)
    finally:
        await box.close()
