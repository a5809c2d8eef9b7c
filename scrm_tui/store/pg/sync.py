"""A synchronous PostgreSQL connection that the matcher's worker threads and processes use
as they use sqlite3's: `execute` returns the rows, `interrupt` stops the statement running."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import ClientCursor

from scrm_tui.store.pg.connection import adapt, as_sqlite_errors, bind
from scrm_tui.store.pg.dialect import translate


class SyncPgConnection:
    """One autocommit connection, read-only by default (the matcher only reads)."""

    engine = "postgresql"

    def __init__(self, url: str, *, read_only: bool = True) -> None:
        self.raw = psycopg.connect(url, autocommit=True, cursor_factory=ClientCursor)
        adapt(self.raw)
        if read_only:
            self.raw.execute(b"SET default_transaction_read_only = on")

    def execute(self, sql: str, parameters: Any = ()) -> list[tuple[Any, ...]]:
        t = translate(sql)
        with as_sqlite_errors(t.sql):
            cur = self.raw.cursor()
            cur.execute(t.sql.encode(), bind(t, parameters))
            return cur.fetchall() if cur.description is not None else []

    def interrupt(self) -> None:
        self.raw.cancel_safe()

    def close(self) -> None:
        self.raw.close()
