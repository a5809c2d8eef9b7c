"""A PostgreSQL database made before step 41 (its inserts' triggers per row, as SQLite's)
keeps its tables true, then opens at the latest step with the triggers per statement,
and stays true."""

from __future__ import annotations

import re
import sqlite3
from importlib import resources
from pathlib import Path

import psycopg

from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import Database
from scrm_tui.store.pg import migrations
from scrm_tui.store.schema import LATEST_VERSION
from tests.conftest import fixed_clock
from tests.service.test_pg_ingest import _post, assert_kept_true, batch
from tests.support.postgres import Server
from tools.pg_schema import _keys, trigger

NAMES = re.findall(
    r"^CREATE TRIGGER (\w+)",
    resources.files("scrm_tui.store.pg").joinpath("insert_triggers.sql").read_text(),
    re.M,
)
# The step that brings the per-statement triggers (41 when written).
STEP = next(step for step, made in migrations.STEPS if any("new_rows" in s for s in made))
FIND = """SELECT t.tgname, (t.tgtype & 1) = 1 FROM pg_trigger t
          WHERE t.tgrelid = 'mentions'::regclass AND t.tgname = ANY(%s)"""


async def _row_triggers(folder: Path) -> list[str]:
    """The five triggers as schema.sql had them before STEP: SQLite's, translated."""
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


async def test_an_older_database_is_moved_to_per_statement_triggers(
    postgres: Server, tmp_path: Path
) -> None:
    url = postgres.fresh()
    assert _per_row(url) == dict.fromkeys(NAMES, False)
    box = await Inbox.open(url, "tester", fixed_clock)
    try:
        assert len((await box.ingest([_post(1, "asks"), _post(2, "pos")])).stored) == 2
        # Back to the step before, as an older scrm made it, while this inbox stays open.
        with psycopg.connect(url, autocommit=True) as conn:
            for name in NAMES:
                conn.execute(f"DROP TRIGGER {name} ON mentions".encode())
            for made in await _row_triggers(tmp_path):
                conn.execute(made.encode())
            conn.execute(b"DELETE FROM scrm_schema")
            conn.execute(f"INSERT INTO scrm_schema VALUES ({STEP - 1})".encode())
        assert _per_row(url) == dict.fromkeys(NAMES, True)
        assert len((await box.ingest(batch())).stored) == 13
        assert_kept_true(url)
    finally:
        await box.close()
    box = await Inbox.open(url, "tester", fixed_clock)
    try:
        assert await box.db.schema_version() == LATEST_VERSION
        assert _per_row(url) == dict.fromkeys(NAMES, False)
        more = [_post(40 + n, ("pos", "neg", "neu", "asks")[n % 4]) for n in range(30)]
        assert len((await box.ingest(more)).stored) == 30
        assert_kept_true(url)
    finally:
        await box.close()
