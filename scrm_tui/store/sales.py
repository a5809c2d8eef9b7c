"""The Sales section's reads: leads by network, the customers answered in a range, and
what puts a customer's revenue at risk (their mood's trend, open escalations, negative
mentions left unanswered), each in the report's snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from scrm_tui.core.models import NEUTRAL_BAND
from scrm_tui.core.query import parse
from scrm_tui.store.db import fetch_all
from scrm_tui.store.filter_sql import FilterSql

# A customer's mentions: those of every author linked to them.
_CUSTOMER_MENTIONS = "mentions m JOIN authors a ON a.id = m.author_id AND a.customer_id IS NOT NULL"
# The same, walked from the linked authors, each through their own mentions of the range:
# fewer rows than the range's mentions once it holds more of them than there are linked
# authors (90 days at 1M: 750k mentions against 83k linked authors, 0.69 s -> 0.38 s).
_LINKED_AUTHORS_MENTIONS = (
    "authors a CROSS JOIN mentions m ON m.author_id = a.id AND a.customer_id IS NOT NULL"
)


@dataclass(frozen=True)
class Customer:
    id: int
    name: str
    lifetime_value: float | None  # None: not known
    renewal: str | None  # fields.renewal_date as imported (YYYY-MM-DD), if any


@dataclass(frozen=True)
class Mood:
    """A customer's scored brand mentions: in the range, and in the window before it."""

    customer_id: int
    mean_now: float | None
    n_now: int
    mean_before: float | None
    n_before: int


async def count_by_channel(
    conn: aiosqlite.Connection, source: str, now_ms: int, start_ms: int, end_ms: int
) -> dict[str, int]:
    """The mentions the inbox filter `source` keeps, per network; `source` keeps only
    mentions posted in [start, end). Full-text parts are looked up in the index directly
    (no temp table: the report's reader is in a read transaction), as a rule's filter
    is, and only among the ids of that range's mentions (a common word's hits over the
    whole table cost 140 ms at 1M)."""

    async def no_hits(expression: str) -> str:  # never called: ranged=True
        raise AssertionError(expression)

    bounds = await fetch_all(
        conn,
        "SELECT min(id), max(id) FROM mentions WHERE created_ms >= ? AND created_ms < ?",
        (start_ms, end_ms),
    )
    low, high = bounds[0] if bounds else (None, None)
    if low is None:
        return {}
    root = parse(source).root
    params: dict[str, Any] = {"after": low - 1, "upto": high, "now": now_ms, "agent": ""}
    where = "1"
    if root is not None:
        where = await FilterSql(params, now_ms, no_hits, ranged=True).condition(root)
    rows = await fetch_all(
        conn, f"SELECT m.channel, count(*) FROM mentions m WHERE {where} GROUP BY 1", params
    )
    return {str(channel): int(n) for channel, n in rows}


async def answered_customers(conn: aiosqlite.Connection, start_ms: int, end_ms: int) -> list[int]:
    """The distinct customers with an answer (a reply, a post, one made by hand) sent in
    [start, end) to one of their mentions."""
    rows = await fetch_all(
        conn,
        """SELECT DISTINCT a.customer_id FROM outbox o
           JOIN outbox_mentions om ON om.outbox_id = o.id
           JOIN mentions m ON m.id = om.mention_id
           JOIN authors a ON a.id = m.author_id
           WHERE o.state = 'sent' AND o.kind IN ('reply', 'post', 'manual')
           AND o.sent_ms >= ? AND o.sent_ms < ? AND a.customer_id IS NOT NULL""",
        (start_ms, end_ms),
    )
    return [int(r[0]) for r in rows]


