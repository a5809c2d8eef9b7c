"""A PostgreSQL connection that the store's code uses as it uses an aiosqlite one:
`execute`, `executemany`, `execute_fetchall`, `commit`, `rollback`, `interrupt`, each
statement translated from SQLite's SQL (store/pg/dialect.py) and its errors raised as the
DB-API classes the store already catches (sqlite3's)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from typing import Any

import psycopg
from psycopg import AsyncClientCursor, AsyncConnection
from psycopg.adapt import Loader
from psycopg.pq import TransactionStatus

from scrm_tui.store.db import StoreUnavailable
from scrm_tui.store.pg.dialect import Translated, translate
from scrm_tui.store.pg.fts import tsquery
from scrm_tui.store.pg.quoting import Quote, literal, quoted, row, split
from scrm_tui.store.pg.reach import Reach

# How every connection reaches the server: a try gives up after 5 s, and a link that
# dies without a word (a network gone, a machine off) is noticed within ~16 s by TCP's
# keepalives rather than never.
REACH: dict[str, Any] = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 2,
    "keepalives_count": 3,
}
# Every connection's session: no JIT compiling. The planner over-prices some of the
# store's look-ups (a view of customer points, the triggers' reads of a batch's new rows)
# past jit_above_cost, and compiling one took 0.9 s to save nothing on a statement that
# runs in a millisecond: an inbox's key or an ingest batch must never pay that.
SESSION = b"SET jit = off"
# s a cancel request may take, and a closing connection waits for its statement under
# way to stop: a network gone must not hold the app's exit for psycopg's default 30 s.
CLOSE_WAIT = 2.0


class _TextLoader(Loader):
    """JSON comes back as its text, as SQLite gives it (the store parses it itself)."""

    def load(self, data: Buffer) -> str:
        return bytes(data).decode()


class _NumberLoader(Loader):
    """numeric (a sum of bigints, an average) as SQLite gives numbers: int when whole."""

    def load(self, data: Buffer) -> int | float:
        text = bytes(data).decode()
        if text.isdigit() or (text[:1] == "-" and text[1:].isdigit()):
            return int(text)
        return float(text)


Buffer = bytes | bytearray | memoryview


def adapt(conn: AsyncConnection[Any] | psycopg.Connection[Any]) -> None:
    """Teach a new connection the loaders above."""
    for name in ("json", "jsonb"):
        conn.adapters.register_loader(name, _TextLoader)
    conn.adapters.register_loader("numeric", _NumberLoader)


class Cursor:
    """The rows of one statement, already read (as store/db.fetch_all reads SQLite's)."""

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int):
        self._rows = rows
        self.rowcount = rowcount

    async def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    async def close(self) -> None:
        self._rows = []


def _no_nul(value: Any) -> Any:
    """PostgreSQL's text holds no NUL (SQLite's does: a stranger's post may carry one):
    stored as the picture the screen shows for it (core/sanitize: U+2400, ␀)."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\u2400")
    return value


def bind(t: Translated, parameters: Any) -> Any:
    """SQLite's parameters as psycopg takes them; FTS5 query text as tsquery text."""
    if not t.params:
        return None
    if t.named:
        values = {k: _no_nul(v) for k, v in dict(parameters).items()}
        for name in dict.fromkeys(t.fts):  # a name may be matched twice in a statement
            values[str(name)] = tsquery(values[str(name)])
        return values
    values_list = [_no_nul(v) for v in parameters]
    for index in t.fts:
        assert isinstance(index, int)
        values_list[index] = tsquery(values_list[index])
    return values_list


@contextlib.contextmanager
def as_sqlite_errors(sql: str) -> Any:
    """psycopg's errors as the DB-API classes of sqlite3 that the store catches."""
    try:
        yield
    except psycopg.errors.IntegrityError as error:
        raise sqlite3.IntegrityError(str(error)) from error
    except psycopg.errors.QueryCanceled as error:
        raise sqlite3.OperationalError("interrupted") from error
    except psycopg.errors.OperationalError as error:
        raise sqlite3.OperationalError(str(error)) from error
    except psycopg.errors.ProgrammingError as error:
        raise sqlite3.OperationalError(f"{error}\n-- in: {sql}") from error


# INSERT INTO t (columns) VALUES (one row's placeholders) [ON CONFLICT ... DO NOTHING]:
# rows that may go as one statement of many rows.
_ONE_ROW_INSERT = re.compile(
    r"(?is)^(\s*INSERT\s+INTO\s+[\w\"]+\s*\([^()]*\)\s*VALUES\s*)"
    r"(\((?:[^()']|'[^']*')*\))"
    r"(\s*(?:ON\s+CONFLICT\s*(?:\([^()]*\))?\s*DO\s+NOTHING)?\s*)$"
)
_ROWS_AT_ONCE = 500


