"""One SQLite file: connections, pragmas, migrations and write transactions."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from scrm_tui.store.schema import LATEST_VERSION, MIGRATIONS

BUSY_TIMEOUT_MS = 5000
WRITER_CACHE_KB = 64 * 1024


class StoreError(RuntimeError):
    """The database cannot be used; the message says what to do."""


class StoreBusy(StoreError):
    """Another process held the write lock for longer than we wait: nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            "the database is busy (another process has held the write lock for "
            f"{BUSY_TIMEOUT_MS // 1000} s)"
        )


async def _connect(path: Path) -> aiosqlite.Connection:
    # isolation_level=None: autocommit, so transactions are exactly the ones we open.
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        # NORMAL is durable across a crash or kill of the process in WAL mode; only
        # a power cut can lose the last commits. One script: one trip to the thread.
        await conn.executescript(
            f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}; PRAGMA foreign_keys = ON; "
            "PRAGMA synchronous = NORMAL;"
        )
    except BaseException:
        await conn.close()  # its worker thread would otherwise keep the process alive
        raise
    return conn


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


async def _prepare(conn: aiosqlite.Connection, path: Path) -> None:
    """WAL mode (switching needs an exclusive lock, so only when not yet WAL), then
    the forward migrations."""
    mode = str(await _fetch_value(conn, "PRAGMA journal_mode")).lower()
    if mode != "wal":
        mode = str(await _fetch_value(conn, "PRAGMA journal_mode = WAL")).lower()
        if mode != "wal":
            raise StoreError(f"{path}: SQLite refused WAL mode (got {mode})")
    await _migrate(conn, path)


class Database:
    """A writer connection (serialised by a lock) and a reader connection.

    WAL lets the reader keep serving the UI while the writer holds a transaction,
    and lets other processes (a collector, other agents) read and write the file.
    """

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self.writer = writer
        self.reader = reader
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        path = Path(path).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the folder for {path}: {error.strerror}") from None
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                writer = await _connect(path)
                try:
                    # Big ingests touch index pages all over the file: a larger cache
                    # for the one writer keeps them from being read back per batch. It
                    # fills only as pages are written, so a viewer stays small.
                    await writer.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KB}")
                    await _prepare(writer, path)
                    reader = await _connect(path)
                except BaseException:
                    await writer.close()
                    raise
                return cls(path, writer, reader)
            except sqlite3.OperationalError as error:
                # Several processes opening a new file at once contend for the lock
                # that creates the schema and switches it to WAL: wait our turn.
                if _is_busy(error) and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                    continue
                raise StoreError(f"cannot open database {path}: {error}") from None
            except sqlite3.DatabaseError as error:
                raise StoreError(f"{path} is not a usable scrm database: {error}") from None

    async def close(self) -> None:
        for conn in (self.reader, self.writer):
            with contextlib.suppress(sqlite3.Error, ValueError):  # already closed
                await conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction; every multi-row write goes through here."""
        async with self._write_lock:
            try:
                await self.writer.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                # busy_timeout has run out: another process is writing (an import, a
                # collector's batch, a stuck transaction). Say so in words.
                if _is_busy(error):
                    raise StoreBusy from error
                raise
            try:
                yield self.writer
            except BaseException:
                await self.writer.rollback()
                raise
            else:
                await self.writer.commit()

    async def data_version(self) -> int:
        """Changes whenever another connection (any process) commits to the file."""
        return int(await _fetch_value(self.reader, "PRAGMA data_version"))

    async def schema_version(self) -> int:
        return int(await _fetch_value(self.reader, "PRAGMA user_version"))


async def _fetch_value(
    conn: aiosqlite.Connection, sql: str, params: tuple[object, ...] = ()
) -> Any:
    async with conn.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return None if row is None else row[0]


async def _migrate(conn: aiosqlite.Connection, path: Path) -> None:
    version = int(await _fetch_value(conn, "PRAGMA user_version"))
    if version > LATEST_VERSION:
        raise StoreError(
            f"{path} has schema version {version}, newer than this scrm understands "
            f"({LATEST_VERSION}); upgrade scrm to open it"
        )
    if version == LATEST_VERSION:
        return
    await conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the lock: look again.
        version = int(await _fetch_value(conn, "PRAGMA user_version"))
        for step, statements in MIGRATIONS:
            if step <= version:
                continue
            for statement in statements:
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {step}")
    except BaseException:
        await conn.rollback()
        raise
    await conn.commit()


async def peek(path: Path) -> tuple[int, int]:
    """(schema version, mentions) of an existing database, opened read-only: a check
    must not create, migrate or lock the database of a running scrm. Raises
    sqlite3.Error when the file is not a usable database."""
    async with aiosqlite.connect(path.resolve().as_uri() + "?mode=ro", uri=True) as conn:
        async with conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        if not version:
            return 0, 0
        async with conn.execute("SELECT count(*) FROM mentions") as cursor:
            row = await cursor.fetchone()
        return version, int(row[0]) if row else 0
