"""The mention store's connection, and how its rows are read: listed, by id, in detail."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from scrm_tui.core.domains import links_from_json
from scrm_tui.core.models import MentionDetail, MentionRow, ParentPost, Sentiment, Status
from scrm_tui.core.team import CLAIM_TTL_MS
from scrm_tui.store import authors
from scrm_tui.store.db import Database, fetch_all, fetch_one
from scrm_tui.store.fts_terms import Vocabulary
from scrm_tui.store.mentions.plan import _HITS_SERIAL, _id_chunks, _Plan

SNIPPET_CHARS = 400
T = TypeVar("T")

# A mention's tags in one column, in order, separated by US (no tag holds a control).
_TAGS = """(SELECT group_concat(t.tag, char(31)) FROM
        (SELECT tag FROM mention_tags WHERE mention_id = m.id ORDER BY tag) t)"""
_ROW_COLUMNS = f"""
    m.id, m.channel, m.external_id, m.created_ms, a.handle, a.display_name, c.name, c.tier,
    m.compound, m.status,
    EXISTS (SELECT 1 FROM mention_reads r WHERE r.mention_id = m.id AND r.agent = :agent),
    substr(m.text, 1, {SNIPPET_CHARS}), a.match_state,
    m.assignee, {_TAGS},
    m.priority, m.snoozed_until_ms, m.priority_rank,
    (SELECT cl.agent || char(31) || cl.since_ms || char(31) || cl.kind FROM claims cl
     WHERE cl.mention_id = m.id AND cl.agent != :agent AND cl.heartbeat_ms >= :claims_live
     ORDER BY cl.since_ms LIMIT 1),
    m.watch_set
"""

# The few snoozed mentions, through their partial index: left to itself the planner
# walks every row by id for `id <= ?` (it has no statistics to know how few they are).
_SNOOZED = "INDEXED BY mentions_snoozed"

_JOINS = """
    JOIN authors a ON a.id = m.author_id
    LEFT JOIN customers c ON c.id = a.customer_id
