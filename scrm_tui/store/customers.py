"""Customer records and their per-network identities: read, exported, and their history.

Importing them is store/customer_import.py's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from scrm_tui.core.models import CustomerCard
from scrm_tui.store import history as audit
from scrm_tui.store.customer_import import _COLUMNS, CustomerImport
from scrm_tui.store.db import fetch_all, fetch_one


class CustomerStore(CustomerImport):
    """Customers of one database: imported (CustomerImport), read, and their history."""

    async def count(self) -> int:
        row = await fetch_one(
            self.db.reader, "SELECT count(*) FROM customers WHERE merged_into IS NULL"
        )
        return int(row[0]) if row else 0

    async def cards(self, ids: Sequence[int]) -> list[CustomerCard]:
        """Name, company, tier and lifetime value of these customers (merged ones
        under the customer they were merged into), most valuable first."""
        found: dict[int, CustomerCard] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            for row in await fetch_all(
                self.db.reader,
                f"""SELECT c.id, c.name, coalesce(c.company, ''), coalesce(c.tier, ''),
                           c.lifetime_value
                    FROM customers c
                    WHERE c.id IN (SELECT coalesce(merged_into, id) FROM customers
                                   WHERE id IN ({",".join("?" * len(chunk))}))""",
                chunk,
            ):
                found[row[0]] = CustomerCard(*row)
        return sorted(found.values(), key=lambda c: (-(c.lifetime_value or 0), c.name, c.id))

    async def find(self, key: str) -> list[int]:
        """Ids matching `#12`/`12` (internal id), an external id, or an email."""
        conn = self.db.reader
        if key.lstrip("#").isdigit():
            found = [
                row[0]
                for row in await fetch_all(
                    conn, "SELECT id FROM customers WHERE id = ?", (int(key.lstrip("#")),)
                )
            ]
            if found:
                return found
        for sql in (
            "SELECT id FROM customers WHERE external_id = ?",
            "SELECT id FROM customers WHERE email = ? COLLATE NOCASE AND merged_into IS NULL",
        ):
            found = [row[0] for row in await fetch_all(conn, sql, (key,))]
            if found:
                return found
        return []

    async def find_by_handle(self, keys: Sequence[tuple[str, str]]) -> list[int]:
        """Ids of the live customers owning any of these (channel, handle key) identities."""
        if not keys:
            return []
        return [
            row[0]
            for row in await fetch_all(
                self.db.reader,
                f"""WITH w(channel, handle_key) AS (VALUES {",".join("(?, ?)" for _ in keys)})
                SELECT DISTINCT i.customer_id FROM w
                JOIN identities i ON i.channel = w.channel AND i.handle_key = w.handle_key
                JOIN customers c ON c.id = i.customer_id AND c.merged_into IS NULL
                ORDER BY 1""",
                [part for key in keys for part in key],
            )
        ]

    async def profile(self, customer_id: int) -> dict[str, Any]:
        """A customer with identities, activity counts and the latest history."""
        conn = self.db.reader
        row = await fetch_one(
            conn,
            f"""SELECT id, external_id, {", ".join(_COLUMNS)}, fields, created_ms, updated_ms,
                       merged_into
                FROM customers WHERE id = ?""",
            (customer_id,),
        )
        if row is None:
            raise KeyError(customer_id)
        names = (
            "id",
            "external_id",
            *_COLUMNS,
            "fields",
            "created_ms",
            "updated_ms",
            "merged_into",
        )
        profile: dict[str, Any] = dict(zip(names, row, strict=True))
        profile["fields"] = json.loads(profile["fields"] or "{}")
        identities: dict[str, list[str]] = {}
        for channel, handle in await fetch_all(
            conn,
            "SELECT channel, handle FROM identities WHERE customer_id = ? ORDER BY channel, id",
            (customer_id,),
        ):
            identities.setdefault(channel, []).append(handle)
        profile["identities"] = identities
        profile["tags"] = [
            tag
            for (tag,) in await fetch_all(
                conn,
                "SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag",
                (customer_id,),
            )
        ]
        per_channel = await fetch_all(
            conn,
            """SELECT m.channel, count(*), min(m.created_ms), max(m.created_ms),
                      count(m.compound), total(m.compound)
               FROM authors a JOIN mentions m ON m.author_id = a.id
               WHERE a.customer_id = ? GROUP BY m.channel""",
            (customer_id,),
        )
        profile["mentions"] = {channel: count for channel, count, *_ in per_channel}
        # The mean over what was scored: an unscored mention (NULL) is in no mood figure.
        scored = sum(r[4] for r in per_channel)
        profile["first_seen_ms"] = min((r[2] for r in per_channel), default=None)
        profile["last_seen_ms"] = max((r[3] for r in per_channel), default=None)
        profile["sentiment"] = round(sum(r[5] for r in per_channel) / scored, 3) if scored else None
        profile["unscored"] = sum(r[1] - r[4] for r in per_channel)
        profile["interactions"] = {
            kind: n
            for kind, n in await fetch_all(
                conn,
                "SELECT kind, count(*) FROM interactions WHERE customer_id = ? GROUP BY kind",
                (customer_id,),
            )
        }
        profile["recent"] = [
            {"at_ms": at, "kind": kind, "channel": channel, "who": who, "text": text}
            for at, kind, channel, who, text in await fetch_all(
                conn,
                # Each part takes its newest ten from its index before they are merged:
                # a long history is not sorted whole for ten lines.
                """SELECT * FROM (
                   SELECT * FROM (
                     SELECT m.created_ms, 'mention', m.channel, a.handle, substr(m.text, 1, 200)
                     FROM authors a JOIN mentions m ON m.author_id = a.id
                     WHERE a.customer_id = :id ORDER BY m.created_ms DESC LIMIT 10)
                   UNION ALL
                   SELECT * FROM (
                     SELECT occurred_ms, kind, channel, actor, summary
                     FROM interactions WHERE customer_id = :id
                     ORDER BY occurred_ms DESC LIMIT 10))
               ORDER BY 1 DESC LIMIT 10""",
                {"id": customer_id},
            )
        ]
        return profile

    async def export_rows(self) -> list[dict[str, Any]]:
        """Every live customer with its identities, in the import format."""
        conn = self.db.reader
        handles: dict[int, dict[str, list[str]]] = {}
        for cid, channel, handle in await fetch_all(
            conn, "SELECT customer_id, channel, handle FROM identities ORDER BY customer_id, id"
        ):
            handles.setdefault(cid, {}).setdefault(channel, []).append(handle)
        tags: dict[int, list[str]] = {}
        for cid, tag in await fetch_all(
            conn, "SELECT customer_id, tag FROM customer_tags ORDER BY customer_id, tag"
        ):
            tags.setdefault(cid, []).append(tag)
        rows: list[dict[str, Any]] = []
        for values in await fetch_all(
            conn,
            f"""SELECT id, external_id, {", ".join(_COLUMNS)}, fields FROM customers
                WHERE merged_into IS NULL ORDER BY id""",
        ):
            row: dict[str, Any] = {"scrm_id": values[0], "id": values[1]}
            row.update(zip(_COLUMNS, values[2:-1], strict=True))
            for channel, names in handles.get(values[0], {}).items():
                row[channel] = "; ".join(names)
            row.update(json.loads(values[-1] or "{}"))
            row["tags"] = tags.get(values[0], [])
            rows.append(row)
        return rows

    async def export_interactions(self, after: int, limit: int) -> list[dict[str, Any]]:
        """A page of the history, oldest first (by id)."""
        rows = await fetch_all(
            self.db.reader,
            """SELECT i.id, i.kind, i.occurred_ms, i.actor, i.customer_id, c.external_id,
                      c.name, i.channel, m.channel, m.external_id, i.direction, i.compound,
                      i.summary, i.detail
               FROM interactions i
               LEFT JOIN customers c ON c.id = i.customer_id
               LEFT JOIN mentions m ON m.id = i.mention_id
               WHERE i.id > ? ORDER BY i.id LIMIT ?""",
            (after, limit),
        )
        names = (
            "id",
            "kind",
            "occurred_ms",
            "actor",
            "customer_id",
            "customer_external_id",
            "customer_name",
            "channel",
            "mention_channel",
            "mention_id",
            "direction",
            "compound",
            "summary",
            "detail",
        )
        return [dict(zip(names, row, strict=True)) for row in rows]

    async def add_interaction(
        self,
        customer_id: int,
        kind: str,
        summary: str,
        *,
        actor: str,
        occurred_ms: int,
        direction: str | None = None,
        channel: str | None = None,
        compound: float | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int:
        """Record something that happened with a customer (a call, a note...)."""
        async with self.db.transaction() as conn:
            entry = audit.Entry(
                kind,
                occurred_ms,
                actor,
                summary,
                detail or {},
                customer_id=customer_id,
                channel=channel,
                direction=direction,
                compound=compound,
            )
            return await audit.record_one(conn, entry)

    async def add_interactions(
        self, rows: Sequence[tuple[int, str, str, str | None, int, str, float | None]]
    ) -> int:
        """Many (customer, kind, summary, direction, at_ms, actor, compound) in one go."""
        async with self.db.transaction() as conn:
            await audit.record(
                conn,
                [
                    audit.Entry(
                        kind,
                        at_ms,
                        actor,
                        summary,
                        "{}",
                        customer_id=customer_id,
                        direction=direction,
                        compound=compound,
                    )
                    for customer_id, kind, summary, direction, at_ms, actor, compound in rows
                ],
            )
        return len(rows)

    async def interaction(self, interaction_id: int) -> dict[str, Any] | None:
        """One history entry in full (the timeline shows only the start of it)."""
        row = await fetch_one(
            self.db.reader,
            """SELECT id, kind, occurred_ms, actor, customer_id, author_id, mention_id, channel,
                      summary, detail, direction, compound
               FROM interactions WHERE id = ?""",
            (interaction_id,),
        )
        if row is None:
            return None
        names = (
            "id",
            "kind",
            "occurred_ms",
            "actor",
            "customer_id",
            "author_id",
            "mention_id",
            "channel",
            "summary",
            "detail",
            "direction",
            "compound",
        )
        item = dict(zip(names, row, strict=True))
        item["detail"] = json.loads(item["detail"] or "{}")
        return item