def values_at_once(
    t: Translated, seq: Iterable[Sequence[Any] | Mapping[str, Any]], quote: Quote
) -> list[bytes] | None:
    """An executemany of a one-row INSERT as statements of up to _ROWS_AT_ONCE rows each
    (None when it is not one): every statement sent alone costs the server a parse and
    the client a round trip, and a customer import or the match index writes tens of
    thousands. Not for DO UPDATE (a statement may not update one row twice) nor RETURNING.
    The values are quoted in here (quoting.py): psycopg would split each statement of
    500 rows at its placeholders again on every call."""
    found = _ONE_ROW_INSERT.match(t.sql)
    if found is None or t.named or t.fts or not t.params:
        return None
    head, one, tail = found.groups()
    pieces = split(one)[0]
    start, end = split(head)[0][0], split(tail)[0][0]  # no placeholders: `%%` read as `%`
    rows = [[_no_nul(v) for v in p] for p in seq]
    out = []
    for at in range(0, len(rows), _ROWS_AT_ONCE):
        body = b", ".join(row(pieces, values, quote) for values in rows[at : at + _ROWS_AT_ONCE])
        out.append(start + body + end)
    return out


class PgConnection:
    """One psycopg connection in autocommit mode: transactions are the BEGINs we send.
    A connection the server dropped (a restart, a network gone) is made again on the
    next statement, tried at most every RETRY_MAX s while the server is out of reach
    (StoreUnavailable, in words, meanwhile): a read outside a transaction is tried
    again on the new connection; a transaction under way is lost with its connection,
    and says so until its rollback (the caller's write is reported, never half done).

    One statement at a time: the store's tasks share a connection (as they share an
    aiosqlite one), and a task that found it dropped must not close it under another
    task's statement, which would then touch a freed libpq connection (a crash, or
    "connection pointer is NULL"); `_using` holds every use of `raw` and every swap."""

    engine = "postgresql"

    def __init__(self, conn: AsyncConnection[Any], url: str = ""):
        self.raw = conn
        self.url = url  # what a lost connection is made again from ("": never)
        self._began = False  # a BEGIN was sent and no COMMIT or ROLLBACK yet
        self._tx_lost = False  # the connection was lost inside that transaction
        self._reach = Reach()
        self._using = asyncio.Lock()  # held by the statement (or the swap) using `raw`

    @classmethod
    async def first(cls, url: str) -> PgConnection:
        """The first connection to `url`: psycopg's own error when it cannot be made,
        for the caller to say what is wrong and what to do (PgDatabase.open)."""
        return cls(await _connected(url), url)

    @classmethod
    async def connect(cls, url: str) -> PgConnection:
        """Another connection to a database already opened (a reader of its own): a
        server out of reach meanwhile is StoreUnavailable, in words, as on a statement."""
        try:
            return await cls.first(url)
        except psycopg.OperationalError as error:
            raise Reach().lost(error) from None

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def _quote(self) -> Quote:
        return literal(self.raw)

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        if sql.strip().upper() == "BEGIN":
            # SQLite's BEGIN on a reader holds one snapshot for every read after it;
            # PostgreSQL's default would see each statement's own moment.
            # (The writer's transactions say READ COMMITTED: store/pg/database.py.)
            sql = "BEGIN ISOLATION LEVEL REPEATABLE READ"
        t = translate(sql)
        async with self._using:
            cursor = await self._execute_once_more(t, parameters)
        self._note(t.sql)
        return cursor

    async def _execute_once_more(self, t: Translated, parameters: Any) -> Cursor:
        fresh = await self._ready(t.sql)
        try:
            cursor = await self._execute(t, parameters)
        except sqlite3.OperationalError as error:
            if not self.raw.broken:
                raise
            lost = self._lost(error)
            if fresh or self._began or not _rereadable(t.sql):
                raise lost from None
            # The connection was dead before the statement reached it (the server
            # restarted while it sat idle): a read, or a BEGIN, is tried once on a new one.
            await self._ready(t.sql)
            try:
                cursor = await self._execute(t, parameters)
            except sqlite3.OperationalError as again:
                raise (self._lost(again) if self.raw.broken else again) from None
        return cursor

    async def _execute(self, t: Translated, parameters: Any) -> Cursor:
        with as_sqlite_errors(t.sql):
            cur = self.raw.cursor()
            await cur.execute(quoted(t.sql, bind(t, parameters), self._quote()))
            rows = await cur.fetchall() if cur.description is not None else []
            return Cursor(rows, cur.rowcount)

    async def execute_fetchall(self, sql: str, parameters: Any = ()) -> list[tuple[Any, ...]]:
        cursor = await self.execute(sql, parameters)
        return await cursor.fetchall()

    async def executemany(
        self, sql: str, seq: Iterable[Sequence[Any] | Mapping[str, Any]]
    ) -> Cursor:
        t = translate(sql)
        seq = list(seq)
        if not seq:  # nothing to send: no round trip (a pipeline's is a sync)
            return Cursor([], 0)
        async with self._using:
            return await self._executemany(t, seq)

    async def _executemany(
        self, t: Translated, seq: list[Sequence[Any] | Mapping[str, Any]]
    ) -> Cursor:
        await self._ready(t.sql)
        try:
            with as_sqlite_errors(t.sql):
                cur = self.raw.cursor()
                if (batches := values_at_once(t, seq, self._quote())) is not None:
                    count = 0
                    for statement in batches:
                        await cur.execute(statement)
                        count += max(cur.rowcount, 0)
                    return Cursor([], count)
                await cur.executemany(t.sql.encode(), [bind(t, p) for p in seq])
                return Cursor([], cur.rowcount)
        except sqlite3.OperationalError as error:
            if self.raw.broken:
                raise self._lost(error) from None
            raise

    async def execute_native(self, sql: str) -> None:
        """PostgreSQL's own SQL, sent as it is (not SQLite's: nothing to translate)."""
        async with self._using:
            await self._ready(sql)
            await self._said_lost(self.raw.execute(sql.encode()), sql)

    async def copy_in(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        """`COPY … FROM STDIN` of `rows`: a batch sent as data, not as statement text."""
        async with self._using:
            await self._ready(statement)
            await self._said_lost(self._copy(statement, rows), statement)

    async def _copy(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.raw.cursor().copy(statement.encode()) as copy:
            for row in rows:
                await copy.write_row(row)

    async def _said_lost(self, work: Awaitable[Any], sql: str) -> None:
        """Run `work` (on `raw`, under `_using`), its errors as the store's classes and a
        server lost meanwhile said as every statement says it."""
        try:
            with as_sqlite_errors(sql):
                await work
        except sqlite3.OperationalError as error:
            if self.raw.broken:
                raise self._lost(error) from None
            raise

    async def executescript(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                await self.execute(statement)

    async def commit(self) -> None:
        if self._tx_lost or self.raw.broken:
            raise self._lost(None)
        self._began = False
        async with self._using:
            if self.in_transaction:
                try:
                    with as_sqlite_errors("COMMIT"):
                        await self.raw.execute(b"COMMIT")
                except sqlite3.OperationalError as error:
                    if self.raw.broken:
                        raise self._lost(error) from None
                    raise

    async def rollback(self) -> None:
        self._began = self._tx_lost = False
        async with self._using:
            if self.raw.broken:
                return  # the server ended the transaction with the connection
            if self.in_transaction and not self.raw.closed:
                try:
                    await self.raw.execute(b"ROLLBACK")
                except psycopg.OperationalError:
                    if not self.raw.broken:
                        raise
                    # lost on the way: the server ended the transaction with it

    async def interrupt(self) -> None:
        # Not under `_using`: it stops the statement that holds it. A connection
        # closed meanwhile has nothing left to stop.
        with contextlib.suppress(psycopg.Error):
            await self.raw.cancel_safe(timeout=CLOSE_WAIT)

    async def close(self) -> None:
        if self._using.locked():  # a statement under way: stop it, then wait for it
            await self.interrupt()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CLOSE_WAIT):
                await self._using.acquire()
        await self.raw.close()

    # ---------------------------------------------------------------- reconnecting

    async def _ready(self, sql: str = "") -> bool:
        """Make the connection again if the server dropped it, before `sql` runs; True
        if it was made. Inside a transaction the drop cut, only what ends it (or a new
        BEGIN, which gives it up) is let through: a COMMIT says it was lost."""
        if not self.raw.broken or not self.url:
            return False
        if self._tx_lost:
            word = sql.lstrip()[:8].upper()
            if not word.startswith(("BEGIN", "COMMIT", "ROLLBACK", "END")):
                raise self._lost(None)
            self._tx_lost = self._began = False
            if word.startswith(("COMMIT", "END")):
                raise self._lost(None)
        if self._reach.too_soon():
            raise self._lost(None)
        try:
            conn = await _connected(self.url)
        except psycopg.OperationalError as error:
            self._reach.failed()
            raise self._lost(error) from None
        with contextlib.suppress(Exception):
            await self.raw.close()
        self.raw, self._began = conn, False
        self._reach.reached()
        return True

    def _note(self, sql: str) -> None:
        """Follow the transactions sent as statements (BEGIN … COMMIT) that ran."""
        word = sql.lstrip()[:8].upper()
        if word.startswith("BEGIN"):
            self._began = True
        elif word.startswith(("COMMIT", "ROLLBACK", "END")):
            self._began = False

    def _lost(self, error: BaseException | None) -> StoreUnavailable:
        """The server is out of reach: why, in words (never the URL's password)."""
        if self._began:
            self._tx_lost = True
        return self._reach.lost(error)


async def _connected(url: str) -> AsyncConnection[Any]:
    """A new connection to `url`, as every PgConnection's is."""
    conn = await AsyncConnection.connect(
        url, autocommit=True, cursor_factory=AsyncClientCursor, **REACH
    )
    adapt(conn)
    await conn.execute(SESSION)
    return conn


def _rereadable(sql: str) -> bool:
    """A statement that changes nothing by running twice: a read, or a BEGIN."""
    words = sql.split(None, 1)
    return bool(words) and words[0].upper() in ("SELECT", "BEGIN")