"""


# Conditions a bulk action asks of the mentions it selected ("is any of them open?").
_ONLY = {
    "open": "m.status != 'done'",
    "done": "m.status = 'done'",
    "unread": "NOT EXISTS (SELECT 1 FROM mention_reads r "
    "WHERE r.mention_id = m.id AND r.agent = :agent)",
    "read": "EXISTS (SELECT 1 FROM mention_reads r WHERE r.mention_id = m.id AND r.agent = :agent)",
    "untagged": "NOT EXISTS (SELECT 1 FROM mention_tags t "
    "WHERE t.mention_id = m.id AND t.tag = :only_tag)",
}


def _only(only: str, params: dict[str, Any]) -> str:
    """The SQL of a condition of _ONLY; `untagged:TAG` binds its tag."""
    name, _, tag = only.partition(":")
    if name == "untagged":
        params["only_tag"] = tag
    return _ONLY[name]


def _tags(joined: str | None) -> tuple[str, ...]:
    return tuple(joined.split("\x1f")) if joined else ()


def _row(values: Sequence[Any]) -> MentionRow:
    return MentionRow(
        id=values[0],
        channel=values[1],
        external_id=values[2],
        created_ms=values[3],
        author_handle=values[4],
        author_name=values[5],
        customer_name=values[6],
        customer_tier=values[7],
        compound=values[8],
        status=Status(values[9]),
        is_read=bool(values[10]),
        snippet=values[11],
        match_state=values[12],
        assignee=values[13],
        tags=_tags(values[14]),
        priority=values[15],
        snoozed_until_ms=values[16],
        priority_rank=values[17],
        **_claim(values[18]),
        watch_set=values[19],
    )


def _claim(value: str | None) -> dict[str, Any]:
    """The oldest live claim another agent holds on the row (your own is no warning)."""
    if not value:
        return {}
    agent, since, kind = value.rsplit("\x1f", 2)
    return {"claimed_by": agent, "claimed_ms": int(since), "claimed_kind": kind}


class MentionBase:
    """The store's connection, and its rows read: one statement at a time when interruptible."""

    def __init__(
        self,
        db: Database,
        now_ms: Callable[[], int] | None = None,
        *,
        temp_prefix: str = "hits",
        interruptible: bool = False,
    ):
        """`now_ms`: the inbox's clock, which says which claims are live (tests run on a
        fixed one); `temp_prefix`: names this store's temporary tables, so two stores can
        read different filters on one connection (the list, and a bulk action's ids).
        `interruptible`: this store alone reads on its connection (a search's), one
        statement at a time, and a statement whose reader gave up is interrupted."""
        self.db = db
        self._statement = asyncio.Lock() if interruptible else None
        self.now_ms = now_ms or (lambda: int(time.time() * 1000))
        # FTS expression -> (temp table of its hits, the newest mention id it covers)
        self._hits: OrderedDict[str, tuple[str, int]] = OrderedDict()
        self._hits_serial = _HITS_SERIAL
        self._temp_prefix = temp_prefix
        self._authors = authors.AuthorCache()
        # rows driving the current list's plan (by source, hashtag): see _dense
        self._hit_counts: dict[str, dict[Any, int]] = {}
        self.vocabulary = Vocabulary(self._terms, spells=db.engine == "sqlite")
        self._vocabulary_table: str | None = None
        # spelled-out FTS expression -> whether a page probes the index row by row
        self._probing: OrderedDict[str, bool] = OrderedDict()

    async def _reading(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run one read on the reader connection. On an interruptible store a reader
        cancelled meanwhile (a newer search replaced it) stops its statement in SQLite
        (sqlite3's interrupt, safe from any thread): otherwise it would run on, and
        every later read on the connection would wait for it. One statement at a time,
        so the one interrupted is always the cancelled reader's own."""
        if self._statement is None:
            return await call()
        async with self._statement:
            try:
                return await call()
            except asyncio.CancelledError:
                await self.db.reader.interrupt()
                raise

    async def _all(self, sql: str, parameters: Any = ()) -> list[Any]:
        return await self._reading(lambda: fetch_all(self.db.reader, sql, parameters))

    async def _one(self, sql: str, parameters: Any = ()) -> Any:
        return await self._reading(lambda: fetch_one(self.db.reader, sql, parameters))

    async def _run(self, sql: str, parameters: Any = ()) -> None:
        await self._reading(lambda: self.db.reader.execute(sql, parameters))

    async def _terms(self, first: str, last: str, limit: int) -> list[tuple[str, int]]:
        """Terms of the full-text index from `first` (itself included, if a term) up to
        `last` (excluded), at most `limit`."""
        if self._vocabulary_table is None:
            table = f"{self._temp_prefix}_terms_{next(self._hits_serial)}"
            await self._run(
                f"CREATE VIRTUAL TABLE temp.{table} USING fts5vocab(main, mentions_fts, row)"
            )
            self._vocabulary_table = table
        sql = (
            f"SELECT term, doc FROM temp.{self._vocabulary_table} "
            "WHERE term >= ? AND term < ? LIMIT ?"
        )
        return [(str(t), int(d)) for t, d in await self._all(sql, (first, last, limit))]

    async def max_id(self) -> int:
        row = await self._one("SELECT coalesce(max(id), 0) FROM mentions")
        return int(row[0]) if row else 0

    def _claims_live(self) -> int:
        """Claims with a heartbeat from this moment on are live (the rows' ✎)."""
        return self.now_ms() - CLAIM_TTL_MS

    async def _select(
        self, plan: _Plan, extra: list[str], order: str, tail: str, *, quick: bool = False
    ) -> list[MentionRow]:
        # `k.` in keyset conditions and orderings names the plan's key table.
        key = f"{plan.key_table}."
        clause = plan.clause(*(part.replace("k.", key) for part in extra))
        sql = (
            f"SELECT {_ROW_COLUMNS} FROM {plan.source} {clause} "
            f"ORDER BY {order.replace('k.', key)} {tail}"
        )
        params = {**plan.params, "claims_live": self._claims_live()}
        found = await (self.db.fetch_quick(sql, params) if quick else self._all(sql, params))
        return [_row(values) for values in found]

    async def rows_by_id(self, ids: Sequence[int], agent: str) -> list[MentionRow]:
        rows: list[MentionRow] = []
        params: dict[str, Any] = {"agent": agent, "claims_live": self._claims_live()}
        for among in _id_chunks(ids, params, "i"):
            sql = f"SELECT {_ROW_COLUMNS} FROM mentions m {_JOINS} WHERE {among}"
            # By id, a screenful: on the event loop's thread (Database.fetch_quick).
            rows.extend(_row(values) for values in await self.db.fetch_quick(sql, params))
        return rows

    async def detail(self, mention_id: int, agent: str) -> MentionDetail | None:
        sql = f"""
            SELECT {_ROW_COLUMNS}, m.text, m.url, a.url, a.followers, m.pos, m.neu, m.neg,
                   m.in_reply_to, m.ingested_ms, c.id, c.company, a.id, a.match_score,
                   m.matched, m.text_length, m.points, c.lifetime_value,
                   m.lang, m.lang_conf, m.lang_src, m.link, m.mood_by, m.mood_ms, a.links
            FROM mentions m {_JOINS} WHERE m.id = :id
        """
        values = await fetch_one(
            self.db.reader,
            sql,
            {"agent": agent, "id": mention_id, "claims_live": self._claims_live()},
        )
        if values is None:
            return None
        row = _row(values)
        (
            text,
            url,
            author_url,
            followers,
            pos,
            neu,
            neg,
            in_reply_to,
            ingested_ms,
            customer_id,
            company,
            author_id,
            match_score,
            matched,
            full_length,
            points,
            customer_value,
            lang,
            lang_conf,
            lang_src,
            link,
            mood_by,
            mood_ms,
            author_links,
        ) = values[20:]
        parent = None
        if in_reply_to:
            found = await fetch_one(
                self.db.reader,
                """SELECT m.id, a.handle, a.display_name, m.created_ms, m.text
                   FROM mentions m JOIN authors a ON a.id = m.author_id
                   WHERE m.channel = ? AND m.external_id = ?""",
                (row.channel, in_reply_to),
            )
            if found is not None:
                parent = ParentPost(*found)
        return MentionDetail(
            row=row,
            text=text,
            url=url,
            author_url=author_url,
            followers=followers,
            sentiment=(
                None
                if row.compound is None
                else Sentiment(compound=row.compound, pos=pos, neu=neu, neg=neg)
            ),
            in_reply_to=in_reply_to,
            parent=parent,
            ingested_ms=ingested_ms,
            customer_id=customer_id,
            customer_company=company,
            author_id=author_id,
            match_score=match_score,
            matched=matched,
            full_length=full_length,
            points=points,
            customer_value=customer_value,
            lang=lang,
            lang_conf=lang_conf,
            lang_src=lang_src,
            link=link,
            mood_by=mood_by,
            mood_ms=mood_ms,
            author_links=links_from_json(author_links),
        )
