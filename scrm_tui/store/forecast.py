"""Reads for the volume forecast: mentions per 24 hours from the hourly rollups."""

from __future__ import annotations

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all
from scrm_tui.store.rollups import HOUR_MS


async def days(conn: Connection, watch_set: str, end_ms: int, count: int) -> list[int]:
    """Mentions in each of the `count` 24-hour spans before `end_ms` (a whole hour),
    oldest first; a span with none is 0."""
    end_hour = end_ms // HOUR_MS
    rows = await fetch_all(
        conn,
        "SELECT (? - 1 - hour) / 24, sum(n) FROM mention_hours "
        "WHERE watch_set = ? AND hour >= ? AND hour < ? GROUP BY 1",
        (end_hour, watch_set, end_hour - 24 * count, end_hour),
    )
    back = {int(r[0]): int(r[1]) for r in rows}
    return [back.get(count - 1 - i, 0) for i in range(count)]
