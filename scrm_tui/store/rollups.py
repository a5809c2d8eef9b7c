"""Reads of the hourly rollups (schema step 30) and of the authors behind a range.

The rollups are kept by triggers in the transaction that writes each mention, so they
are as true as the mentions table. Distinct authors do not add up hour by hour: they
come from `author_days` for the whole days in a range and from the mentions themselves
for the hours at its two ends, so a count is exact for any range on whole hours.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all

HOUR_MS = 3_600_000
DAY_MS = 86_400_000
# How many of the most followed authors top_authors looks up, then more, before it
# sorts the range's own authors instead.
WALKS = (300, 5_000)


@dataclass(frozen=True)
class HourCell:
    hour: int  # created_ms // HOUR_MS
    channel: str
    n: int
    pos: int
    neu: int
    neg: int
    unscored: int
    points: int


@dataclass(frozen=True)
class Reach:
    """The distinct authors of a range on one network, and what is known of their reach."""

    channel: str
    authors: int
    with_followers: int  # authors whose network gives a follower count
    followers: int  # the sum of those counts


@dataclass(frozen=True)
class TopAuthor:
    author_id: int
    channel: str
    handle: str
    name: str | None
    followers: int
    customer: str | None
    mentions: int


async def hours(conn: Connection, watch_set: str, start_ms: int, end_ms: int) -> list[HourCell]:
    """Every non-empty (hour, network) cell in [start, end), both on whole hours."""
    rows = await fetch_all(
        conn,
        "SELECT hour, channel, n, pos, neu, neg, unscored, points FROM mention_hours "
        "WHERE watch_set = ? AND hour >= ? AND hour < ? AND n > 0 ORDER BY hour, channel",
        (watch_set, start_ms // HOUR_MS, end_ms // HOUR_MS),
    )
    return [HourCell(*row) for row in rows]


def _authors_sql(watch_set: str, start_ms: int, end_ms: int) -> tuple[str, list[object]]:
    """A SELECT of the distinct author ids with a mention in [start, end)."""
    first_day = -(-start_ms // DAY_MS)
    end_day = end_ms // DAY_MS
    parts: list[str] = []
    params: list[object] = []
    edges: Sequence[tuple[int, int]]
    if first_day < end_day:
        parts.append(
            "SELECT author_id FROM author_days WHERE watch_set = ? AND day >= ? AND day < ?"
        )
        params += [watch_set, first_day, end_day]
        edges = ((start_ms, first_day * DAY_MS), (end_day * DAY_MS, end_ms))
    else:
        edges = ((start_ms, end_ms),)
    for low, high in edges:
        if low < high:
            parts.append(
                "SELECT DISTINCT author_id FROM mentions WHERE created_ms >= ? AND created_ms < ? "
                "AND coalesce(watch_set, '') = ?"
            )
            params += [low, high, watch_set]
    return " UNION ".join(parts), params


async def reach(conn: Connection, watch_set: str, start_ms: int, end_ms: int) -> list[Reach]:
    """Per network: distinct authors, how many have a follower count, and its sum."""
    ids, params = _authors_sql(watch_set, start_ms, end_ms)
    rows = await fetch_all(
        conn,
        f"WITH ids(author_id) AS ({ids}) "
        "SELECT a.channel, count(*), count(a.followers), coalesce(sum(a.followers), 0) "
        "FROM ids JOIN authors a ON a.id = ids.author_id GROUP BY a.channel ORDER BY 1",
        params,
    )
    return [Reach(*row) for row in rows]


async def top_authors(
    conn: Connection,
    watch_set: str,
    start_ms: int,
    end_ms: int,
    limit: int,
    leave_out: Collection[int] = (),
) -> list[TopAuthor]:
    """The authors of the range with the most followers, most first (ties by handle, then
    the first known: the same handle on two networks is two authors),
    with their mentions in the range; `leave_out`: author ids never ranked (the brand's
    own accounts)."""
    # (`NOT IN (NULL)` is never true: with none to leave out, no clause at all.)
    skip = ",".join(str(int(i)) for i in sorted(leave_out))
    unless = f"AND a.id NOT IN ({skip})" if skip else ""
    # The most followed authors, walked in order (schema step 36's index), each looked
    # up in the range, are the answer as soon as `limit` are found: a few hundred
    # lookups, not every author of a 90-day range (150 ms at 1M). A range with few
    # authors may not find them among the first WALKS: then its own authors are sorted.
    rows: list[tuple[int]] = []
    for walk in WALKS:
        rows = await fetch_all(
            conn,
            f"""
            WITH walk AS (
                SELECT id FROM authors WHERE followers IS NOT NULL
                ORDER BY followers DESC, handle, id LIMIT {walk}
            )
            SELECT a.id FROM walk JOIN authors a ON a.id = walk.id
            WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.author_id = a.id
                AND m.created_ms >= ? AND m.created_ms < ? AND coalesce(m.watch_set, '') = ?)
              {unless}
            ORDER BY a.followers DESC, a.handle, a.id LIMIT ?
            """,
            (start_ms, end_ms, watch_set, limit),
        )
        if len(rows) == limit:
            break
    params: list[object]
    if len(rows) < limit and await _followed(conn) > WALKS[-1]:
        ids_sql, params = _authors_sql(watch_set, start_ms, end_ms)
    elif rows:
        ids_sql, params = " UNION ALL ".join(["SELECT ?"] * len(rows)), [r[0] for r in rows]
    else:
        return []
    found = await fetch_all(
        conn,
        f"""
        WITH ids(author_id) AS ({ids_sql}),
        top AS (
            SELECT a.id, a.channel, a.handle, a.display_name, a.followers, a.customer_id
            FROM ids JOIN authors a ON a.id = ids.author_id
            WHERE a.followers IS NOT NULL {unless}
            ORDER BY a.followers DESC, a.handle, a.id LIMIT ?
        )
        SELECT top.id, top.channel, top.handle, top.display_name, top.followers, c.name,
               (SELECT count(*) FROM mentions m WHERE m.author_id = top.id
                AND m.created_ms >= ? AND m.created_ms < ?
                AND coalesce(m.watch_set, '') = ?)
        FROM top LEFT JOIN customers c ON c.id = top.customer_id
        ORDER BY top.followers DESC, top.handle, top.id
        """,
        [*params, limit, start_ms, end_ms, watch_set],
    )
    return [TopAuthor(*row) for row in found]


async def _followed(conn: Connection) -> int:
    """How many authors have a follower count (up to the longest walk + 1: enough)."""
    rows = await fetch_all(
        conn,
        f"SELECT count(*) FROM (SELECT 1 FROM authors WHERE followers IS NOT NULL "
        f"LIMIT {WALKS[-1] + 1})",
    )
    return int(rows[0][0])


async def answered(
    conn: Connection, watch_set: str, start_ms: int, end_ms: int
) -> list[tuple[str, int, int, str]]:
    """The answered mentions posted in [start, end): network, arrival, first answer, and
    the agent who sent it ('?' if no sent item says), from answer_times (schema step 36)."""
    rows = await fetch_all(
        conn,
        "SELECT channel, arrived_ms, answered_ms, agent FROM answer_times "
        "WHERE watch_set = ? AND created_ms >= ? AND created_ms < ?",
        (watch_set, start_ms, end_ms),
    )
    return rows


async def open_escalations(conn: Connection) -> list[tuple[str, int]]:
    """Every escalation not resolved: its priority and when it was made."""
    rows = await fetch_all(
        conn, "SELECT priority, created_ms FROM escalations WHERE state != 'resolved'"
    )
    return [(str(r[0]), int(r[1])) for r in rows]


async def first_hour(conn: Connection, watch_set: str) -> int | None:
    """The hour of the watch set's first stored mention: where its history starts."""
    rows = await fetch_all(
        conn, "SELECT min(hour) FROM mention_hours WHERE watch_set = ? AND n > 0", (watch_set,)
    )
    return None if not rows or rows[0][0] is None else int(rows[0][0])
