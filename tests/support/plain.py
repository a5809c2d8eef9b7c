"""Plain SQL on a test's database, whichever engine it is on: a test checks what the
store wrote with statements of its own, never through the store (nor its translator).

`with plain.connect(target) as conn: conn.execute(sql, params).fetchall()` works on a
SQLite file (sqlite3) and on a PostgreSQL URL (psycopg); write `?` for parameters and
SQL both engines read alike."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

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
