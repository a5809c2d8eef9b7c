"""One SQLite file: connections, pragmas, migrations and write transactions."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import math
import os
import sqlite3
import stat
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite

from scrm_tui.core import hashtags
from scrm_tui.store.conn import Connection
from scrm_tui.store.pg.url import is_url
from scrm_tui.store.quick_reads import Parameters, QuickReads, is_busy
from scrm_tui.store.schema import LATEST_VERSION, MIGRATIONS, DropNotNull
from scrm_tui.store.turnstile import Turnstile, TurnstileTimeout

if TYPE_CHECKING:
    from scrm_tui.store.commit_watch import Watch

BUSY_TIMEOUT_MS = 5000
BEGIN_TRY_MS = 20  # one ask for the write lock (see Database._begin)
WRITER_CACHE_KB = 64 * 1024


class StoreError(RuntimeError):
    """The database cannot be used; the message says what to do."""


class StoreUnavailable(StoreError, sqlite3.OperationalError):
    """SQLite refused for a reason a person can act on (another process holds the write
    lock, a read-only file, a full disk); the message says it in words. Still an
    OperationalError, for code that catches SQLite's own."""

    def __init__(self, message: str, *, busy: bool = False):
        super().__init__(message)
        self.busy = busy  # trying again later may work


class StoreBusy(StoreUnavailable):
    """Another process held the write lock for longer than we wait: nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            "the database is busy (another process has held the write lock for "
            f"{BUSY_TIMEOUT_MS // 1000} s)",
            busy=True,
        )


def explain(error: sqlite3.Error, path: Path) -> StoreUnavailable | None:
    """`error` in words a user can act on, or None when it is not theirs to fix (a bug)."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return StoreBusy()
    if "readonly" in text or "read-only" in text:
        return StoreUnavailable(f"cannot write to {path}: {_why_read_only(path)}")
    if "disk is full" in text:
        return StoreUnavailable(f"cannot write to {path}: the disk is full")
    if "disk i/o error" in text:
        return StoreUnavailable(f"cannot read or write {path}: disk I/O error")
    if "unable to open" in text:
        if path.is_dir():
            return StoreUnavailable(f"{path} is a directory, not a database")
        return StoreUnavailable(f"cannot open {path}: {_why_read_only(path)}")
    return None


@contextlib.contextmanager
def _in_words(path: Path) -> Iterator[None]:
    """Raise an OperationalError a person can act on as StoreUnavailable; others as is."""
    try:
        yield
    except sqlite3.OperationalError as error:
        explained = explain(error, path)
        if explained is None or isinstance(error, StoreUnavailable):
            raise
        raise explained from error


def _why_read_only(path: Path) -> str:
    folder = path.parent
    with contextlib.suppress(OSError):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "read-only file system"
    if path.exists() and not os.access(path, os.W_OK):
        return f"permission denied (the file is read-only; `chmod u+w {path}` if it should not be)"
    if not os.access(folder, os.W_OK | os.X_OK):
        # WAL needs its -wal and -shm files beside the database.
        return f"permission denied (scrm needs to write in {folder}, beside the database)"
    return "permission denied"


@functools.cache
def _has_pow() -> bool:
    """Whether this SQLite has its math functions (not every build does): asked once."""
    with contextlib.closing(sqlite3.connect(":memory:")) as conn:
        try:
            conn.execute("SELECT pow(2, 2)")
        except sqlite3.OperationalError:
            return False
    return True


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
        if not _has_pow():  # advocacy's triggers decay points with pow()
            await conn.create_function("pow", 2, math.pow, deterministic=True)
    except BaseException:
        await conn.close()  # its worker thread would otherwise keep the process alive
        raise
    return conn


async def open_reader(path: Path | str) -> Connection:
    """A connection of its own to a database already opened (and migrated) by a Database:
    for reads that run long (store/readers.py). Close it when done."""
    if is_url(path):
        from scrm_tui.store.pg.connection import PgConnection  # psycopg only when used

        return await PgConnection.connect(str(path))
    return await _connect(Path(path))


async def _prepare(conn: aiosqlite.Connection, path: Path) -> None:
    """Refuse a newer schema before anything changes, then WAL mode (switching needs an
    exclusive lock, so only when not yet WAL), then the forward migrations."""
    await _schema_version(conn, path)
    mode = str(await _fetch_value(conn, "PRAGMA journal_mode")).lower()
    if mode != "wal":
        mode = str(await _fetch_value(conn, "PRAGMA journal_mode = WAL")).lower()
        if mode != "wal":
            raise StoreError(f"{path}: SQLite refused WAL mode (got {mode})")
    # Migrations that fill a new table from stored text call back into Python.
    await conn.create_function("scrm_hashtags", 1, _hashtags_json, deterministic=True)
    await _migrate(conn, path)


def _hashtags_json(text: str | None) -> str:
    """The hashtags of a text as a JSON array, for SQL's json_each."""
    return json.dumps(hashtags.of(text or ""))


