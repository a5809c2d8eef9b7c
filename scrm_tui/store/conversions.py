"""Conversions (schema step 35): stored by `scrm conversions import`, read by the Sales
section with the sent replies that carried their utm_content."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scrm_tui.core.conversions import Conversion
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, fetch_all


@dataclass(frozen=True)
class Stored:
    id: int
    campaign: str
    value: float
    utm_content: str | None


@dataclass(frozen=True)
class SentReply:
    """A sent reply to a mention: who sent it, where, and its text as sent."""

    mention_id: int
    agent: str
    channel: str
    text: str


async def store(db: Database, rows: Sequence[Conversion], source: str, now_ms: int) -> int:
    """All rows in one transaction; those already stored (same key) are skipped. Returns
    how many were new."""
    async with db.transaction() as conn:
        # The rows each INSERT wrote, summed (an ignored one wrote none), on either engine.
        cursor = await conn.executemany(
            """INSERT OR IGNORE INTO conversions
               (key, campaign, value, day, at_ms, utm_content, source, line, imported_ms)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    r.key,
                    r.campaign,
                    r.value,
                    r.day.isoformat(),
                    r.at_ms,
                    r.utm_content,
                    source,
                    r.line,
                    now_ms,
                )
                for r in rows
            ],
        )
        return max(cursor.rowcount, 0)


async def in_range(conn: Connection, start_ms: int, end_ms: int) -> list[Stored]:
    """The conversions dated in [start, end)."""
    rows = await fetch_all(
        conn,
        "SELECT id, campaign, value, utm_content FROM conversions "
        "WHERE at_ms >= ? AND at_ms < ? ORDER BY id",
        (start_ms, end_ms),
    )
    return [Stored(int(r[0]), str(r[1]), float(r[2]), r[3]) for r in rows]


async def sent_replies(conn: Connection, mention_ids: Sequence[int]) -> list[SentReply]:
    """Every sent reply to these mentions (one recorded as made by hand too), oldest first."""
    found: list[SentReply] = []
    ids = sorted(set(mention_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = await fetch_all(
            conn,
            f"""SELECT om.mention_id, coalesce(o.created_by, '?'), o.channel, o.text
                FROM outbox_mentions om JOIN outbox o ON o.id = om.outbox_id
                WHERE om.mention_id IN ({", ".join("?" * len(chunk))})
                AND o.kind IN ('reply', 'manual') AND o.state = 'sent' ORDER BY o.sent_ms, o.id""",
            chunk,
        )
        found += [SentReply(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]
    return found
