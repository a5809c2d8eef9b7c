"""A write transaction on PostgreSQL, begun with its lock and ended with its commit in one
round trip each (store/pg/database.py): the write lock is held from the first statement
to the commit, and a COMMIT the server refuses says so and leaves nothing behind."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator

import pytest

from scrm_tui.store.db import Database
from scrm_tui.store.pg.database import WRITE_LOCK
from tests.support import plain
from tests.support.postgres import Server

# Refuses, at COMMIT only (a deferred constraint trigger), any transaction that wrote a
# row of `refused`: the statements before it all succeed.
AT_COMMIT = """
CREATE TABLE refused (x bigint);
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'refused at commit' USING ERRCODE = 'check_violation'; END $$;
CREATE CONSTRAINT TRIGGER refuse AFTER INSERT ON refused
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse();
"""
HELD = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
    f"AND objid = {WRITE_LOCK}"
)


@pytest.fixture
async def db(postgres: Server) -> AsyncIterator[Database]:
    url = postgres.fresh()
    with plain.connect(url) as conn:
        conn.execute(AT_COMMIT)
    opened = await Database.open(url)
    try:
        yield opened
    finally:
        await opened.close()


def mark(db: Database) -> int:
    return int(plain.value(db.target, "SELECT seq FROM change_marks"))


@pytest.mark.parametrize("wakes", [True, False])
async def test_the_lock_is_held_from_the_first_statement_to_the_commit(
    db: Database, wakes: bool
) -> None:
    before = mark(db)
    async with db.transaction(wakes=wakes) as conn:
        assert plain.value(db.target, HELD) == 1  # taken with BEGIN, before any statement
        await conn.execute("UPDATE customers SET name = name")
        assert plain.value(db.target, HELD) == 1
    assert plain.value(db.target, HELD) == 0  # let go with the commit
    assert mark(db) == before + (1 if wakes else 0)
    plain.write_at_once(db.target, "UPDATE change_marks SET seq = seq")  # free for others


@pytest.mark.parametrize("wakes", [True, False])
async def test_a_commit_the_server_refuses_says_so_and_leaves_nothing(
    db: Database, wakes: bool
) -> None:
    before = mark(db)
    with pytest.raises(sqlite3.IntegrityError, match="refused at commit"):
        async with db.transaction(wakes=wakes) as conn:
            await conn.execute("INSERT INTO refused VALUES (1)")
            await conn.execute("UPDATE customers SET name = name")
    assert plain.value(db.target, "SELECT count(*) FROM refused") == 0
    assert mark(db) == before  # the bump was in the refused commit: undone with it
    assert plain.value(db.target, HELD) == 0
    # The connection goes on: the next write commits.
    async with db.transaction(wakes=wakes):
        pass
    assert mark(db) == before + (1 if wakes else 0)
