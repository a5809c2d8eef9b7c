"""Which engine a connection speaks to, for the few statements written per engine (a
staging table, a pragma); everything else is one SQL for both (store/pg/dialect.py)."""

from __future__ import annotations

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


def engine_of(conn: object) -> str:
    """The engine: "sqlite" for an aiosqlite connection, "postgresql" for store/pg's."""
    return str(getattr(conn, "engine", SQLITE))
