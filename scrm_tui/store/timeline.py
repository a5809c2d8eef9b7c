"""A customer's history: their mentions on every network and every interaction, as one list."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from scrm_tui.core.models import TimelineItem
from scrm_tui.store.db import Database, fetch_all, fetch_one

Key = tuple[int, ...]

# The three parts of a history, each as (src, id, at, the rest, its FROM and WHERE).
# The last part: what happened to an author's mentions (marked done...) before the
# author was known to be this customer belongs to their history too.
_ARMS = (
    (
        "0",
        "m.id",
        "m.created_ms",
        "'mention'",
        "m.channel",
        "a.handle AS actor, substr(m.text, 1, 400) AS text, m.compound AS compound,"
        " NULL AS direction",
        "authors a JOIN mentions m ON m.author_id = a.id",
        "a.customer_id = :customer {upto_m}",
    ),
    (
        "1",
        "i.id",
        "i.occurred_ms",
        "i.kind",
        "i.channel",
        "i.actor, coalesce(i.summary, '') AS text, i.compound, i.direction",
        "interactions i",
        "i.customer_id = :customer {upto_i}",
    ),
    (
        "1",
        "i.id",
        "i.occurred_ms",
        "i.kind",
        "i.channel",
        "i.actor, coalesce(i.summary, '') AS text, i.compound, i.direction",
        "authors a JOIN interactions i ON i.author_id = a.id",
        "a.customer_id = :customer AND i.customer_id IS NULL {upto_i}",
    ),
)


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

    async def page(
        self,
        customer_id: int,
        *,
        channels: Collection[str] = (),
        kinds: Collection[str] = (),
        key: Key | None = None,
        newer: bool = False,
        limit: int,
        upto: tuple[int, int] | None = None,
    ) -> list[TimelineItem]:
        """Up to `limit` items just after `key` (older; from the newest if None), or
        just before it (`newer`, returned newest first all the same).

        Each part is read in its own index order up to `limit` and only then merged:
        a page costs its rows, not a sort of the whole history."""
        values = self._values(customer_id, upto, {"limit": limit})
        op, direction = (">", "ASC") if newer else ("<", "DESC")
        arms = []
        for src, id_, at, kind, channel, rest, source, where in _ARMS:
            clauses = [where, *self._narrow(values, channel, kind, channels, kinds)]
            if key is not None:
                values["ka"], values["ks"], values["ki"] = key
                # The first clause lets the index seek; the second places ties exactly.
                clauses.append(f"{at} {op}= :ka AND ({at}, {src}, {id_}) {op} (:ka, :ks, :ki)")
            arms.append(
                f"SELECT * FROM (SELECT {src}, {id_}, {at}, {kind}, {channel}, {rest}"
                f" FROM {source} WHERE {' AND '.join(clauses)}"
                f" ORDER BY {at} {direction}, {id_} {direction} LIMIT :limit)"
            )
        union = "\nUNION ALL\n".join(arms).format(**self._upto_sql(upto))
        query = (
            f"SELECT * FROM ({union}) ORDER BY 3 {direction}, 1 {direction}, 2 {direction}"
            " LIMIT :limit"
        )
        rows = [_item(row) for row in await fetch_all(self.db.reader, query, values)]
        if newer:
            rows.reverse()
        return rows

    async def at(
        self,
        customer_id: int,
        *,
        channels: Collection[str] = (),
        kinds: Collection[str] = (),
        offset: int,
        limit: int,
        oldest_first: bool = False,
        upto: tuple[int, int] | None = None,
    ) -> list[TimelineItem]:
        """`limit` items from position `offset` (counted from the oldest if asked): a
        jump far from what is held, which pays for the OFFSET once."""
        values = self._values(customer_id, upto, {"limit": limit, "offset": offset})
        direction = "ASC" if oldest_first else "DESC"
        query = (
            f"SELECT * FROM ({self._union(values, channels, kinds, upto)})"
            f" ORDER BY at {direction}, src {direction}, id {direction} LIMIT :limit OFFSET :offset"
        )
        return [_item(row) for row in await fetch_all(self.db.reader, query, values)]

    async def count(
        self,
        customer_id: int,
        *,
        channels: Collection[str] = (),
        kinds: Collection[str] = (),
        upto: tuple[int, int] | None = None,
    ) -> int:
        """Counted part by part: each from its index, no item read."""
        values = self._values(customer_id, upto, {})
        parts = []
        for _src, _id, _at, kind, channel, _rest, source, where in _ARMS:
            clauses = [where, *self._narrow(values, channel, kind, channels, kinds)]
            parts.append(f"(SELECT count(*) FROM {source} WHERE {' AND '.join(clauses)})")
        query = "SELECT " + " + ".join(parts).format(**self._upto_sql(upto))
        row = await fetch_one(self.db.reader, query, values)
        return int(row[0]) if row else 0

    async def unscored(self, customer_id: int) -> int:
        """How many of the customer's mentions no scorer reads (counted apart from the mood)."""
        row = await fetch_one(
            self.db.reader,
            "SELECT count(*) FROM authors a JOIN mentions m ON m.author_id = a.id "
            "WHERE a.customer_id = ? AND m.compound IS NULL",
            (customer_id,),
        )
        return int(row[0]) if row else 0

    async def mood_days(
        self, customer_id: int, now_ms: int, band: float
    ) -> list[tuple[int, int, int, int, float, int]]:
        """Everything scored, tallied by day: (days ago, -1 for the future; how many;
        how many positive and negative beyond `band`; their sum; the oldest moment). One scan
        in SQL, one row per day with something said: a long history costs no copy of its items."""
        values = self._values(customer_id, None, {"band": band, "now": now_ms})
        query = f"""SELECT CASE WHEN at <= :now THEN (:now - at) / 86400000 ELSE -1 END AS ago,
                       count(*),
                       count(*) FILTER (WHERE compound >= :band),
                       count(*) FILTER (WHERE compound <= -:band), sum(compound), min(at)
                FROM ({self._union(values, (), (), None)}) WHERE compound IS NOT NULL
                GROUP BY ago"""
        return [
            (int(ago), int(n), int(pos), int(neg), float(total), int(oldest))
            for ago, n, pos, neg, total, oldest in await fetch_all(self.db.reader, query, values)
        ]

    @staticmethod
    def _values(
        customer_id: int, upto: tuple[int, int] | None, extra: dict[str, Any]
    ) -> dict[str, Any]:
        values: dict[str, Any] = {"customer": customer_id, **extra}
        if upto is not None:  # what was stored when the view opened, not after
            values["m_upto"], values["i_upto"] = upto
        return values

    @staticmethod
    def _upto_sql(upto: tuple[int, int] | None) -> dict[str, str]:
        if upto is None:
            return {"upto_m": "", "upto_i": ""}
        return {"upto_m": "AND m.id <= :m_upto", "upto_i": "AND i.id <= :i_upto"}

    @staticmethod
    def _narrow(
        values: dict[str, Any],
        channel: str,
        kind: str,
        channels: Collection[str],
        kinds: Collection[str],
    ) -> list[str]:
        """The channel and kind filters, as clauses on one part's columns."""
        where: list[str] = []
        for name, column, wanted in (("channel", channel, channels), ("kind", kind, kinds)):
            if wanted:
                marks = []
                for index, value in enumerate(sorted(wanted)):
                    values[f"{name}{index}"] = value
                    marks.append(f":{name}{index}")
                where.append(f"{column} IN ({', '.join(marks)})")
        return where

    def _union(
        self,
        values: dict[str, Any],
        channels: Collection[str],
        kinds: Collection[str],
        upto: tuple[int, int] | None,
    ) -> str:
        arms = []
        for src, id_, at, kind, channel, rest, source, where in _ARMS:
            clauses = [where, *self._narrow(values, channel, kind, channels, kinds)]
            arms.append(
                f"SELECT {src} AS src, {id_} AS id, {at} AS at, {kind} AS kind,"
                f" {channel} AS channel, {rest} FROM {source} WHERE {' AND '.join(clauses)}"
            )
        return "\nUNION ALL\n".join(arms).format(**self._upto_sql(upto))
