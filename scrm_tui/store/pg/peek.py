"""A look at a PostgreSQL database for `scrm doctor`: reachable, which schema, how many
mentions; read-only, creating nothing (the first scrm to open it sets it up)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Peek:
    server: str  # the server's version, e.g. "15.8"
    schema: int  # 0: no scrm schema yet
    mentions: int


async def peek(url: str, timeout_s: float) -> Peek:
    """Raises psycopg.Error when the server cannot be reached or used (store/pg/advice.py
    says it in words)."""
    from psycopg import AsyncConnection

    async with await AsyncConnection.connect(
        url, autocommit=True, connect_timeout=max(1, int(timeout_s))
    ) as conn:
        await conn.execute(b"SET default_transaction_read_only = on")
        cur = await conn.execute(b"SHOW server_version")
        row = await cur.fetchone()
        server = str(row[0]).split()[0] if row else "?"
        cur = await conn.execute(b"SELECT to_regclass('scrm_schema') IS NOT NULL")
        row = await cur.fetchone()
        if not row or not row[0]:
            return Peek(server, 0, 0)
        cur = await conn.execute(b"SELECT max(version) FROM scrm_schema")
        row = await cur.fetchone()
        schema = int(row[0] or 0) if row else 0
        cur = await conn.execute(b"SELECT count(*) FROM mentions")
        row = await cur.fetchone()
        return Peek(server, schema, int(row[0]) if row else 0)
