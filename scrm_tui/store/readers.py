"""Read connections for long reports: several that see one commit, each read on
connections of its own, stopped inside the database when the read is given up (SQLite's
interrupt; on PostgreSQL a cancel request, and each connection reads one snapshot).

A report read on two connections in two threads uses both cores (SQLite lets go of
the interpreter while it steps). A read that is given up (a dashboard range replaced
by the next key) is interrupted on ITS connections only, which are then closed, never
handed to another read: the interrupt cannot reach anyone else's statement.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_one, open_reader
from scrm_tui.store.engines import POSTGRESQL, engine_of
from scrm_tui.store.pg.url import is_url

LANES = 2  # the machines we run on have two cores: a third lane only adds contention
KEEP = 2  # idle connections kept for the next read (a range key), the rest closed
INTERRUPT_EVERY_S = 0.05  # while an interrupted connection is not closed yet
AGREE_TRIES = 20  # then the read goes on one connection, which agrees with itself

# What every commit that changes a figure moves: the change mark (bumped by each waking
# write transaction, store/db.py) and the mentions' running count (kept by triggers).
_MARK = "SELECT (SELECT seq FROM change_marks), (SELECT total FROM mention_counts)"


class Readers:
    """A small pool of read connections to one database (a file, or a PostgreSQL URL),
    for reports."""

    def __init__(self, path: Path | str, lanes: int = LANES) -> None:
        self.path = path  # a file, or a PostgreSQL server's URL (db.target)
        self.lanes = lanes  # connections per read
        self._idle: list[Connection] = []
        self._open: set[Connection] = set()
        self._closing: set[asyncio.Task[None]] = set()
        self._retiring: set[Connection] = set()
        self._opening: set[asyncio.Task[Connection]] = set()
        self._closed = False

    @property
    def connections(self) -> int:
        """Connections open now: in use, idle, or being closed after an interrupt."""
        return len(self._open)

    @contextlib.asynccontextmanager
    async def snapshot(self) -> AsyncIterator[list[Connection]]:
        """Up to `lanes` connections, each in a read transaction that sees the same
        commit as the others. Left normally, they go back to the pool; left by an
        exception or a cancellation, each is interrupted (its statement stops at its
        next step) and closed once that statement has returned."""
        conns: list[Connection] = []
        clean = False
        try:
            for _ in range(self.lanes):
                conns.append(await self._take())
            agreed = await _agree(conns)
            yield agreed
            clean = True
        finally:
            if clean:
                await self._give_back(conns)
            else:
                for conn in conns:
                    await _interrupt(conn)
                    self._close_later(conn)

    async def close(self) -> None:
        """Every connection, idle or in use; those interrupted closed first."""
        self._closed = True
        await asyncio.gather(*self._opening, return_exceptions=True)
        self._idle.clear()
        for conn in self._open - self._retiring:
            self._close_later(conn)  # in use by a read being cancelled, or idle
        await asyncio.gather(*self._closing, return_exceptions=True)

    async def _take(self) -> Connection:
        if self._closed:
            raise ReadersClosed("the readers were closed")
        if self._idle:
            return self._idle.pop()
        # Opened in a task of its own: aiosqlite cancelled while it connects leaves the
        # connection it made open, owned by no one. A read cancelled meanwhile leaves
        # it to the pool instead.
        opening = asyncio.get_running_loop().create_task(self._open_one())
        self._opening.add(opening)
        opening.add_done_callback(self._opening.discard)
        try:
            return await asyncio.shield(opening)
        except asyncio.CancelledError:
            opening.add_done_callback(self._adopt)
            raise

    async def _open_one(self) -> Connection:
        conn: Connection
        if isinstance(self.path, str) and is_url(self.path):
            # the store uses a PgConnection as it uses an aiosqlite one; psycopg (165 ms
            # to import) only when the database is PostgreSQL's
            from scrm_tui.store.pg.connection import PgConnection

            conn = await PgConnection.connect(self.path)
        else:
            conn = await open_reader(Path(self.path))
        self._open.add(conn)
        return conn

    def _adopt(self, opening: asyncio.Task[Connection]) -> None:
        """A connection opened for a read that was cancelled meanwhile."""
        if opening.cancelled() or opening.exception() is not None:
            return
        conn = opening.result()
        if self._closed or len(self._idle) >= KEEP:
            self._close_later(conn)
        else:
            self._idle.append(conn)

    async def _give_back(self, conns: list[Connection]) -> None:
        for conn in conns:
            try:
                await conn.rollback()  # the snapshot ends: the next read sees new commits
            except (sqlite3.Error, ValueError):
                self._close_later(conn)
                continue
            if self._closed or len(self._idle) >= KEEP:
                self._close_later(conn)
            else:
                self._idle.append(conn)

    def _close_later(self, conn: Connection) -> None:
        """Closed after whatever is queued on its thread (the interrupted statement):
        in a task of its own, so that a read cancelled twice still closes it."""
        if conn in self._retiring:
            return
        self._retiring.add(conn)
        task = asyncio.get_running_loop().create_task(self._retire(conn))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _retire(self, conn: Connection) -> None:
        closing = asyncio.ensure_future(_close(conn))
        # An interrupt that came before the statement began on the connection's thread
        # was lost (SQLite clears it when a statement starts with none running): it is
        # said again until the close, queued behind that statement, is done. The
        # connection is never used again, so no other read can be stopped by it.
        while not closing.done():
            await _interrupt(conn)
            await asyncio.wait({closing}, timeout=INTERRUPT_EVERY_S)
        self._open.discard(conn)
        self._retiring.discard(conn)


class ReadersClosed(Exception):
    """A read was asked of readers already closed (their screen left)."""


async def _agree(conns: list[Connection]) -> list[Connection]:
    """Each connection in a read transaction at the same commit: each begins and reads
    the mark; those behind the newest begin again. Writers that never pause for
    AGREE_TRIES rounds leave the read on the first connection alone."""
    marks = await asyncio.gather(*(_begin(conn) for conn in conns))
    for _ in range(AGREE_TRIES):
        newest = max(marks)
        if all(mark == newest for mark in marks):
            return conns
        behind = [i for i, mark in enumerate(marks) if mark != newest]
        again = await asyncio.gather(*(_begin(conns[i], again=True) for i in behind))
        for i, mark in zip(behind, again, strict=True):
            marks[i] = mark
    return conns[:1]


async def _begin(conn: Connection, *, again: bool = False) -> tuple[int, int]:
    """BEGIN, then the first read, which fixes the snapshot (a WAL read transaction
    starts at its first read, not at BEGIN): the commit's mark."""
    if again:
        await conn.rollback()
    # PostgreSQL's default isolation takes a snapshot per statement: a report's reads
    # agree with each other only in one taken at the first read, as SQLite's WAL does.
    postgres = engine_of(conn) == POSTGRESQL
    await conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ" if postgres else "BEGIN")
    row = await fetch_one(conn, _MARK)
    return int(row[0]), int(row[1])


async def _interrupt(conn: Connection) -> None:
    """sqlite3's interrupt, called on this thread (aiosqlite does not queue it): the
    statement running on the connection's own thread stops at its next step."""
    with contextlib.suppress(sqlite3.Error, ValueError):  # ValueError: not open yet
        await conn.interrupt()


async def _close(conn: Connection) -> None:
    with contextlib.suppress(sqlite3.Error, ValueError):
        await conn.close()