class Database:
    """A writer connection (serialised by a lock) and a reader connection.

    WAL lets the reader keep serving the UI while the writer holds a transaction,
    and lets other processes (a collector, other agents) read and write the file.
    """

    def __init__(self, path: Path, writer: Connection, reader: Connection):
        self.path = path
        self.writer = writer
        self.reader = reader
        self._quick = QuickReads(path)
        self._write_lock = asyncio.Lock()
        self._owns_writer = True
        self._turnstile = Turnstile(path, file_mode(path.parent))

    @property
    def engine(self) -> str:
        """The engine: "sqlite" or "postgresql"."""
        return "sqlite"

    @property
    def target(self) -> Path | str:
        """What another connection, thread or process opens to reach this database: the
        file, or the server's URL."""
        return self.path

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        if is_url(path):
            from scrm_tui.store.pg.database import PgDatabase  # psycopg only when used

            return await PgDatabase.open(path)
        path = Path(path).expanduser()
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not a database")
        _create_private(path)
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
                    # The writer asks for the write lock again every BEGIN_TRY_MS, behind
                    # the turnstile (see _begin): left to wait 5 s in one ask, SQLite's
                    # handler sleeps up to 100 ms between looks at the lock.
                    await writer.execute(f"PRAGMA busy_timeout = {BEGIN_TRY_MS}")
                    reader = await _connect(path)
                except BaseException:
                    await writer.close()
                    raise
                return cls(path, writer, reader)
            except sqlite3.OperationalError as error:
                # Several processes opening a new file at once contend for the lock
                # that creates the schema and switches it to WAL: wait our turn.
                if is_busy(error) and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                    continue
                raise explain(error, path) or StoreError(
                    f"cannot open database {path}: {error}"
                ) from None
            except sqlite3.DatabaseError as error:
                raise StoreError(f"{path} is not a usable scrm database: {error}") from None

    async def with_own_reader(self) -> Database:
        """This database with a reader connection of its own (the writer and its lock
        shared): aiosqlite runs one statement at a time per connection, so long reads
        there (the view bar's counts) never hold up the UI's. Close it when done."""
        twin = Database(self.path, self.writer, await _connect(self.path))
        twin._write_lock = self._write_lock
        twin._turnstile = self._turnstile
        twin._owns_writer = False
        return twin

    async def close(self) -> None:
        self._quick.close()
        for conn in (self.reader, self.writer) if self._owns_writer else (self.reader,):
            with contextlib.suppress(sqlite3.Error, ValueError):  # already closed
                await conn.close()
        if self._owns_writer:
            self._turnstile.close()

    @asynccontextmanager
    async def transaction(self, *, wakes: bool = True) -> AsyncIterator[Connection]:
        """One write transaction; every write goes through here. What stops it that a
        person can act on (a lock held too long, a read-only file) is raised as
        StoreUnavailable, in words. `wakes`: open inboxes look at what it changed
        (the mark of store/live.py moves); bookkeeping no one shows (a heartbeat, a lease renewed,
        a job's progress) passes False and costs them nothing."""
        async with self._write_lock:
            with _in_words(self.path):
                try:
                    # Inside the try: a task cancelled while BEGIN waits for another
                    # process's lock leaves BEGIN queued on the connection's thread, and
                    # the rollback queued after it ends whatever it starts.
                    await self._begin()
                    yield self.writer
                    if wakes:
                        await self.writer.execute(_BUMP)
                    await self.writer.commit()
                except BaseException:
                    await self.writer.rollback()  # a no-op when no transaction began
                    raise

    @contextlib.asynccontextmanager
    async def between_writes(self) -> AsyncIterator[None]:
        """Inside, no write transaction of this process is open, and none begins: for a
        stop of the whole process (Ctrl+Z), which inside one would hold the file's write
        lock, and so every other agent's writes, until `fg`."""
        async with self._write_lock:
            yield

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE, first in when the write lock frees: queued at the turnstile
        (so no process's next transaction overtakes us) and asking again every
        BEGIN_TRY_MS, until BUSY_TIMEOUT_MS have passed (then StoreBusy). Each ask waits
        in SQLite's handler, on the connection's thread (its first sleeps are 1, 2, 5 and
        10 ms): a waiting inbox's event loop stays idle, not woken every few ms."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        try:
            async with self._turnstile.passing(deadline):
                while True:
                    try:
                        await self.writer.execute("BEGIN IMMEDIATE")
                        return
                    except sqlite3.OperationalError as error:
                        if not is_busy(error) or time.monotonic() >= deadline:
                            raise
        except TurnstileTimeout:
            raise StoreBusy() from None

    @staticmethod
    async def wake(conn: Connection) -> None:
        """Inside a transaction(wakes=False) that turned out to change something open
        inboxes show (decided as it went): they look, as for any waking commit."""
        await conn.execute(_BUMP)

    @staticmethod
    async def nudge(conn: Connection) -> None:
        """Inside a transaction that moves only one agent's own marks (their reads): that
        agent's other terminals look, and the mark every inbox shares stays. SQLite's
        commit watch sees every commit already: nothing to send."""

    async def fetch_quick(self, sql: str, parameters: Parameters = ()) -> list[Any]:
        """Every row of a statement that reads a few rows by index (the change mark,
        the rows on screen, what just arrived), read on the calling thread rather than
        the reader's (store/quick_reads.py); on the reader should the file be locked."""
        return await self._quick.fetch_all(
            sql, parameters, lambda: fetch_all(self.reader, sql, parameters)
        )

    async def schema_version(self) -> int:
        return int(await _fetch_value(self.reader, "PRAGMA user_version"))

    def commit_watch(
        self, agent: str, on_change: Callable[[], object], *, every: float, settle: float
    ) -> Watch:
        """What calls `on_change` (from a thread) when a commit may have moved `agent`'s
        change mark, not started: on SQLite a watch on the file (store/commit_watch.py)."""
        from scrm_tui.store.commit_watch import CommitWatch

        return CommitWatch(self.path, agent, on_change, every=every, settle=settle)


_BUMP = "UPDATE change_marks SET seq = seq + 1"


async def begin_read(conn: Connection) -> None:
    """BEGIN a read snapshot on a reader. A read cancelled while its BEGIN ran (a
    dashboard range replaced by the next key) left its snapshot open behind it, and
    the next BEGIN failed; any statement waits for those queued before it, so the
    connection's flag is settled after one."""
    await conn.execute("SELECT 1")
    if conn.in_transaction:
        await conn.rollback()
    await conn.execute("BEGIN")


async def fetch_all(conn: Connection, sql: str, parameters: Parameters = ()) -> list[Any]:
    """Every row of one statement, read in the same step of the connection's thread as
    the statement runs. Every statement that returns rows is read this way: a task
    cancelled while its statement waits its turn (a screen's read that a newer one
    replaced) then leaves none open behind it. An open statement keeps the snapshot it
    began with, and its connection would read the file as it was, for good, blind to
    what every other process stores."""
    return list(await conn.execute_fetchall(sql, parameters))


async def fetch_one(conn: Connection, sql: str, parameters: Parameters = ()) -> Any:
    """The first row of one statement (None if none), read as `fetch_all` reads."""
    rows = await fetch_all(conn, sql, parameters)
    return rows[0] if rows else None


async def _fetch_value(conn: Connection, sql: str, params: Parameters = ()) -> Any:
    row = await fetch_one(conn, sql, params)
    return None if row is None else row[0]


def file_mode(folder: Path) -> int:
    """The mode for a database in `folder`: the owner's alone (it holds customer data),
    unless the folder is a team's (group-writable, as for a shared /srv/scrm): then
    the group's too, so every agent can open it. Never anyone else's."""
    try:
        shared = bool(folder.stat().st_mode & stat.S_IWGRP)
    except OSError:
        shared = False
    return 0o660 if shared else 0o600


def _create_private(path: Path) -> None:
    """Create the database file (and, when missing, its folder: 0700) with file_mode.
    SQLite gives the -wal and -shm it makes the file's mode. An existing file or folder
    is left as it is (`scrm doctor` warns about one others can read)."""
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise StoreError(f"cannot create the folder for {path}: {error.strerror}") from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first: an empty file is an empty database
    except OSError as error:
        raise StoreError(f"cannot create {path}: {error.strerror}") from None
    try:
        os.fchmod(fd, file_mode(path.parent))  # exactly: the umask may not widen or narrow it
    finally:
        os.close(fd)


async def _schema_version(conn: Connection, path: Path) -> int:
    """The schema step of the file, refused when newer than this scrm knows."""
    version = int(await _fetch_value(conn, "PRAGMA user_version"))
    if version > LATEST_VERSION:
        raise StoreError(
            f"{path} has schema version {version}, newer than this scrm understands "
            f"({LATEST_VERSION}); upgrade scrm to open it"
        )
    return version


async def _drop_not_null(conn: Connection, step: DropNotNull) -> None:
    """Edit the table's text in sqlite_schema (schema.DropNotNull says why), in the
    migration's transaction, and bump the schema version so every connection (this one
    too) reads the schema again."""
    sql = await _fetch_value(
        conn, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", (step.table,)
    )
    if sql is None:
        raise StoreError(f"no table {step.table} to change")
    version = int(await _fetch_value(conn, "PRAGMA schema_version"))
    await conn.execute("PRAGMA writable_schema = ON")
    try:
        await conn.execute(
            "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?",
            (step.edit(sql), step.table),
        )
        await conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        await conn.execute("PRAGMA writable_schema = OFF")


async def _migrate(conn: Connection, path: Path) -> None:
    version = await _schema_version(conn, path)
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
                if isinstance(statement, DropNotNull):
                    await _drop_not_null(conn, statement)
                else:
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
        version = int(await _fetch_value(conn, "PRAGMA user_version") or 0)
        if not version:
            return 0, 0
        return version, int(await _fetch_value(conn, "SELECT count(*) FROM mentions") or 0)
