"""Tiny reads on the event loop's own thread, for the path every commit by another process
takes: a plain connection that never waits for a lock, the reader's thread when it would."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

Parameters = Sequence[Any] | Mapping[str, Any]


def is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class QuickReads:
    """A read-only sqlite3 connection used in the calling thread, with no busy wait.

    A statement through aiosqlite costs ~40-100 µs of CPU to hand to its thread and
    wake the event loop with the answer, against a few µs for the statement itself
    when it reads a handful of rows by index: an open inbox pays that on each commit
    another process makes (the change mark, the rows on screen, what arrived). Those
    reads run here instead. A reader in WAL mode almost never meets a lock; when it
    does (a process holding the file exclusively, a migration), waiting here would
    freeze the screen, so the read goes to `slow` (the reader's thread, which waits
    its busy_timeout off the event loop) instead."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            # timeout=0: a lock answers SQLITE_BUSY at once (see fetch_all).
            # (Not bound to the thread that opened it: a database closed from another
            # thread still lets go of it.)
            conn = sqlite3.connect(
                self.path, timeout=0, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA query_only = ON")
            # Its reads touch a few pages, and another process's commit empties its
            # cache anyway: a small one keeps an open inbox's memory where it was.
            conn.execute("PRAGMA cache_size = -256")
            self._conn = conn
        return self._conn

    async def fetch_all(
        self,
        sql: str,
        parameters: Parameters,
        slow: Callable[[], Awaitable[list[Any]]],
    ) -> list[Any]:
        """Every row of one statement that reads little (by index, a few rows), read
        here and now; `slow()` reads it instead should the file be locked."""
        try:
            # Every row read at once (list), with no await in between: an open
            # statement would keep its snapshot (see store.db.fetch_all).
            return list(self._connection().execute(sql, parameters))
        except sqlite3.OperationalError as error:
            if not is_busy(error):
                raise
        return await slow()

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