async def moods(
    conn: aiosqlite.Connection,
    before_ms: int,
    start_ms: int,
    end_ms: int,
    least: int,
    walk: bool | None = None,
) -> list[Mood]:
    """Per linked customer with at least `least` scored brand mentions in [start, end):
    their mean compound and count there, and in [before, start) (read through each of
    their authors' own mentions, not the whole window). Unscored mentions are in
    neither. `walk`: read the range from the linked authors' side (None: whichever
    side has fewer rows)."""
    if walk is None:
        walk = await _linked_authors(conn) < await _mentions_between(conn, start_ms, end_ms)
    rows = await fetch_all(
        conn,
        f"""WITH now AS (
                SELECT a.customer_id AS customer, avg(m.compound) AS mean, count(*) AS n
                FROM {_LINKED_AUTHORS_MENTIONS if walk else _CUSTOMER_MENTIONS}
                WHERE m.created_ms >= :start AND m.created_ms < :end
                AND m.compound IS NOT NULL AND coalesce(m.watch_set, '') = ''
                GROUP BY a.customer_id HAVING count(*) >= :least
            )
            SELECT now.customer, now.mean, now.n,
                   (SELECT avg(m.compound) FROM authors a JOIN mentions m
                    ON m.author_id = a.id AND m.created_ms >= :before AND m.created_ms < :start
                    WHERE a.customer_id = now.customer AND m.compound IS NOT NULL
                    AND coalesce(m.watch_set, '') = ''),
                   (SELECT count(*) FROM authors a JOIN mentions m
                    ON m.author_id = a.id AND m.created_ms >= :before AND m.created_ms < :start
                    WHERE a.customer_id = now.customer AND m.compound IS NOT NULL
                    AND coalesce(m.watch_set, '') = '')
            FROM now""",
        {"before": before_ms, "start": start_ms, "end": end_ms, "least": least},
    )
    return [Mood(int(r[0]), r[1], int(r[2]), r[3], int(r[4])) for r in rows]


async def _linked_authors(conn: aiosqlite.Connection) -> int:
    rows = await fetch_all(conn, "SELECT count(*) FROM authors WHERE customer_id IS NOT NULL")
    return int(rows[0][0])


async def _mentions_between(conn: aiosqlite.Connection, start_ms: int, end_ms: int) -> int:
    """Mentions posted in [start, end) on every watch set, from the hourly rollups."""
    rows = await fetch_all(
        conn,
        "SELECT coalesce(sum(n), 0) FROM mention_hours WHERE hour >= ? AND hour < ?",
        (start_ms // 3_600_000, -(-end_ms // 3_600_000)),
    )
    return int(rows[0][0])


async def escalated_customers(conn: aiosqlite.Connection) -> list[int]:
    """Customers with an escalation not resolved now (its own customer, or the one its
    mention's author is linked to)."""
    rows = await fetch_all(
        conn,
        """SELECT DISTINCT coalesce(e.customer_id, a.customer_id) FROM escalations e
           LEFT JOIN mentions m ON m.id = e.mention_id
           LEFT JOIN authors a ON a.id = coalesce(e.author_id, m.author_id)
           WHERE e.state != 'resolved'
           AND coalesce(e.customer_id, a.customer_id) IS NOT NULL""",
    )
    return [int(r[0]) for r in rows]


async def unanswered_negative(
    conn: aiosqlite.Connection, start_ms: int, end_ms: int
) -> list[tuple[int, int]]:
    """(customer, arrival) of each negative brand mention posted in [start, end) by a
    linked customer that is still open with no answer."""
    rows = await fetch_all(
        conn,
        f"""SELECT a.customer_id, m.ingested_ms FROM {_CUSTOMER_MENTIONS}
            WHERE m.created_ms >= ? AND m.created_ms < ? AND m.compound <= ?
            AND m.first_response_ms IS NULL AND m.status = 'open'
            AND coalesce(m.watch_set, '') = ''""",
        (start_ms, end_ms, -NEUTRAL_BAND),
    )
    return [(int(r[0]), int(r[1])) for r in rows]


async def customers(conn: aiosqlite.Connection, ids: Sequence[int]) -> list[Customer]:
    """These customers (those that still exist), in no order."""
    found: list[Customer] = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" * len(chunk))
        rows = await fetch_all(
            conn,
            f"""SELECT id, name, lifetime_value, json_extract(fields, '$.renewal_date')
                FROM customers WHERE id IN ({marks})""",
            chunk,
        )
        found += [
            Customer(int(r[0]), str(r[1]), None if r[2] is None else float(r[2]), r[3] or None)
            for r in rows
        ]
    return found


async def ids_of(
    conn: aiosqlite.Connection, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """The stored mentions' ids by (network, external id); those not stored are absent."""
    found: dict[tuple[str, str], int] = {}
    for channel, external_id in keys:
        rows = await fetch_all(
            conn,
            "SELECT id FROM mentions WHERE channel = ? AND external_id = ?",
            (channel, external_id),
        )
        if rows:
            found[(channel, external_id)] = int(rows[0][0])
    return found
