"""Counts of mentions: the header's, a list's, unread, newer, and arrivals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrm_tui.core.models import MentionRow, Order
from scrm_tui.core.query import Query
from scrm_tui.store.engines import POSTGRESQL, engine_of
from scrm_tui.store.mentions.base import _JOINS, _SNOOZED
from scrm_tui.store.mentions.plan import (
    _FTS_SET,
    _NO_LIMIT,
    _UNREAD,
    Key,
    _fts_only,
    _key_columns,
    _Plan,
    _upto,
)
from scrm_tui.store.mentions.planner import MentionPlans

# Snoozes that came due but are not woken yet are counted one by one (through their
# index), at most this many: more, and they are woken in batches of this size before the
# counts are read (Inbox.has_changed), so that a look costs the same however many
# came due at once (100k on Monday at 9:00).
DUE_COUNTED = 1000

# The most ids an arrival may span to be read on the event loop's thread (arrivals).
QUICK_ARRIVALS = 500

# The header's counts, as columns of one SELECT (named :agent and :now): what
# MentionStore.stats reads, and what an open inbox's clock reads with its change mark.
STATS = f"""
    (SELECT total FROM mention_counts), (SELECT snoozed FROM mention_counts),
    coalesce((SELECT reads FROM read_counts WHERE agent = :agent), 0),
    coalesce((SELECT snoozed FROM read_counts WHERE agent = :agent), 0),
    (SELECT count(*) FROM (SELECT 1 FROM mentions m WHERE m.snoozed_until_ms <= :now
                           LIMIT {DUE_COUNTED + 1})),
    (SELECT count(*) FROM (SELECT m.id FROM mentions m WHERE m.snoozed_until_ms <= :now
                           LIMIT {DUE_COUNTED + 1}) AS due
     WHERE EXISTS (SELECT 1 FROM mention_reads r WHERE r.mention_id = due.id
                   AND r.agent = :agent))
