"""Reads and writes of spike alerts: hourly counts from the rollups, the `spikes` table
(schema step 32), and the few mentions of one spike's hour that explain it.

A test reads ~15 rollup rows per network and a range reads its hours plus two weeks:
neither grows with the mentions table (issue 12: costs grow with the change).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, fetch_all

HOUR_MS = 3_600_000
LINKED = "('identity', 'auto', 'confirmed')"  # an author linked to a customer (not suggested)


@dataclass(frozen=True)
class Raised:
    """A spike as the `spikes` table keeps it."""

    watch_set: str
    hour: int
    hours: int  # the window that was a spike: the hour, or the two ending with it
    n: int  # the window's count when it was raised (it may have grown since)
    baseline: float
    p: float
    raised_ms: int
    raised_by: str


@dataclass(frozen=True)
class Post:
    id: int
    created_ms: int
    channel: str
    handle: str
    text: str
    compound: float | None


@dataclass(frozen=True)
class Affected:
    customer_id: int
    name: str
    lifetime_value: float | None
    mentions: int


async def counts(conn: Connection, watch_set: str, hours: Sequence[int]) -> dict[int, int]:
    """Mentions per hour (all networks) for the given hours; an hour with none is absent."""
    marks = ",".join("?" * len(hours))
    rows = await fetch_all(
        conn,
        f"SELECT hour, sum(n) FROM mention_hours WHERE watch_set = ? AND hour IN ({marks}) "
        "GROUP BY hour",
        (watch_set, *hours),
    )
    return {int(h): int(n) for h, n in rows if n}


async def span_counts(
    conn: Connection, watch_set: str, first_hour: int, end_hour: int
) -> dict[int, int]:
    """Mentions per hour in [first_hour, end_hour)."""
    rows = await fetch_all(
        conn,
        "SELECT hour, sum(n) FROM mention_hours WHERE watch_set = ? AND hour >= ? AND hour < ? "
        "GROUP BY hour",
        (watch_set, first_hour, end_hour),
    )
    return {int(h): int(n) for h, n in rows if n}


async def moods(
    conn: Connection, watch_set: str, first_hour: int, end_hour: int
) -> tuple[int, int, int, int]:
    """(positive, neutral, negative, unscored) mentions of [first_hour, end_hour)."""
    rows = await fetch_all(
        conn,
        "SELECT coalesce(sum(pos), 0), coalesce(sum(neu), 0), coalesce(sum(neg), 0), "
        "coalesce(sum(unscored), 0) FROM mention_hours WHERE watch_set = ? AND hour >= ? "
        "AND hour < ?",
        (watch_set, first_hour, end_hour),
    )
    pos, neu, neg, unscored = rows[0]
    return int(pos), int(neu), int(neg), int(unscored)


async def record(db: Database, raised: Raised) -> bool:
    """Keep a spike unless a process raised that hour already; True if this one did.
    It wakes every open terminal (they look at the table on their next spike tick)."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO spikes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                raised.watch_set,
                raised.hour,
                raised.hours,
                raised.n,
                raised.baseline,
                raised.p,
                raised.raised_ms,
                raised.raised_by,
            ),
        )
        return cursor.rowcount > 0


async def raised(conn: Connection, watch_set: str, first_hour: int, end_hour: int) -> list[Raised]:
    """The spikes raised for hours in [first_hour, end_hour), newest first."""
    rows = await fetch_all(
        conn,
        "SELECT watch_set, hour, hours, n, baseline, p, raised_ms, raised_by FROM spikes "
        "WHERE watch_set = ? AND hour >= ? AND hour < ? ORDER BY hour DESC",
        (watch_set, first_hour, end_hour),
    )
    return [
        Raised(str(w), int(h), int(k), int(n), float(b), float(p), int(r), str(by))
        for w, h, k, n, b, p, r, by in rows
    ]


async def first_posts(
    conn: Connection, watch_set: str, start_ms: int, end_ms: int, limit: int
) -> list[Post]:
    """The first mentions posted in [start, end), oldest first."""
    rows = await fetch_all(
        conn,
        "SELECT m.id, m.created_ms, m.channel, a.handle, m.text, m.compound FROM mentions m "
        "JOIN authors a ON a.id = m.author_id WHERE m.created_ms >= ? AND m.created_ms < ? "
        "AND coalesce(m.watch_set, '') = ? ORDER BY m.created_ms, m.id LIMIT ?",
        (start_ms, end_ms, watch_set, limit),
    )
    return [Post(int(i), int(c), str(ch), str(h), str(t), c2) for i, c, ch, h, t, c2 in rows]


async def affected(conn: Connection, watch_set: str, start_ms: int, end_ms: int) -> list[Affected]:
    """The customers whose linked authors posted in [start, end), most valuable first
    (an unknown lifetime value last), with their mentions there."""
    rows = await fetch_all(
        conn,
        f"""SELECT c.id, c.name, c.lifetime_value, count(*) FROM mentions m
            JOIN authors a ON a.id = m.author_id AND a.match_state IN {LINKED}
            JOIN customers c ON c.id = a.customer_id
            WHERE m.created_ms >= ? AND m.created_ms < ? AND coalesce(m.watch_set, '') = ?
            GROUP BY c.id ORDER BY c.lifetime_value IS NULL, c.lifetime_value DESC, c.name""",
        (start_ms, end_ms, watch_set),
    )
    return [
        Affected(int(i), str(n), None if v is None else float(v), int(k)) for i, n, v, k in rows
    ]
