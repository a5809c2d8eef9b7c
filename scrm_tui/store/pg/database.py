"""One PostgreSQL database as the store's Database: a writer connection (one write
transaction at a time, across every process on every machine) and a reader connection,
the schema created or refused on open."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import psycopg

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, StoreError, StoreUnavailable
from scrm_tui.store.pg import migrations
from scrm_tui.store.pg.connection import PgConnection
from scrm_tui.store.pg.url import redacted
from scrm_tui.store.quick_reads import Parameters
from scrm_tui.store.schema import LATEST_VERSION

if TYPE_CHECKING:
    from scrm_tui.store.commit_watch import Watch

# Every write transaction holds this advisory lock: writes are one at a time, as in
# SQLite, so code that reads then writes in one transaction stays right on any engine.
WRITE_LOCK = 0x5C4D0001
# Held while the schema is created or migrated, by the first process to open a database.
SCHEMA_LOCK = 0x5C4D0002
CHANNEL = "scrm_changes"  # NOTIFY'd by every commit that moves the change mark


def _sql(name: str) -> str:
    return resources.files("scrm_tui.store.pg").joinpath(name).read_text(encoding="utf-8")


class PgDatabase(Database):
    """The store's Database on PostgreSQL (store/db.py says what each part is for)."""

    def __init__(self, url: str, writer: PgConnection, reader: PgConnection):
        # No file: the SQLite-only parts (quick reads, turnstile) stay unused.
        self.url = url
        self.path = Path(redacted(url))
        self.writer: Connection = writer
        self.reader: Connection = reader
        self._write_lock = asyncio.Lock()
        self._owns_writer = True

    @classmethod
    async def open(cls, path: Path | str) -> PgDatabase:
        url = str(path)
        try:
            writer = await PgConnection.first(url)
        except psycopg.Error as error:  # a URL libpq cannot read is a ProgrammingError
            raise StoreUnavailable(_unreachable(url, error)) from None
        try:
            await _prepare(writer, url)
            reader = await PgConnection.connect(url)
        except BaseException:
            await writer.close()
            raise
        return cls(url, writer, reader)

    @property
    def engine(self) -> str:
        return "postgresql"

    @property
    def target(self) -> str:
        return self.url

    async def with_own_reader(self) -> PgDatabase:
        twin = PgDatabase(
            self.url, cast(PgConnection, self.writer), await PgConnection.connect(self.url)
        )
        twin._write_lock = self._write_lock
        twin._owns_writer = False
        return twin

    async def close(self) -> None:
        for conn in (self.reader, self.writer) if self._owns_writer else (self.reader,):
            with contextlib.suppress(Exception):
                await cast(PgConnection, conn).close()

    @asynccontextmanager
    async def transaction(self, *, wakes: bool = True) -> AsyncIterator[Connection]:
        writer = cast(PgConnection, self.writer)
        async with self._write_lock:
            try:
                await writer.execute(_BEGIN)
                yield self.writer
                if wakes:
                    # A COMMIT that fails raises here, as commit() would.
                    await writer.execute(_BUMP_COMMIT)
                await writer.commit()  # no round trip when the line above committed
            except BaseException:
                with contextlib.suppress(Exception):
                    await writer.rollback()
                raise

    @contextlib.asynccontextmanager
    async def between_writes(self) -> AsyncIterator[None]:
        async with self._write_lock:
            yield

    @staticmethod
    async def wake(conn: Connection) -> None:
        await conn.execute(_BUMP)

    @staticmethod
    async def nudge(conn: Connection) -> None:
        # A listener hears only a NOTIFY: every one looks (an index lookup), and only
        # this agent's inboxes find their reads moved.
        await conn.execute(NOTIFY)

    async def fetch_quick(self, sql: str, parameters: Parameters = ()) -> list[Any]:
        return list(await self.reader.execute_fetchall(sql, parameters))

    async def schema_version(self) -> int:
        return await _version(cast(PgConnection, self.reader))

    def commit_watch(
        self, agent: str, on_change: Callable[[], object], *, every: float, settle: float
    ) -> Watch:
        """A LISTEN on a connection of its own (store/pg/listen.py): no file to watch, no
        clock to poll, and it says when the server goes out of reach."""
        from scrm_tui.store.pg.listen import CommitListener

        return CommitListener(self.url, agent, on_change)


# Every listening process hears a commit that sends this, when it commits. It carries
# the change mark's value and nothing else (no text, no names): a listener reads what it
# shows itself. Alone (`nudge`, after an agent's reads), it wakes one agent's other terminals for
# their reads, which move only that agent's part of the mark (store/live.MARK).
NOTIFY = f"SELECT pg_notify('{CHANNEL}', CAST((SELECT seq FROM change_marks) AS TEXT))"
# The change mark moves and every listening process hears it, in the same commit.
_BUMP = f"UPDATE change_marks SET seq = seq + 1; {NOTIFY}"
# Each sent as one message, one round trip: a write transaction at its start holds the
# write lock, and at its end moves the mark and commits. READ COMMITTED: each statement
# sees what committed before it, so what the lock waited behind is seen once it is ours.
_BEGIN = f"BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
_BUMP_COMMIT = f"{_BUMP}; COMMIT"


async def _version(conn: PgConnection) -> int:
    # Plain psycopg: before the schema exists there is no compat.sql to lean on.
    cur = await conn.raw.execute(b"SELECT to_regclass('scrm_schema') IS NOT NULL")
    row = await cur.fetchone()
    if not row or not row[0]:
        return 0
    cur = await conn.raw.execute(b"SELECT max(version) FROM scrm_schema")
    row = await cur.fetchone()
    return int(row[0] or 0) if row else 0


async def _prepare(conn: PgConnection, url: str) -> None:
    """Create the schema in an empty database (one process at a time), or refuse one newer
    than this scrm knows."""
    version = await _version(conn)
    if version == LATEST_VERSION:
        return
    if version > LATEST_VERSION:
        raise StoreError(
            f"{redacted(url)} has schema version {version}, newer than this scrm "
            f"understands ({LATEST_VERSION}); upgrade scrm to open it"
        )
    await conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")  # sees who went first
    try:
        await conn.execute(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
        version = await _version(conn)  # another process may have done it meanwhile
        if version == 0:
            await conn.raw.execute(_sql("compat.sql").encode())
            await conn.raw.execute(_sql("fts.sql").encode())  # tools/fts5_chars.py
            await conn.raw.execute(_sql("schema.sql").encode())  # records its step
            version = await _version(conn)
        for step, statements in migrations.STEPS:
            if step <= version:
                continue
            for statement in statements:
                await conn.raw.execute(statement.encode())
            await conn.raw.execute(f"INSERT INTO scrm_schema VALUES ({step})".encode())
            version = step
        if version != LATEST_VERSION:
            raise StoreError(
                f"{redacted(url)} has schema version {version}: this scrm has no "
                f"PostgreSQL migration to {LATEST_VERSION} (a bug: please report it)"
            )
        await conn.commit()
    except BaseException:
        await conn.rollback()
        raise
    except sqlite3.Error:
        raise


def _unreachable(url: str, error: psycopg.Error) -> str:
    """Why a server could not be used, in words, never showing the password."""
    from scrm_tui.store.pg.advice import in_words

    return in_words(redacted(url), error)
