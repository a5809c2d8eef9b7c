"""PostgreSQL's schema: created once however many processes open a new database at once,
kept at SQLite's step, and refused with advice when newer than this scrm."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import resources

import psycopg
import pytest

from scrm_tui.store.db import Database, StoreError
from scrm_tui.store.pg import migrations
from scrm_tui.store.schema import LATEST_VERSION
from tests.support.postgres import Server

OPEN = """
import asyncio, sys
from scrm_tui.store.db import Database
async def main():
    db = await Database.open(sys.argv[1])
    print(await db.schema_version())
    await db.close()
asyncio.run(main())
"""


def test_schema_sql_and_the_steps_after_it_reach_sqlites_latest_step() -> None:
    text = resources.files("scrm_tui.store.pg").joinpath("schema.sql").read_text()
    found = re.search(r"INSERT INTO scrm_schema VALUES \((\d+)\)", text)
    assert found is not None
    base = int(found.group(1))
    steps = [step for step, _ in migrations.STEPS]
    # A step at or below schema.sql's brings a database made by an older schema.sql up
    # (a new one skips it): schema.sql holds what the step does already.
    assert steps == sorted(steps)
    assert max(migrations.latest() or base, base) == LATEST_VERSION


def test_four_processes_opening_a_new_database_at_once_create_its_schema_once(
    postgres: Server,
) -> None:
    postgres.admin("CREATE DATABASE racing")
    url = postgres.url("racing")
    runs = [
        subprocess.Popen([sys.executable, "-c", OPEN, url], stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=120)[0].strip() for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0]
    assert outputs == [str(LATEST_VERSION)] * 4
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM change_marks").fetchone() == (1,)


async def test_a_newer_schema_is_refused_with_advice_and_the_password_never_shown(
    postgres: Server,
) -> None:
    url = postgres.fresh()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO scrm_schema VALUES ({LATEST_VERSION + 1})".encode())
    with_password = url.replace("scrm@", "scrm:s3cret@")
    with pytest.raises(StoreError) as refused:
        await Database.open(with_password)
    message = str(refused.value)
    assert f"schema version {LATEST_VERSION + 1}" in message
    assert "upgrade scrm" in message
    assert "s3cret" not in message and "scrm:***@" in message
