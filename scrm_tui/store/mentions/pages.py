"""Pages of mentions by keyset, older and newer, and the ids among them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrm_tui.core.models import MentionRow, Order
from scrm_tui.core.query import Query
from scrm_tui.store.mentions.base import _JOINS, _TAGS, _only, _tags
from scrm_tui.store.mentions.plan import (
    _AWAKE,
    _CHUNK,
    _NEWEST_PROBED,
    _NEWEST_REACH,
    _NEWEST_SCAN,
    Key,
    _fts_only,
    _id_chunks,
    _key_columns,
    _older,
    _Plan,
    _upto,
)
from scrm_tui.store.mentions.planner import MentionPlans


class MentionPages(MentionPlans):
    """Pages of a list by keyset, older and newer, and the ids among them."""

    async def page_older(
        self,
        query: Query,
        agent: str,
        key: Key | None,
        limit: int,
        upto: int | None = None,
        order: Order = Order.NEWEST,
        *,
        now_ms: int,
    ) -> list[MentionRow]:
        """Up to `limit` rows after `key` in `order` (further down the list), first first;
        with `upto`, only mentions stored up to that id (what a list has counted)."""
        if key is None and order is Order.NEWEST and upto is not None:
            first = await self._first_of_newest_hits(query, agent, limit, upto, now_ms)
            if first is not None:
                return first
        plan = await self._listed(query, agent, now_ms, order=order, hits="walk", upto=upto)
        extra = _older(plan, key, limit, upto, order)
        rank, tie = _key_columns(order)
        return await self._select(plan, extra, f"{rank} DESC, {tie} DESC", "LIMIT :limit")

    async def _first_of_newest_hits(
        self, query: Query, agent: str, limit: int, upto: int, now_ms: int
    ) -> list[MentionRow] | None:
        """The first page of a full-text filter whose hits are not held, from its newest
        `_NEWEST_REACH * limit` hits by id; None where that cannot be known to be the
        page (then the usual plan reads it). Those hits' best `limit` rows are the page
        unless a hit stored before all of them sorts above the last: a mention newer than
        it with a smaller id, found on the list's index (a few, each probed, or none)."""
        expression = _fts_only(query)
        reach = _NEWEST_REACH * limit
        if expression is None or query.shows_snoozed or expression in self._hits:
            return None
        if reach > _CHUNK:
            return None
        spelled = await self.vocabulary.expand(expression, upto, self.max_id)
        found = await self._all(
            "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ? AND rowid <= ? "
            "ORDER BY rowid DESC LIMIT ?",
            (spelled, upto, reach),
        )
        ids = [int(row[0]) for row in found]
        if not ids:
            return []
        plan = _Plan(f"mentions m {_JOINS}", [_AWAKE], {"agent": agent, "now": now_ms}, "m")
        among = next(_id_chunks(ids, plan.params, "h"))
        plan.params["limit"] = limit
        rows = await self._select(plan, [among], "m.created_ms DESC, m.id DESC", "LIMIT :limit")
        if len(ids) < reach:
            return rows  # every hit there is
        if len(rows) < limit:
            return None  # snoozed among them: the page may go on below the oldest read
        last, floor = rows[-1], min(ids)
        # Mentions above the last row stored before the oldest hit read (by the list's
        # index alone), at most _NEWEST_PROBED of them; a full scan says nothing.
        params: dict[str, Any] = {
            "kc": last.created_ms,
            "ki": last.id,
            "floor": floor,
            "scan": _NEWEST_SCAN,
        }
        above = (
            "SELECT id FROM mentions INDEXED BY mentions_stream "
            "WHERE (created_ms, id) > (:kc, :ki) ORDER BY created_ms DESC, id DESC LIMIT :scan"
        )
        row = await self._one(
            f"SELECT count(*), coalesce(sum(id < :floor), 0) FROM ({above})", params
        )
        scanned, earlier = (int(value) for value in row)
        if scanned >= _NEWEST_SCAN or earlier > _NEWEST_PROBED:
            return None
        if earlier:
            params["fts"] = spelled
            hit = await self._one(
                f"SELECT 1 FROM ({above}) w WHERE w.id < :floor AND EXISTS "
                "(SELECT 1 FROM mentions_fts WHERE mentions_fts MATCH :fts AND rowid = w.id)",
                params,
            )
            if hit is not None:
                return None
        return rows

    async def keys_older(
        self,
        query: Query,
        agent: str,
        key: Key | None,
        limit: int,
        upto: int | None,
        only: str | None = None,
        *,
        now_ms: int,
    ) -> list[Key]:
        """As page_older, only the keys (what a bulk action reads its ids from); `only`:
        of those only the "open", "done", "unread", "read" (by `agent`) or
        "untagged:TAG" ones."""
        plan = await self._plan(query, agent, now_ms)
        table = f"{plan.key_table}."
        extra = [part.replace("k.", table) for part in _older(plan, key, limit, upto)]
        if only is not None:
            extra.append(_only(only, plan.params))
        clause = plan.clause(*extra)
        sql = (
            f"SELECT {table}created_ms, {table}id FROM {plan.source} {clause} "
            f"ORDER BY {table}created_ms DESC, {table}id DESC LIMIT :limit"
        )
        return [(int(c), int(i)) for c, i in await self._all(sql, plan.params)]

    async def matching_among(
        self, query: Query, agent: str, ids: Sequence[int], upto: int | None, *, now_ms: int
    ) -> list[int]:
        """Which of `ids` `query` matches now (among mentions stored up to `upto`)."""
        found: list[int] = []
        plan = await self._plan(query, agent, now_ms, paging=False)
        for among in _id_chunks(ids, plan.params, "i"):
            sql = f"SELECT m.id FROM {plan.source} {plan.clause(*_upto(plan, upto), among)}"
            found.extend(int(row[0]) for row in await self._all(sql, plan.params))
        return found

    async def ids_among(self, ids: Sequence[int], agent: str, only: str) -> list[int]:
        """Which of `ids` meet `only` (as in keys_older)."""
        found: list[int] = []
        params: dict[str, Any] = {"agent": agent}
        meets = _only(only, params)
        for among in _id_chunks(ids, params, "i"):
            sql = f"SELECT m.id FROM mentions m WHERE {among} AND {meets}"
            found.extend(int(row[0]) for row in await self._all(sql, params))
        return found

    async def page_newer(
        self,
        query: Query,
        agent: str,
        key: Key,
        limit: int,
        upto: int | None = None,
        order: Order = Order.NEWEST,
        *,
        now_ms: int,
    ) -> list[MentionRow]:
        """Up to `limit` rows just before `key` in `order` (further up), first first."""
        plan = await self._listed(query, agent, now_ms, order=order, hits="walk", upto=upto)
        rank, tie = _key_columns(order)
        plan.params["kc"], plan.params["ki"] = key
        plan.params["limit"] = limit
        rows = await self._select(
            plan,
            [f"({rank}, {tie}) > (:kc, :ki)", *_upto(plan, upto)],
            f"{rank} ASC, {tie} ASC",
            "LIMIT :limit",
        )
        rows.reverse()
        return rows

    async def page_at(
        self,
        query: Query,
        agent: str,
        offset: int,
        limit: int,
        total: int | None = None,
        upto: int | None = None,
        order: Order = Order.NEWEST,
        *,
        now_ms: int,
    ) -> list[MentionRow]:
        """Rows at positions [offset, offset+limit) for a far jump.

        Reads from whichever end is nearer, so `G` on a million rows costs the same as
        `g`; only a jump into the middle pays for an OFFSET scan.
        """
        plan = await self._listed(query, agent, now_ms, order=order)
        extra = _upto(plan, upto)
        rank, tie = _key_columns(order)
        if total is not None and offset > total - offset - limit:
            start_from_end = max(total - offset - limit, 0)
            count = min(limit, total - offset)
            plan.params["limit"], plan.params["offset"] = count, start_from_end
            rows = await self._select(
                plan, extra, f"{rank} ASC, {tie} ASC", "LIMIT :limit OFFSET :offset"
            )
            rows.reverse()
            return rows
        plan.params["limit"], plan.params["offset"] = limit, offset
        return await self._select(
            plan, extra, f"{rank} DESC, {tie} DESC", "LIMIT :limit OFFSET :offset"
        )

    async def listed_among(
        self, query: Query, agent: str, ids: Sequence[int], upto: int | None, *, now_ms: int
    ) -> list[MentionRow]:
        """Which of `ids` the list for `query` holds now (stored up to `upto`)."""
        rows: list[MentionRow] = []
        plan = await self._listed(query, agent, now_ms, by_id=True)
        for among in _id_chunks(ids, plan.params, "w"):
            rows.extend(await self._select(plan, [among, *_upto(plan, upto)], "m.id", ""))
        return rows

    async def export_page(
        self,
        after: Key | None,
        limit: int,
        query: Query | None = None,
        agent: str = "",
        now_ms: int = 0,
    ) -> list[dict[str, Any]]:
        """Full records in stream order, oldest first, for export; `text` is the whole
        text, also of a mention stored cut. With `query`, only the mentions it matches,
        snoozed ones too: an export is the record, not a list."""
        plan = (
            await self._plan(query, agent, now_ms, hide_snoozed=False)
            if query is not None and not query.is_empty
            else _Plan(f"mentions m {_JOINS}", [], {}, "m")
        )
        key = plan.key_table
        extra = []
        if after:
            plan.params["ac"], plan.params["ai"] = after
            extra.append(f"({key}.created_ms, {key}.id) > (:ac, :ai)")
        plan.params["limit"] = limit
        sql = f"""
            SELECT m.id, m.channel, m.external_id, m.url, coalesce(o.text, m.text),
                   m.created_ms, m.ingested_ms,
                   m.in_reply_to, m.compound, m.pos, m.neu, m.neg, m.status, m.status_by,
                   m.status_ms, a.handle, a.display_name, a.followers, a.url, c.id,
                   c.external_id, m.assignee, {_TAGS}, m.points, m.lang, m.lang_conf,
                   m.lang_src, m.link, a.links
            FROM {plan.source} LEFT JOIN mention_originals o ON o.mention_id = m.id
            {plan.clause(*extra)}
            ORDER BY {key}.created_ms, {key}.id LIMIT :limit
        """
        rows = await self._all(sql, plan.params)
        names = (
            "id",
            "channel",
            "external_id",
            "url",
            "text",
            "created_ms",
            "ingested_ms",
            "in_reply_to",
            "compound",
            "pos",
            "neu",
            "neg",
            "status",
            "status_by",
            "status_ms",
            "handle",
            "display_name",
            "followers",
            "author_url",
            "customer_id",
            "customer_external_id",
            "assignee",
            "tags",
            "points",
            "lang",
            "lang_conf",
            "lang_src",
            "link",
            "author_links",
        )
        records = [dict(zip(names, row, strict=True)) for row in rows]
        for record in records:
            record["tags"] = _tags(record["tags"])
        return records
