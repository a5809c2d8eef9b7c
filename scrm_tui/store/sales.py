"""The Sales section's reads: leads by network, the customers answered in a range, and
what puts a customer's revenue at risk (their mood's trend, open escalations, negative
mentions left unanswered), each in the report's snapshot."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scrm_tui.core.models import NEUTRAL_BAND
from scrm_tui.core.query import parse
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all
from scrm_tui.store.filter_sql import FilterSql

_CUSTOMER_COLUMNS = "id, name, lifetime_value, json_extract(fields, '$.renewal_date')"


@dataclass(frozen=True)
class Customer:
    id: int
    name: str
    lifetime_value: float | None  # None: not known
    renewal: str | None  # fields.renewal_date as imported (YYYY-MM-DD), if any


async def count_by_channel(
    conn: Connection, source: str, now_ms: int, start_ms: int, end_ms: int
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


async def answered_customers(
    conn: Connection, start_ms: int, end_ms: int
) -> list[tuple[int, float | None]]:
    """(id, lifetime value) of the distinct customers with an answer (a reply, a post,
    one made by hand) sent in [start, end) to one of their mentions, the most valuable
    first (then by name), from customer_answers (step 38)."""
    rows = await fetch_all(
        conn,
        """SELECT id, lifetime_value FROM customers WHERE id IN
           (SELECT customer_id FROM customer_answers WHERE sent_ms >= ? AND sent_ms < ?)
           ORDER BY coalesce(lifetime_value, 0) DESC, name""",
        (start_ms, end_ms),
    )
    return [(int(r[0]), None if r[1] is None else float(r[1])) for r in rows]


async def falling(
    conn: Connection,
    before_ms: int,
    start_ms: int,
    end_ms: int,
    least: int,
    drop: float,
) -> list[int]:
    """The linked customers whose mean compound over their scored brand mentions in
    [start, end) is at least `drop` below its mean in [before, start), with at least
    `least` of them in each (unscored mentions are in neither). One pass over
    customer_moods (step 38) in customer order: no join, no sort (the linked authors'
    mentions of 180 days at 1M took 0.5 s)."""
    rows = await fetch_all(
        conn,
        """SELECT customer_id FROM customer_moods
           WHERE created_ms >= :before AND created_ms < :end
           GROUP BY customer_id
           HAVING count(CASE WHEN created_ms >= :start THEN 1 END) >= :least
           AND count(CASE WHEN created_ms < :start THEN 1 END) >= :least
           AND avg(CASE WHEN created_ms < :start THEN compound END)
               - avg(CASE WHEN created_ms >= :start THEN compound END) >= :drop""",
        {"before": before_ms, "start": start_ms, "end": end_ms, "least": least, "drop": drop},
    )
    return [int(r[0]) for r in rows]


async def escalated_customers(conn: Connection) -> list[int]:
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
    conn: Connection, start_ms: int, end_ms: int
) -> list[tuple[int, int]]:
    """(customer, earliest arrival) of the linked customers with a negative brand
    mention posted in [start, end) still open with no answer: the earliest has waited
    longest, on any clock. One pass over customer_moods (step 38): at 1M a 90-day range
    holds 220k such mentions, too many to look up each one's author."""
    rows = await fetch_all(
        conn,
        """SELECT customer_id, min(waiting_ms) FROM customer_moods
           WHERE created_ms >= ? AND created_ms < ? AND compound <= ?
           AND waiting_ms IS NOT NULL GROUP BY customer_id""",
        (start_ms, end_ms, -NEUTRAL_BAND),
    )
    return [(int(r[0]), int(r[1])) for r in rows]


async def ranked_customers(
    conn: Connection, ids: Sequence[int]
) -> list[tuple[int, str, float | None, str | None]]:
    """(id, name, lifetime value, renewal date) of these customers (those that still
    exist), the most valuable first, then by name (SQLite's byte order of UTF-8 is
    Python's order of code points)."""
    rows = await fetch_all(
        conn,
        f"SELECT {_CUSTOMER_COLUMNS} FROM customers "
        "WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) "
        "ORDER BY coalesce(lifetime_value, 0) DESC, name",
        (json.dumps([int(i) for i in ids]),),
    )
    return [
        (int(r[0]), str(r[1]), None if r[2] is None else float(r[2]), r[3] or None) for r in rows
    ]


async def ids_of(conn: Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
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
