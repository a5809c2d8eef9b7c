"""What the store asks of a database connection, whichever the engine: aiosqlite's, or
PostgreSQL's adapter (store/pg/connection.py), written to the same shape."""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import Any, Protocol


class Rows(Protocol):
    """A statement's cursor: its rows, and how many it changed."""

    @property
    def rowcount(self) -> int: ...

    async def fetchall(self) -> Iterable[Any]: ...

    async def fetchone(self) -> Any: ...

    async def close(self) -> None: ...


class Connection(Protocol):
    """One connection: statements in SQLite's SQL, transactions as BEGIN … commit()."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Any = ..., /) -> Awaitable[Rows]: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Awaitable[Rows]: ...

    def execute_fetchall(self, sql: str, parameters: Any = ..., /) -> Awaitable[Iterable[Any]]: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

    async def interrupt(self) -> None: ...

    async def close(self) -> None: ...
