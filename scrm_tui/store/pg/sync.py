"""A synchronous PostgreSQL connection that the matcher's worker threads and processes use
as they use sqlite3's: `execute` returns the rows, `interrupt` stops the statement running.
A server that restarts under it is reached again, as store/pg/connection.py does."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

import psycopg
from psycopg import ClientCursor

from scrm_tui.store.db import StoreUnavailable
from scrm_tui.store.pg.advice import in_words
from scrm_tui.store.pg.connection import (
    REACH,
    SESSION,
    adapt,
    as_sqlite_errors,
    bind,
)
from scrm_tui.store.pg.dialect import Translated, translate
from scrm_tui.store.pg.quoting import literal, quoted
from scrm_tui.store.pg.reach import Reach
from scrm_tui.store.pg.url import redacted


class SyncPgConnection:
    """One autocommit connection, read-only by default (the matcher only reads). A
    connection the server dropped (a restart, a network gone) is made again on the next
    statement, tried at most every RETRY_MAX s while the server is out of reach
    (StoreUnavailable, in words, meanwhile); a read the drop met before it reached the
    server is tried once more on the new connection. Every statement commits alone, so
    a write cut by the drop is reported, never sent twice."""

    engine = "postgresql"

    def __init__(self, url: str, *, read_only: bool = True) -> None:
        self.url = url
        self.read_only = read_only
        self._reach = Reach()
        try:
            self.raw = self._connect()
        except psycopg.Error as error:  # a URL libpq cannot read is a ProgrammingError
            raise StoreUnavailable(in_words(redacted(url), error)) from None

    def _connect(self) -> psycopg.Connection[Any]:
        conn = psycopg.connect(self.url, autocommit=True, cursor_factory=ClientCursor, **REACH)
        adapt(conn)
        conn.execute(SESSION)
        if self.read_only:
            conn.execute(b"SET default_transaction_read_only = on")
        return conn

    def execute(self, sql: str, parameters: Any = ()) -> list[tuple[Any, ...]]:
        t = translate(sql)
        fresh = self._ready()
        try:
            return self._execute(t, parameters)
        except sqlite3.OperationalError as error:
            if not self.raw.broken:
                raise
            lost = self._lost(error)
            if fresh or not self._rereadable(t.sql):
                raise lost from None
            # The connection was dead before the statement reached it (the server
            # restarted while it sat idle): a read is tried once on a new one.
            self._ready()
            try:
                return self._execute(t, parameters)
            except sqlite3.OperationalError as again:
                raise (self._lost(again) if self.raw.broken else again) from None

    def _rereadable(self, sql: str) -> bool:
        """A statement that changes nothing by running twice: any, on a read-only
        connection (the server refuses writes there); else a SELECT."""
        return self.read_only or sql.lstrip()[:6].upper() == "SELECT"

    def _execute(self, t: Translated, parameters: Any) -> list[tuple[Any, ...]]:
        with as_sqlite_errors(t.sql):
            cur = self.raw.cursor()
            cur.execute(quoted(t.sql, bind(t, parameters), literal(self.raw)))
            return cur.fetchall() if cur.description is not None else []

    def interrupt(self) -> None:
        with contextlib.suppress(psycopg.OperationalError):  # nothing runs on a lost one
            self.raw.cancel_safe()

    def close(self) -> None:
        self.raw.close()

    def _ready(self) -> bool:
        """Make the connection again if the server dropped it; True if it was made."""
        if not self.raw.broken:
            return False
        if self._reach.too_soon():
            raise self._lost(None)
        try:
            conn = self._connect()
        except psycopg.OperationalError as error:
            self._reach.failed()
            raise self._lost(error) from None
        with contextlib.suppress(Exception):
            self.raw.close()
        self.raw = conn
        self._reach.reached()
        return True

    def _lost(self, error: BaseException | None) -> StoreUnavailable:
        return self._reach.lost(error)
