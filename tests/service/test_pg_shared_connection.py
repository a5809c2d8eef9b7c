"""One PostgreSQL connection shared by the store's tasks, as an aiosqlite one is: after the
server restarts, many reads arriving at once are all answered on ONE new connection.
Each task making its own and closing the one before under another task's statement
crashed the app (a freed libpq connection) or said "connection socket closed"."""

from __future__ import annotations

import asyncio

import psycopg

from scrm_tui.store.pg.connection import PgConnection
from tests.support.postgres import Server

READERS = 8


def backends(url: str) -> int:
    """How many connections the server holds to this database, but the one asking."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
        assert row is not None
        return int(row[0])


async def test_reads_at_once_after_a_restart_are_answered_on_one_new_connection(
    postgres: Server,
) -> None:
    url = postgres.fresh()
    conn = await PgConnection.connect(url)
    try:
        assert await conn.execute_fetchall("SELECT 1") == [(1,)]
        postgres.stop("fast")
        postgres.start()  # the connection is gone, and nobody has noticed yet

        answers = await asyncio.gather(
            *(conn.execute_fetchall(f"SELECT {n}") for n in range(READERS)),
            return_exceptions=True,
        )

        assert answers == [[(n,)] for n in range(READERS)]
        assert await conn.execute_fetchall("SELECT 'still'") == [("still",)]
        assert backends(url) == 1
    finally:
        await conn.close()
