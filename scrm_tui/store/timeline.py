"""A customer's history: their mentions on every network and every interaction, as one list."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from scrm_tui.core.models import TimelineItem
from scrm_tui.store.db import Database, fetch_all, fetch_one

Key = tuple[int, ...]

_UNION = """
    SELECT 0 AS src, m.id AS id, m.created_ms AS at, 'mention' AS kind, m.channel AS channel,
           a.handle AS actor, substr(m.text, 1, 400) AS text, m.compound AS compound,
           NULL AS direction
    FROM authors a JOIN mentions m ON m.author_id = a.id
    WHERE a.customer_id = :customer {mention_upto}
    UNION ALL
    SELECT 1, i.id, i.occurred_ms, i.kind, i.channel, i.actor, coalesce(i.summary, ''),
           i.compound, i.direction
    FROM interactions i
    WHERE i.customer_id = :customer {interaction_upto}
    UNION ALL
    SELECT 1, i.id, i.occurred_ms, i.kind, i.channel, i.actor, coalesce(i.summary, ''),
           i.compound, i.direction
    FROM authors a JOIN interactions i ON i.author_id = a.id
    WHERE a.customer_id = :customer AND i.customer_id IS NULL {interaction_upto}
"""
# The last part: what happened to an author's mentions (marked done...) before the
# author was known to be this customer belongs to their history too.


def _item(row: Any) -> TimelineItem:
    return TimelineItem(*row)


class TimelineStore:
    def __init__(self, db: Database):
        self.db = db

    async def high_water(self) -> tuple[int, int]:
        """(newest mention id, newest interaction id)."""
        row = await fetch_one(
            self.db.reader,
            "SELECT (SELECT coalesce(max(id), 0) FROM mentions), "
            "(SELECT coalesce(max(id), 0) FROM interactions)",
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def select(
        self,
        customer_id: int,
        *,
        channels: Collection[str] = (),
        kinds: Collection[str] = (),
        where: str = "",
        order: str = "at DESC, src DESC, id DESC",
        tail: str = "",
        upto: tuple[int, int] | None = None,
        params: dict[str, Any] | None = None,
    ) -> list[TimelineItem]:
        sql, values = self._sql(customer_id, channels, kinds, upto, params)
        clause = " AND ".join(part for part in (sql[1], where) if part)
        filtered = f"WHERE {clause}" if clause else ""
        query = f"SELECT * FROM ({sql[0]}) {filtered} ORDER BY {order} {tail}"
        return [_item(row) for row in await fetch_all(self.db.reader, query, values)]

    async def count(
        self,
        customer_id: int,
        *,
        channels: Collection[str] = (),
        kinds: Collection[str] = (),
        upto: tuple[int, int] | None = None,
    ) -> int:
        sql, values = self._sql(customer_id, channels, kinds, upto, None)
        query = f"SELECT count(*) FROM ({sql[0]}) {'WHERE ' + sql[1] if sql[1] else ''}"
        row = await fetch_one(self.db.reader, query, values)
        return int(row[0]) if row else 0

    def _sql(
        self,
        customer_id: int,
        channels: Collection[str],
        kinds: Collection[str],
        upto: tuple[int, int] | None,
        params: dict[str, Any] | None,
    ) -> tuple[tuple[str, str], dict[str, Any]]:
        values: dict[str, Any] = {"customer": customer_id, **(params or {})}
        mention_upto = interaction_upto = ""
        if upto is not None:  # what was stored when the view opened, not after
            values["m_upto"], values["i_upto"] = upto
            mention_upto = " AND m.id <= :m_upto"
            interaction_upto = " AND i.id <= :i_upto"
        union = _UNION.format(mention_upto=mention_upto, interaction_upto=interaction_upto)
        where: list[str] = []
        for name, wanted in (("channel", channels), ("kind", kinds)):
            if wanted:
                marks = []
                for index, value in enumerate(sorted(wanted)):
                    values[f"{name}{index}"] = value
                    marks.append(f":{name}{index}")
                where.append(f"{name} IN ({', '.join(marks)})")
        return (union, " AND ".join(where)), values
