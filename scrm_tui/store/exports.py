"""Pages of escalations and outbox items for `scrm export`, oldest first, with the
mentions and customers they concern named the way a reader outside scrm can use."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from scrm_tui.store.db import Database


async def _dicts(cursor: aiosqlite.Cursor) -> list[dict[str, Any]]:
    """Rows as dicts named by the query's own column names (its AS aliases)."""
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in await cursor.fetchall()]


class ExportStore:
    def __init__(self, db: Database):
        self.db = db

    async def escalations(self, after: int, limit: int) -> list[dict[str, Any]]:
        """Escalations with id > `after`; the customer is the author's current one, as
        the escalation queue shows it, else the one it was opened for."""
        async with self.db.reader.execute(
            """SELECT e.id, e.created_ms, e.created_by, e.team, e.priority, e.state, e.note,
                      m.channel AS mention_channel, m.external_id AS mention_id,
                      a.handle AS author_handle, c.id AS customer_id,
                      c.external_id AS customer_external_id, c.name AS customer_name,
                      e.acked_ms, e.acked_by, e.resolved_ms, e.resolved_by, e.resolution
               FROM escalations e
               LEFT JOIN mentions m ON m.id = e.mention_id
               LEFT JOIN authors a ON a.id = e.author_id
               LEFT JOIN customers c ON c.id = coalesce(a.customer_id, e.customer_id)
               WHERE e.id > ? ORDER BY e.id LIMIT ?""",
            (after, limit),
        ) as cursor:
            return await _dicts(cursor)

    async def outbox(self, after: int, limit: int) -> list[dict[str, Any]]:
        """Outbox items with id > `after`, each with the (channel, id) of the mentions it
        answers. Nothing here is secret: a webhook is named by its config name only."""
        async with self.db.reader.execute(
            """SELECT o.id, o.kind, o.channel, o.target, o.state, o.text,
                      (SELECT json_group_array(json_array(m.channel, m.external_id))
                       FROM outbox_mentions om JOIN mentions m ON m.id = om.mention_id
                       WHERE om.outbox_id = o.id) AS mentions,
                      o.escalation_id, o.attempts, o.last_error, o.next_ms, o.created_ms,
                      o.created_by, o.sent_ms, o.remote_id, o.remote_url
               FROM outbox o WHERE o.id > ? ORDER BY o.id LIMIT ?""",
            (after, limit),
        ) as cursor:
            rows = await _dicts(cursor)
        for row in rows:
            row["mentions"] = [tuple(pair) for pair in json.loads(row["mentions"] or "[]")]
        return rows
