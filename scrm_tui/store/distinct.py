"""The distinct values of an indexed column, at the cost of how many there are."""

from __future__ import annotations

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all


async def distinct_values(conn: Connection, table: str, column: str) -> list[str]:
    """Every non-null value of `table.column`, in the column's order. Steps through an
    index on the column from one value to the next (a skip scan), so a million rows
    holding twenty names cost twenty lookups, not a million rows read."""
    rows = await fetch_all(
        conn,
        f"""WITH RECURSIVE step(value) AS (
                SELECT min({column}) FROM {table} WHERE {column} IS NOT NULL
                UNION ALL
                SELECT (SELECT min({column}) FROM {table} WHERE {column} > step.value)
                FROM step WHERE step.value IS NOT NULL)
            SELECT value FROM step WHERE value IS NOT NULL""",
    )
    return [str(row[0]) for row in rows]
