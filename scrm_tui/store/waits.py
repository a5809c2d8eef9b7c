"""The team's response times read in order (schema step 38): each group's waits sorted in
answer_waits, how many a group has in each hour in answer_hours.

A group is '' (everyone), 'agent:NAME' or 'network:CHANNEL'. The k-th wait of a range
is a walk along the group's waits from the nearer end, skipping those of other ranges;
nothing reaches Python but the answer.
"""

from __future__ import annotations

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all

HOUR_MS = 3_600_000
EVERYONE = ""
AGENT = "agent:"
NETWORK = "network:"


async def everyone(conn: Connection, watch_set: str, start_ms: int, end_ms: int) -> tuple[int, int]:
    """(answered mentions posted in [start, end) (whole hours), all answered mentions):
    a walk passes over the others too."""
    rows = await fetch_all(
        conn,
        "SELECT coalesce(sum(CASE WHEN hour >= ? AND hour < ? THEN n END), 0), "
        "coalesce(sum(n), 0) FROM answer_hours WHERE watch_set = ? AND grp = ''",
        (start_ms // HOUR_MS, -(-end_ms // HOUR_MS), watch_set),
    )
    return int(rows[0][0]), int(rows[0][1])


async def counts(conn: Connection, watch_set: str, start_ms: int, end_ms: int) -> dict[str, int]:
    """Answered mentions posted in [start, end) (whole hours) per group, those with any."""
    rows = await fetch_all(
        conn,
        "SELECT grp, sum(n) FROM answer_hours WHERE watch_set = ? AND hour >= ? AND hour < ? "
        "GROUP BY grp HAVING sum(n) > 0",
        (watch_set, start_ms // HOUR_MS, -(-end_ms // HOUR_MS)),
    )
    return {str(group): int(n) for group, n in rows}


async def nth(
    conn: Connection,
    watch_set: str,
    group: str,
    start_ms: int,
    end_ms: int,
    rank: int,
    n: int,
) -> int:
    """The wait (ms) at `rank` (0: the shortest) among the group's `n` of [start, end),
    walked from the nearer end."""
    low = rank <= n - 1 - rank
    rows = await fetch_all(
        conn,
        "SELECT wait_ms FROM answer_waits WHERE watch_set = ? AND grp = ? "
        "AND created_ms >= ? AND created_ms < ? "
        f"ORDER BY wait_ms {'' if low else 'DESC'} LIMIT 1 OFFSET ?",
        (watch_set, group, start_ms, end_ms, rank if low else n - 1 - rank),
    )
    return int(rows[0][0])


async def at_most(
    conn: Connection,
    watch_set: str,
    group: str,
    start_ms: int,
    end_ms: int,
    limit_ms: int,
    n: int,
    median_ms: int,
) -> int:
    """How many of the group's `n` waits of [start, end) are at most `limit_ms`: counted
    on the side of the limit that holds fewer (the median says which)."""
    above = median_ms <= limit_ms
    rows = await fetch_all(
        conn,
        "SELECT count(*) FROM answer_waits WHERE watch_set = ? AND grp = ? "
        f"AND wait_ms {'>' if above else '<='} ? AND created_ms >= ? AND created_ms < ?",
        (watch_set, group, limit_ms, start_ms, end_ms),
    )
    found = int(rows[0][0])
    return n - found if above else found
