"""A PostgreSQL connection that the store's code uses as it uses an aiosqlite one:
`execute`, `executemany`, `execute_fetchall`, `commit`, `rollback`, `interrupt`, each
statement translated from SQLite's SQL (store/pg/dialect.py) and its errors raised as the
DB-API classes the store already catches (sqlite3's)."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import psycopg
from psycopg import AsyncClientCursor, AsyncConnection
from psycopg.adapt import Loader
from psycopg.pq import TransactionStatus

from scrm_tui.store.pg.dialect import Translated, translate
from scrm_tui.store.pg.fts import tsquery


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


def bind(t: Translated, parameters: Any) -> Any:
    """SQLite's parameters as psycopg takes them; FTS5 query text as tsquery text."""
    if not t.params:
        return None
    if t.named:
        values = dict(parameters)
        for name in t.fts:
            values[str(name)] = tsquery(values[str(name)])
        return values
    values_list = list(parameters)
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
    t: Translated, seq: Iterable[Sequence[Any] | Mapping[str, Any]]
) -> list[tuple[bytes, list[Any]]] | None:
    """An executemany of a one-row INSERT as statements of up to _ROWS_AT_ONCE rows each
    (None when it is not one): every statement sent alone costs the server a parse and
    the client a round trip, and a customer import or the match index writes tens of
    thousands. Not for DO UPDATE (a statement may not update one row twice) nor RETURNING."""
    found = _ONE_ROW_INSERT.match(t.sql)
    if found is None or t.named or t.fts or not t.params:
        return None
    head, row, tail = found.groups()
    rows = [list(p) for p in seq]
    out = []
    for start in range(0, len(rows), _ROWS_AT_ONCE):
        part = rows[start : start + _ROWS_AT_ONCE]
        statement = head + ", ".join([row] * len(part)) + tail
        out.append((statement.encode(), [v for values in part for v in values]))
    return out


class PgConnection:
    """One psycopg connection in autocommit mode: transactions are the BEGINs we send."""

    engine = "postgresql"

    def __init__(self, conn: AsyncConnection[Any]):
        self.raw = conn

    @classmethod
    async def connect(cls, url: str) -> PgConnection:
        conn = await AsyncConnection.connect(url, autocommit=True, cursor_factory=AsyncClientCursor)
        adapt(conn)
        return cls(conn)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        if sql.strip().upper() == "BEGIN":
            # SQLite's BEGIN on a reader holds one snapshot for every read after it;
            # PostgreSQL's default would see each statement's own moment.
            # (The writer's transactions say READ COMMITTED: store/pg/database.py.)
            sql = "BEGIN ISOLATION LEVEL REPEATABLE READ"
        t = translate(sql)
        with as_sqlite_errors(t.sql):
            cur = self.raw.cursor()
            await cur.execute(t.sql.encode(), bind(t, parameters))
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
        with as_sqlite_errors(t.sql):
            cur = self.raw.cursor()
            if (batches := values_at_once(t, seq)) is not None:
                count = 0
                for statement, values in batches:
                    await cur.execute(statement, values)
                    count += max(cur.rowcount, 0)
                return Cursor([], count)
            await cur.executemany(t.sql.encode(), [bind(t, p) for p in seq])
            return Cursor([], cur.rowcount)

    async def executescript(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                await self.execute(statement)

    async def commit(self) -> None:
        if self.in_transaction:
            await self.raw.execute(b"COMMIT")

    async def rollback(self) -> None:
        if self.in_transaction and not self.raw.closed:
            await self.raw.execute(b"ROLLBACK")

    async def interrupt(self) -> None:
        await self.raw.cancel_safe()

    async def close(self) -> None:
        await self.raw.close()