"""


def listed_unread(values: Sequence[Any]) -> tuple[int, int]:
    """(mentions listed, unread) from the six STATS columns (true when due_uncounted
    is not)."""
    total, snoozed, reads, snoozed_reads, due, due_read = (int(value or 0) for value in values)
    listed = total - (snoozed - due)
    return listed, max(listed - (reads - (snoozed_reads - due_read)), 0)


def due_uncounted(values: Sequence[Any]) -> bool:
    """More snoozes came due than the six STATS columns count: wake some, read again."""
    return int(values[4] or 0) > DUE_COUNTED


class DueUncounted(Exception):
    """More snoozes came due than the counts take in: wake them (a batch at a time) first."""


class MentionCounts(MentionPlans):
    """Counts of a list: total, before a row, unread, newer, arrivals and their tally."""

    async def stats(self, agent: str, now_ms: int) -> tuple[int, int]:
        """(mentions listed, unread by `agent`) from the counts the database keeps
        (schema step 19), at the same cost at any size. Snoozed mentions are not
        listed; those whose snooze is due but not yet woken are, and are counted
        through their partial index (a few, for as long as a poll takes to wake them)."""
        row = await self._one(f"SELECT {STATS}", {"agent": agent, "now": now_ms})
        if due_uncounted(row):
            raise DueUncounted
        return listed_unread(row)

    async def count(self, query: Query, agent: str, upto: int | None = None, *, now_ms: int) -> int:
        """Rows matching `query`, only those with id <= `upto` if it is given."""
        bound = "m.id <= :upto" if upto is not None else "true"
        if query.is_empty:
            # A bare count of the table, less the snoozed through their partial index:
            # neither reads a mention row.
            sql = f"""
                SELECT ({self._stored(upto)})
                     - (SELECT count(*) FROM mentions m
                        WHERE m.snoozed_until_ms > :now AND {bound})
            """
            params: dict[str, Any] = {"upto": upto, "now": now_ms}
        elif (expression := _fts_only(query)) is not None and expression not in self._hits:
            # Only full-text terms: the index counts its hits, less the snoozed among
            # them through their partial index; no mention is read (at 1M, "kestrel":
            # 170 ms, against 800 ms holding its hits and counting them).
            sql = f"""
                SELECT (SELECT count(*) FROM mentions_fts
                        WHERE mentions_fts MATCH :fts AND rowid <= :upto)
                     - (SELECT count(*) FROM mentions m {_SNOOZED}
                        WHERE m.snoozed_until_ms > :now AND m.id <= :upto AND m.id IN {_FTS_SET})
            """
            if upto is not None:
                expression = await self.vocabulary.expand(expression, upto, self.max_id)
            params = {"fts": expression, "upto": _NO_LIMIT if upto is None else upto, "now": now_ms}
        else:
            plan = await self._counting(query, agent, upto, now_ms)
            sql = f"SELECT count(*) FROM {plan.source} {plan.clause(bound)}"
            params = plan.params
        row = await self._one(sql, params)
        return int(row[0]) if row else 0

    def _stored(self, upto: int | None) -> str:
        """SQL of the number of mentions stored with ids up to :upto (all without it).
        PostgreSQL: the count the database keeps (schema step 19) less those stored
        after :upto, read by the primary key; counting its index there visits every
        page a write has touched since the last vacuum (at 1M, 200-390 ms against
        SQLite's 100 ms), and one statement sees one snapshot of both."""
        if engine_of(self.db.reader) == POSTGRESQL:
            newer = "WHERE m.id > :upto" if upto is not None else "WHERE false"
            return f"(SELECT total FROM mention_counts) - (SELECT count(*) FROM mentions m {newer})"
        bound = "m.id <= :upto" if upto is not None else "true"
        return f"SELECT count(*) FROM mentions m WHERE {bound}"

    async def count_capped(
        self, query: Query, agent: str, cap: int, upto: int | None = None, *, now_ms: int
    ) -> int:
        """As count, but it stops at `cap`: a count that reaches it says "at least". The
        hits of a word are read from the index as they come, so this costs `cap` rows
        however many there are."""
        if query.is_empty:
            return min(await self.count(query, agent, upto, now_ms=now_ms), cap)
        if engine_of(self.db.reader) == POSTGRESQL:
            found = await self._hits_capped(query, cap, upto, now_ms)
            if found is not None:
                return found
        plan = await self._counting(query, agent, upto, now_ms)
        plan.params["cap"] = cap
        bound = "m.id <= :upto" if upto is not None else "true"
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {plan.source} {plan.clause(bound)} LIMIT :cap)"
        row = await self._one(sql, plan.params)
        return int(row[0]) if row else 0

    async def _hits_capped(
        self, query: Query, cap: int, upto: int | None, now_ms: int
    ) -> int | None:
        """PostgreSQL: count_capped of a filter of full-text terms alone from the index's
        table, with no mention looked up for each hit (a hit costs a page of the index's
        table there, not an entry of the index as in FTS5: at 1M "postmortem" 135 ms
        against 239 ms joined). None when it cannot tell: snoozed hits and the cap met."""
        expression = _fts_only(query)
        if expression is None or expression in self._hits:
            return None
        if upto is not None:  # as count() reads it
            expression = await self.vocabulary.expand(expression, upto, self.max_id)
        row = await self._one(
            f"""
            SELECT (SELECT count(*) FROM (SELECT 1 FROM mentions_fts
                    WHERE mentions_fts MATCH :fts AND rowid <= :upto LIMIT :cap) AS hits),
                   (SELECT count(*) FROM mentions m {_SNOOZED}
                    WHERE m.snoozed_until_ms > :now AND m.id <= :upto AND m.id IN {_FTS_SET})
            """,
            {
                "fts": expression,
                "upto": _NO_LIMIT if upto is None else upto,
                "now": now_ms,
                "cap": cap,
            },
        )
        hits, snoozed = int(row[0]), int(row[1])
        if hits < cap:  # every hit counted: those listed are the hits less the snoozed
            return hits - snoozed
        return cap if snoozed == 0 else None  # at least `cap` listed, or the joined count

    async def _counting(self, query: Query, agent: str, upto: int | None, now_ms: int) -> _Plan:
        plan = await self._plan(query, agent, now_ms, paging=False, hits="lookup", upto=upto)
        plan.params["upto"] = upto
        plan.source = plan.source.replace(_JOINS, "")  # counting reads no author columns
        return plan

    async def count_before(
        self,
        query: Query,
        agent: str,
        key: Key,
        upto: int | None,
        order: Order = Order.NEWEST,
        *,
        now_ms: int,
    ) -> int:
        """How many rows come before `key` in `order` (its position, were it listed)."""
        if query.is_empty:
            # As count() does: the rows above it, read from the order's index alone,
            # less the snoozed ones among them, through their partial index.
            rank = "m.priority_rank" if order is Order.PRIORITY else "m.created_ms"
            above = f"({rank}, m.id) > (:kc, :ki) AND m.id <= :upto"
            sql = (
                f"SELECT (SELECT count(*) FROM mentions m WHERE {above}) - (SELECT count(*) "
                f"FROM mentions m {_SNOOZED} WHERE m.snoozed_until_ms > :now AND {above})"
            )
            params: dict[str, Any] = {
                "kc": key[0],
                "ki": key[1],
                "upto": upto or 2**62,
                "now": now_ms,
            }
        else:
            plan = await self._listed(query, agent, now_ms, order=order)
            rank, tie = _key_columns(order)
            plan.params["kc"], plan.params["ki"] = key
            extra = [f"({rank}, {tie}) > (:kc, :ki)", *_upto(plan, upto)]
            clause = plan.clause(*(part.replace("k.", f"{plan.key_table}.") for part in extra))
            sql, params = f"SELECT count(*) FROM {plan.source} {clause}", plan.params
        row = await self._one(sql, params)
        return int(row[0]) if row else 0

    async def count_unread(
        self,
        query: Query,
        agent: str,
        now_ms: int,
        within: tuple[int, int] | None = None,
        *,
        unread: bool = True,
    ) -> int:
        """Mentions matching `query` that `agent` has not read, of all stored now (a
        view's count in the view bar); `within` (after, upto): of those with ids in that
        range alone (what arrived since a count), at the cost of what arrived.
        `unread=False`: read or not (whether a mention read elsewhere is the view's)."""
        # Within a range, each mention in it is looked at (by_id): no driving table of
        # every post with a hashtag, and no index of the channel's million rows.
        # The range's mentions are committed (a view counts what another read found
        # stored), so its prefix words may be spelled out (see _plan).
        plan = await self._plan(
            query,
            agent,
            now_ms,
            paging=False,
            within=within,
            by_id=bool(within),
            upto=within[1] if within else None,
        )
        # As in tally: counting needs no author or customer columns (2-4x faster at 1M).
        source = plan.source.replace(_JOINS, "")
        if within is not None and source.strip() == "mentions m":
            source = "mentions m NOT INDEXED"  # the id range, read by rowid, drives
        clause = plan.clause(_UNREAD) if unread else plan.clause()
        row = await self._one(f"SELECT count(*) FROM {source} {clause}", plan.params)
        return int(row[0]) if row else 0

    async def count_newer(
        self, query: Query, agent: str, key: Key, upto: int | None = None, *, now_ms: int
    ) -> int:
        """How many rows matching `query` come before `key` in stream order: the
        position of the row at `key` in its list."""
        plan = await self._plan(query, agent, now_ms, paging=False)
        plan.params["kc"], plan.params["ki"] = key
        extra = ["(k.created_ms, k.id) > (:kc, :ki)", *_upto(plan, upto)]
        clause = plan.clause(*(part.replace("k.", f"{plan.key_table}.") for part in extra))
        source = plan.source.replace(_JOINS, "")  # counting reads no author columns
        row = await self._one(f"SELECT count(*) FROM {source} {clause}", plan.params)
        return int(row[0]) if row else 0

    async def matching(
        self, query: Query, agent: str, after: int, upto: int, now_ms: int
    ) -> tuple[str, dict[str, Any]]:
        """A statement selecting the ids of mentions matching `query` stored after id
        `after` up to `upto`, and its parameters: one query over a batch (what a rule
        acts on), runnable inside a write transaction. Snoozed mentions count: a rule
        sees what the rules before it did."""
        plan = await self._plan(
            query, agent, now_ms, within=(after, upto), hide_snoozed=False, paging=False
        )
        # As for a tally: the conditions read no author or customer columns.
        source = plan.source.replace(_JOINS, "")
        return f"SELECT m.id FROM {source} {plan.clause()} ORDER BY m.id", plan.params

    async def _arrived(self, query: Query, agent: str, after: int, upto: int, now_ms: int) -> _Plan:
        # Full-text terms are looked up in the index for that range of ids alone: a
        # poll never waits for every hit of a search to be held. The range's rows are
        # committed (this connection read `upto`), so prefix words may be spelled out.
        return await self._plan(
            query, agent, now_ms, by_id=True, paging=False, within=(after, upto), upto=upto
        )

    async def arrivals(
        self, query: Query, agent: str, after: int, upto: int, limit: int, *, now_ms: int
    ) -> list[MentionRow]:
        """Up to `limit` matching mentions stored after id `after`, up to `upto`, in the
        order they were stored. Costs what arrived, whatever the table's size."""
        plan = await self._arrived(query, agent, after, upto, now_ms)
        plan.params["limit"] = limit
        # A collector's commit (a few ids) is read on the event loop's thread
        # (Database.fetch_quick). A big one, under a filter that few of its rows pass,
        # may walk thousands of rows to find `limit`: on the reader's thread, so keys
        # are answered meanwhile.
        quick = upto - after <= QUICK_ARRIVALS
        return await self._select(plan, [], "m.id", "LIMIT :limit", quick=quick)

    async def tally(
        self,
        query: Query,
        agent: str,
        after: int,
        upto: int,
        keys: Sequence[Key],
        order: Order = Order.NEWEST,
        *,
        now_ms: int,
    ) -> tuple[int, list[int]]:
        """How many matching mentions were stored after id `after` up to `upto`, and how
        many of them come before each of `keys` in `order`."""
        plan = await self._arrived(query, agent, after, upto, now_ms)
        # Counting needs no author or customer columns; every mention has its author.
        source = plan.source.replace(_JOINS, "")
        rank = "m.priority_rank" if order is Order.PRIORITY else "m.created_ms"
        sums = []
        for index, key in enumerate(keys):
            plan.params[f"c{index}"], plan.params[f"i{index}"] = key
            sums.append(f", coalesce(sum(({rank}, m.id) > (:c{index}, :i{index})), 0)")
        sql = f"SELECT count(*){''.join(sums)} FROM {source} {plan.clause()}"
        row = await self._one(sql, plan.params)
        values = [int(value) for value in row] if row else [0] * (len(keys) + 1)
        return values[0], values[1:]
