"""Pages of escalations and outbox items for `scrm export`, oldest first, with the
mentions and customers they concern named the way a reader outside scrm can use."""

from __future__ import annotations

import json
from typing import Any

from scrm_tui.store.db import Database, fetch_all

# What each export selects, as `expression AS name` (or a column, named as itself).
_ESCALATION_COLUMNS = (
    "e.id", "e.created_ms", "e.created_by", "e.team", "e.priority", "e.state", "e.note",
    "m.channel AS mention_channel", "m.external_id AS mention_id",
    "a.handle AS author_handle", "c.id AS customer_id",
    "c.external_id AS customer_external_id", "c.name AS customer_name",
    "e.acked_ms", "e.acked_by", "e.resolved_ms", "e.resolved_by", "e.resolution",
)  # fmt: skip
_OUTBOX_COLUMNS = (
    "o.id", "o.kind", "o.channel", "o.target", "o.state", "o.text",
    "(SELECT json_group_array(json_array(m.channel, m.external_id))"
    " FROM outbox_mentions om JOIN mentions m ON m.id = om.mention_id"
    " WHERE om.outbox_id = o.id) AS mentions",
    "o.escalation_id", "o.attempts", "o.last_error", "o.next_ms", "o.created_ms",
    "o.created_by", "o.sent_ms", "o.remote_id", "o.remote_url",
)  # fmt: skip

_AUTHOR_COLUMNS = (
    "a.id", "a.channel", "a.handle", "a.display_name", "a.followers", "a.url",
    "a.match_state", "a.customer_id", "c.external_id AS customer_external_id",
    "c.name AS customer_name", "a.match_score",
    "(SELECT json_group_array(json_array(s.customer_id, sc.name, s.score, s.fields, s.rank,"
    " s.probability))"
    " FROM match_suggestions s JOIN customers sc ON sc.id = s.customer_id"
    " WHERE s.author_id = a.id) AS suggestions",
    "a.links",
)  # fmt: skip


def _select(columns: tuple[str, ...]) -> str:
    return "SELECT " + ", ".join(columns)


def _dicts(columns: tuple[str, ...], rows: list[Any]) -> list[dict[str, Any]]:
    """Rows as dicts, each value named as its column is (its AS alias, else its name)."""
    names = [column.rpartition(" AS ")[2].rpartition(".")[2] for column in columns]
    return [dict(zip(names, row, strict=True)) for row in rows]


class ExportStore:
    def __init__(self, db: Database):
        self.db = db

    async def escalations(self, after: int, limit: int) -> list[dict[str, Any]]:
        """Escalations with id > `after`; the customer is the author's current one, as
        the escalation queue shows it, else the one it was opened for."""
        rows = await fetch_all(
            self.db.reader,
            f"""{_select(_ESCALATION_COLUMNS)}
               FROM escalations e
               LEFT JOIN mentions m ON m.id = e.mention_id
               LEFT JOIN authors a ON a.id = e.author_id
               LEFT JOIN customers c ON c.id = coalesce(a.customer_id, e.customer_id)
               WHERE e.id > ? ORDER BY e.id LIMIT ?""",
            (after, limit),
        )
        return _dicts(_ESCALATION_COLUMNS, rows)

    async def authors(self, after: int, limit: int) -> list[dict[str, Any]]:
        """Authors with id > `after`: their link (state, customer, score) and their
        suggestions, most probable first, each as (customer id, name, score, fields,
        probability)."""
        found = await fetch_all(
            self.db.reader,
            f"""{_select(_AUTHOR_COLUMNS)}
               FROM authors a LEFT JOIN customers c ON c.id = a.customer_id
               WHERE a.id > ? ORDER BY a.id LIMIT ?""",
            (after, limit),
        )
        rows = _dicts(_AUTHOR_COLUMNS, found)
        for row in rows:
            listed = json.loads(row["suggestions"] or "[]")
            row["suggestions"] = [
                (cid, name, score, json.loads(fields), probability)
                for cid, name, score, fields, _, probability in sorted(
                    listed, key=lambda s: (s[5] is None, -(s[5] or 0.0), -s[2], s[4])
                )
            ]
        return rows

    async def outbox(self, after: int, limit: int) -> list[dict[str, Any]]:
        """Outbox items with id > `after`, each with the (channel, id) of the mentions it
        answers. Nothing here is secret: a webhook is named by its config name only."""
        found = await fetch_all(
            self.db.reader,
            f"{_select(_OUTBOX_COLUMNS)} FROM outbox o WHERE o.id > ? ORDER BY o.id LIMIT ?",
            (after, limit),
        )
        rows = _dicts(_OUTBOX_COLUMNS, found)
        for row in rows:
            row["mentions"] = [tuple(pair) for pair in json.loads(row["mentions"] or "[]")]
        return rows
