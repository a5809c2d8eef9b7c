"""Plain SQL on a test's database, whichever engine it is on: a test checks what the
store wrote with statements of its own, never through the store (nor its translator).

`with plain.connect(target) as conn: conn.execute(sql, params).fetchall()` works on a
SQLite file (sqlite3) and on a PostgreSQL URL (psycopg); write `?` for parameters and
SQL both engines read alike."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from scrm_tui.store.pg.database import WRITE_LOCK
from scrm_tui.store.pg.url import is_url


class Plain:
    """A connection that takes `?` parameters on either engine; committed on leaving."""

    def __init__(self, conn: sqlite3.Connection | psycopg.Connection[Any]):
        self.conn = conn
        self.postgresql = isinstance(conn, psycopg.Connection)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self.postgresql:
            return self.conn.execute(sql.replace("%", "%%").replace("?", "%s").encode(), params)
        return self.conn.execute(sql, params)


@contextmanager
def connect(target: str | Path) -> Iterator[Plain]:
    if is_url(str(target)):
        with psycopg.connect(str(target)) as pg:
            yield Plain(pg)
        return
    lite = sqlite3.connect(target)
    try:
        with lite:
            yield Plain(lite)
    finally:
        lite.close()


def rows(target: str | Path, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Every row of one statement."""
    with connect(target) as conn:
        return [tuple(row) for row in conn.execute(sql, params).fetchall()]


def value(target: str | Path, sql: str, params: Sequence[Any] = ()) -> Any:
    """The first column of the first row (a count, a state)."""
    return rows(target, sql, params)[0][0]


def write_at_once(target: str | Path, sql: str, params: Sequence[Any] = ()) -> None:
    """Another process's write that takes the write lock without waiting for it (SQLite's
    file lock; on PostgreSQL the advisory lock every scrm write holds): it fails if a
    write transaction is under way."""
    if is_url(str(target)):
        with psycopg.connect(str(target)) as pg:
            [(free,)] = pg.execute(f"SELECT pg_try_advisory_xact_lock({WRITE_LOCK})".encode())
            assert free, "the write lock is held"
            pg.execute(sql.replace("?", "%s").encode(), params)
        return
    lite = sqlite3.connect(target, timeout=0)
    try:
        with lite:
            lite.execute("BEGIN IMMEDIATE")
            lite.execute(sql, params)
    finally:
        lite.close()


@contextmanager
def holding_the_write_lock(target: str | Path) -> Iterator[Callable[[], bool]]:
    """Another process in the middle of a write (SQLite's BEGIN IMMEDIATE; on PostgreSQL
    the advisory lock every scrm write takes) until the block ends, when it commits. It
    yields a question: is someone else now waiting for that lock? (PostgreSQL says so in
    pg_locks; SQLite cannot tell, and says yes.)"""
    if is_url(str(target)):
        with psycopg.connect(str(target)) as pg, psycopg.connect(str(target)) as look:
            pg.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})".encode())

            def waiting() -> bool:
                [(count,)] = look.execute(
                    b"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                ).fetchall()
                look.commit()
                return bool(count)

            yield waiting
        return
    lite = sqlite3.connect(target, isolation_level=None)
    try:
        lite.execute("BEGIN IMMEDIATE")
        yield lambda: True
        lite.execute("COMMIT")
    finally:
        lite.close()
