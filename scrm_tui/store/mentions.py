"""Mention queries: idempotent batch insert, keyset pages, counts, status and reads."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import aiosqlite

from scrm_tui.core.domains import links_from_json
from scrm_tui.core.models import (
    MentionDetail,
    MentionRow,
    NewMention,
    Order,
    ParentPost,
    Sentiment,
    Status,
)
from scrm_tui.core.priority import UNSCORED_RANK, PriorityWeights
from scrm_tui.core.query import Query, fts_expression
from scrm_tui.core.team import CLAIM_TTL_MS
from scrm_tui.store import authors, history, standing
from scrm_tui.store.db import BUSY_TIMEOUT_MS, Database, fetch_all, fetch_one
from scrm_tui.store.fts_terms import Vocabulary, has_prefix, one_word, quoted, term_count
from scrm_tui.store.priority import scored
from scrm_tui.store.schema import FTS_TEXT

if TYPE_CHECKING:
    from scrm_tui.core.query_terms import Node

# A filter's terms (core/query_terms) and their SQL (store/filter_sql) are loaded with
# the first filter that has any: the inbox's first page, unfiltered, needs neither.

Key = tuple[int, int]  # a row's place in its order: (created_ms, id) or (priority_rank, id)
SNIPPET_CHARS = 400
DENSE = 200  # a search matching 1 in this many mentions or more pages by priority index
_CHUNK = 500
# What ingest writes of a new mention (insert_batch), in the order of its values.
_NEW_COLUMNS = (
    "channel, external_id, url, author_id, text, created_ms, ingested_ms, in_reply_to, "
    "compound, pos, neu, neg, root_id, matched, text_length, points, priority_base, "
    "priority, priority_rank, lang, lang_conf, lang_src, link, watch_set"
)
_NEW_MARKS = ", ".join("?" * (_NEW_COLUMNS.count(",") + 1))
_BRAND_COLUMNS = _NEW_COLUMNS.removesuffix(", watch_set")
T = TypeVar("T")
# How a filter's full-text part is read when its hits are not held in a temp table:
# "walk" the list's order and look each row up in the set of hits (a page: a few
# rows, found near the top however common the word), or read the hits from the index
# and look each mention up ("lookup": a count, or a capped count that stops early).
# Once held ("table"), the temp table serves every read.
Hits = Literal["table", "walk", "lookup"]
_NO_LIMIT = 2**62
# Whether a page looks each row up in the index ("probe") or holds every hit first is
# chosen from the term's share of the newest _SAMPLE ids, by what each was measured to
# cost: a probe 0.07-0.3 ms per term per row looked at (10M: a page of "kestrel" in
# 8 ms; 1M: 0.3 ms a row where the probe finds nothing), the dearer figure taken;
# holding ~0.1 us per hit (10M: "kestrel", 6.7M hits, 720 ms; "postmortem", 150k, 17 ms).
_SAMPLE = 20_000
_PAGE_ROWS = 100
_PROBE_MS = 0.3
_HOLD_MS = 0.0001
# A word's term with this many hits or more is probed row by row, one with fewer held
# (read whole, once): holding 50k hits costs about what probing a page does (~5 ms).
_PROBED_HITS = 50_000
_FTS_SET = "(SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH :fts)"
# The first page of a word whose hits are not held is read from its newest hits by id
# (the index gives them newest first for nothing) if no mention stored before them
# comes above the page: holding "postmortem"'s 150k hits at 10M to walk the list costs
# 18 ms, these reads 2. Hits read per row of the page; rows above the page looked at
# for one stored earlier, and how many of those are probed, before the usual plan.
_NEWEST_REACH = 2
_NEWEST_SCAN = 100_000
_NEWEST_PROBED = 32
# Temp tables live per connection and stores may share one (each view's counter):
# their names are unique in the process.
_HITS_SERIAL = itertools.count(1)
_UNREAD = (
    "NOT EXISTS (SELECT 1 FROM mention_reads r WHERE r.mention_id = m.id AND r.agent = :agent)"
)
# Full-text hits kept materialised, one temp table per expression: a list's filter,
# the search `n` steps through, the parts of an OR... Beyond this, the least recently
# used is dropped.
_HITS_KEPT = 8
# Snoozed mentions leave every list unless the filter names is:snoozed.
_AWAKE = "(m.snoozed_until_ms IS NULL OR m.snoozed_until_ms <= :now)"

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


def _existing_queries(keys: list[tuple[str, str]]) -> Iterator[tuple[str, list[str]]]:
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        values = ",".join("(?, ?)" for _ in chunk)
        sql = f"""
            WITH wanted(channel, external_id) AS (VALUES {values})
            SELECT w.channel, w.external_id FROM wanted w
            WHERE EXISTS (SELECT 1 FROM mentions m
                          WHERE m.channel = w.channel AND m.external_id = w.external_id)
        """
        yield sql, [part for key in chunk for part in key]


@lru_cache(maxsize=4)
def _read_only(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def existing_ids_now(path: str, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The same lookup, synchronous, for a worker process (its own read-only connection)."""
    conn = _read_only(path)
    found: set[tuple[str, str]] = set()
    for sql, params in _existing_queries(keys):
        found.update((row[0], row[1]) for row in conn.execute(sql, params))
    return found


@dataclass
class _Plan:
    """A filter compiled to SQL: where the rows come from and what they must meet."""

    source: str  # FROM clause
    where: list[str]
    params: dict[str, Any]
    key_table: str  # alias of the table whose (created_ms, id) orders the stream

    def clause(self, *extra: str) -> str:
        parts = [*self.where, *extra]
        return ("WHERE " + " AND ".join(parts)) if parts else ""


def _key_columns(order: Order) -> tuple[str, str]:
    """The columns that order a list, in SQL: by rank (priority) or by time (`k.`: the
    plan's key table)."""
    if order is Order.PRIORITY:
        return "m.priority_rank", "m.id"
    return "k.created_ms", "k.id"


def _in_fts(part: Node) -> bool:
    """Whether a top-level term is part of the plan's FTS expression (kept or left out)."""
    from scrm_tui.core.query_terms import Not

    if isinstance(part, Not):
        return fts_expression(part.part) is not None
    return fts_expression(part) is not None


def _fts_only(query: Query) -> str | None:
    """The FTS expression of a filter whose every term full-text search answers (the
    words left out too), or None."""
    expression = query.fts_match()
    if expression is None or not all(_in_fts(part) for part in query.conjuncts()):
        return None
    excluded = query.fts_excluded()
    return expression if excluded is None else f"({expression}) NOT ({excluded})"


def _bound(params: dict[str, Any], expression: str) -> str:
    """A parameter of its own for an FTS expression."""
    name = f"fts{len(params)}"
    params[name] = expression
    return f":{name}"


def _probed(match: str) -> str:
    """True for a row the FTS expression bound as `match` holds, looked up by id."""
    return f"EXISTS (SELECT 1 FROM mentions_fts WHERE mentions_fts MATCH {match} AND rowid = m.id)"


def _upto(plan: _Plan, upto: int | None) -> list[str]:
    """The condition that leaves out mentions stored after id `upto` (if given)."""
    if upto is None:
        return []
    plan.params["upto"] = upto
    return ["m.id <= :upto"]


def _older(
    plan: _Plan, key: Key | None, limit: int, upto: int | None, order: Order = Order.NEWEST
) -> list[str]:
    """The conditions of a page after `key` in `order` (`k.`: the key table)."""
    extra = _upto(plan, upto)
    if key is not None:
        plan.params["kc"], plan.params["ki"] = key
        rank, tie = _key_columns(order)
        extra.append(f"({rank}, {tie}) < (:kc, :ki)")
    plan.params["limit"] = limit
    return extra


def _id_chunks(ids: Sequence[int], params: dict[str, Any], mark: str) -> Iterator[str]:
    """`ids` a chunk at a time, each bound into `params` (as :<mark>0, :<mark>1, ...);
    yields the condition `m.id IN (...)` for the chunk bound last."""
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        params.update({f"{mark}{n}": value for n, value in enumerate(chunk)})
        yield "m.id IN (" + ",".join(f":{mark}{n}" for n in range(len(chunk))) + ")"


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


class MentionStore:
    """Queries over mentions for one database. Reads use the reader connection."""

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
        self.vocabulary = Vocabulary(self._terms)
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

    # ---------------------------------------------------------------- writing

    async def existing_ids(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (channel, external_id) pairs are already stored."""
        found: set[tuple[str, str]] = set()
        for sql, params in _existing_queries(list(keys)):
            found.update((row[0], row[1]) for row in await self._all(sql, params))
        return found

    async def insert_batch(
        self,
        rows: Sequence[NewMention],
        now_ms: int,
        own_parts: Sequence[float] | None = None,
        weights: PriorityWeights | None = None,
    ) -> list[int]:
        """Store mentions and their authors in one transaction; return the new ids.

        A mention already stored (same channel and external id) is left as it is, so
        ingesting the same input twice stores nothing twice. With `own_parts` (each
        row's own part of its priority under `weights`) each is stored with its
        priority; StaleWeights if the stored weights changed meanwhile.
        """
        if not rows:
            return []
        async with self.db.transaction() as conn:
            before = (await fetch_one(conn, "SELECT coalesce(max(id), 0) FROM mentions") or (0,))[0]
            ids, profiles = await authors.resolve(conn, self._authors, rows)
            author_ids = [ids[(r.channel, r.handle_key)] for r in rows]
            if own_parts is not None and weights is not None:
                scores = await scored(
                    conn,
                    weights,
                    [
                        (author, r.created_ms, own)
                        for author, r, own in zip(author_ids, rows, own_parts, strict=True)
                    ],
                )
                parts: Sequence[float | None] = own_parts
            else:
                scores = [(None, UNSCORED_RANK)] * len(rows)  # type: ignore[list-item]
                parts = [None] * len(rows)
            # Staged, then moved in one statement: an INSERT runs the mention_counts
            # trigger's setup each time it is executed, 16 µs a row when each row is its
            # own execution, once a batch here (28 µs a row against 12). The trigger
            # still counts every row, and ids follow the batch's order.
            await conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS mentions_new ({_NEW_COLUMNS})")
            await conn.executemany(
                f"INSERT INTO mentions_new ({_NEW_COLUMNS}) VALUES ({_NEW_MARKS})",
                [
                    (
                        r.channel,
                        r.external_id,
                        r.url,
                        author,
                        r.text,
                        r.created_ms,
                        now_ms,
                        r.in_reply_to,
                        r.compound,
                        r.pos,
                        r.neu,
                        r.neg,
                        r.root,
                        r.matched,
                        None if r.full_text is None else len(r.full_text),
                        r.points,
                        own,
                        priority,
                        rank,
                        r.lang,
                        r.lang_conf,
                        r.lang_src,
                        r.link,
                        r.watch_set or None,  # NULL: the brand's own (schema step 31)
                    )
                    for r, author, own, (priority, rank) in zip(
                        rows, author_ids, parts, scores, strict=True
                    )
                ],
            )
            # A batch of the brand's own names no watch set (NULL is the brand's): the
            # statement a database from before competitors (schema 31) takes too.
            columns = _NEW_COLUMNS if any(r.watch_set for r in rows) else _BRAND_COLUMNS
            await conn.execute(
                f"INSERT INTO main.mentions ({columns}) "
                f"SELECT {columns} FROM mentions_new WHERE true ORDER BY rowid "
                "ON CONFLICT (channel, external_id) DO NOTHING"
            )
            await conn.execute("DELETE FROM mentions_new")
            stored = [
                row[0]
                for row in await fetch_all(
                    conn, "SELECT id FROM mentions WHERE id > ? ORDER BY id", (before,)
                )
            ]
            cut = [r for r in rows if r.full_text is not None]
            if cut and stored:
                # The whole text of a cut mention stored just now (not one known before).
                await conn.executemany(
                    "INSERT OR IGNORE INTO mention_originals (mention_id, text) "
                    "SELECT id, ? FROM mentions WHERE channel = ? AND external_id = ? AND id > ?",
                    [(r.full_text, r.channel, r.external_id, before) for r in cut],
                )
            if stored:
                await conn.execute(
                    f"INSERT INTO mentions_fts (rowid, text) "
                    f"SELECT id, {FTS_TEXT} FROM mentions WHERE id > ?",
                    (before,),
                )
                await _store_hashtags(conn, rows, before)
            # Advocacy's standing moves along as time passes, in a write made anyway:
            # once an hour, a few hundred authors (store/standing.py).
            await standing.keep_up(conn, now_ms)
        # Only now that the rows are committed may their ids be remembered.
        self._authors.update(profiles)
        return stored

    async def set_status(
        self, ids: Sequence[int], status: Status, agent: str, now_ms: int
    ) -> list[int]:
        """Set the shared status; record each real change in the history."""
        async with self.db.transaction() as conn:
            return await set_status_in(conn, ids, status, agent, now_ms)

    async def set_read(self, ids: Sequence[int], agent: str, read: bool, now_ms: int) -> None:
        # Reads are the agent's own: their inboxes learn of them from read_changes, and
        # every other agent's inbox has nothing to look at.
        async with self.db.transaction(wakes=False) as conn:
            await set_read_in(conn, ids, agent, read, now_ms)

    # ---------------------------------------------------------------- reading

    async def stats(self, agent: str, now_ms: int) -> tuple[int, int]:
        """(mentions listed, unread by `agent`) from the counts the database keeps
        (schema step 19), at the same cost at any size. Snoozed mentions are not
        listed; those whose snooze is due but not yet woken are, and are counted
        through their partial index (a few, for as long as a poll takes to wake them)."""
        row = await self._one(f"SELECT {STATS}", {"agent": agent, "now": now_ms})
        if due_uncounted(row):
            raise DueUncounted
        return listed_unread(row)

    async def max_id(self) -> int:
        row = await self._one("SELECT coalesce(max(id), 0) FROM mentions")
        return int(row[0]) if row else 0

    async def _plan(
        self,
        query: Query,
        agent: str,
        now_ms: int,
        *,
        by_id: bool = False,
        hide_snoozed: bool = True,
        paging: bool = True,
        within: tuple[int, int] | None = None,
        hits: Hits = "table",
        upto: int | None = None,
    ) -> _Plan:
        """`by_id`: for a range of ids (what arrived), drive from mentions by id.
        `hits`: how full-text terms are read while their hits are not held (see Hits).
        `hide_snoozed`: leave snoozed mentions out, as every list does, unless the
        filter names is:snoozed. `paging`: the plan reads a page (a few rows in stream
        order), not a count. `within` (after, upto): only mentions with ids in that
        range, their full-text terms looked up there alone (no temp table: the SQL runs
        on any connection, such as the writer inside a rule's transaction). `upto`: the
        caller reads only mentions stored up to this id, all committed, so prefix words
        not held may be spelled out as the terms stored up to then (store/fts_terms.py;
        never for a rule, whose batch the reader cannot see yet)."""
        params: dict[str, Any] = {"agent": agent, "now": now_ms}
        probes: list[str] = []
        where: list[str] = []
        source = f"mentions m {_JOINS}"
        order_table = "m"
        # The terms that must hold and that full-text search answers alone are one
        # FTS expression; the rest are conditions.
        expression = query.fts_match()
        excluded = query.fts_excluded()
        fts_range = ""
        if within is not None:
            params["after"], params["upto"] = within
            where.append("m.id > :after AND m.id <= :upto")
            fts_range = " AND rowid > :after AND rowid <= :upto"
        if expression is not None and within is not None:
            params["fts"] = expression if excluded is None else f"({expression}) NOT ({excluded})"
            if upto is not None:
                # A poll's few rows: spelled out, the index reads the word's hits in the
                # range alone; as a prefix it merges all of them first (823 ms a poll
                # for "kestrel" at 10M, against 0.2 ms and a vocabulary read of ~13).
                params["fts"] = await self.vocabulary.expand(params["fts"], upto, self.max_id)
            where.append(
                f"m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH :fts{fts_range})"
            )
        elif expression is not None:
            if excluded is not None:
                expression = f"({expression}) NOT ({excluded})"
            if hits != "table" and expression not in self._hits:
                # Holding every hit first costs what they are (550 ms for "kestrel" at
                # 1M mentions, seconds at 10M) before the first row shows.
                whole = expression
                if upto is not None:
                    expression = await self.vocabulary.expand(expression, upto, self.max_id)
                params["fts"] = expression
                parts = [part for part in query.conjuncts() if _in_fts(part)]
                if hits == "walk" and upto is not None and len(parts) == 1:
                    # Dense: the order's index drives, each row looked up (at the end).
                    probes = await self._probes(parts[0], expression, upto, params)
                if hits == "walk" and not probes:
                    # `+`: the set of hits is only looked in; the order's index drives.
                    # Held whole, several terms read as prefixes cost less than as many
                    # ORs of terms merged by FTS5 ("kestrel -sync" at 1M: 300 / 660 ms).
                    params["fts"] = expression if len(parts) == 1 else whole
                    where.append(f"+m.id IN {_FTS_SET}")
                elif hits == "lookup":
                    source = f"mentions_fts f CROSS JOIN mentions m ON m.id = f.rowid {_JOINS}"
                    where.append("mentions_fts MATCH :fts")
            elif by_id:
                table = await self._ensure_hits(expression)
                where.append(
                    f"EXISTS (SELECT 1 FROM temp.{table} h "
                    "WHERE h.created_ms = m.created_ms AND h.id = m.id)"
                )
            else:
                table = await self._ensure_hits(expression)
                # Drive from the materialised hits (ordered by their primary key) so a
                # page of a rare word costs as little as a page of a common one.
                source = f"temp.{table} h CROSS JOIN mentions m ON m.id = h.id {_JOINS}"
                order_table = "h"
        elif excluded is not None:
            if upto is not None:
                excluded = await self.vocabulary.expand(excluded, upto, self.max_id)
            params["excluded"] = excluded
            where.append(
                "m.id NOT IN (SELECT rowid FROM mentions_fts "
                f"WHERE mentions_fts MATCH :excluded{fts_range})"
            )
        rest = [part for part in query.conjuncts() if not _in_fts(part)]
        if rest:
            from scrm_tui.core.query_terms import Hashtag
            from scrm_tui.store.filter_sql import FilterSql
        tag = next((part for part in rest if isinstance(part, Hashtag)), None)
        if source.startswith("mentions m") and not by_id and tag is not None:
            # A hashtag's posts in stream order are a range of its primary key: a page
            # reads them as it reads the hits of a word, however rare the tag.
            rest.remove(tag)
            params["driver_tag"] = tag.tag
            source = (
                "(SELECT created_ms, mention_id AS id FROM mention_hashtags "
                f"WHERE tag = :driver_tag) h CROSS JOIN mentions m ON m.id = h.id {_JOINS}"
            )
            order_table = "h"
        if rest:
            counts = self._count_of if paging else None
            sql = FilterSql(
                params,
                now_ms,
                self._ensure_hits,
                probe=by_id,
                counts=counts,
                ranged=within is not None,
            )
            for part in rest:
                where.append(await sql.condition(part))
        if hide_snoozed and not query.shows_snoozed:
            where.append(_AWAKE)
        # Last: each row is looked up in the index only once the cheaper conditions
        # kept it.
        where.extend(probes)
        return _Plan(source=source, where=where, params=params, key_table=order_table)

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

    async def _probes(
        self, part: Node, spelled: str, upto: int, params: dict[str, Any]
    ) -> list[str]:
        """The condition a page probes the index with, row by row, for the filter's one
        full-text term (a word, a phrase, an OR of them); none where holding the hits
        costs less (see _probe_pays). Only for one term: a second one, or a `-`, could
        reject row after row that the first one's share of the newest ids counted as
        hits, each rejection a probe (at 1M, `kestrel -sync` probed past the 10,000
        newest posts, all with both words: 3 s)."""
        from scrm_tui.core.query_terms import Not

        expression = fts_expression(part)
        if expression is None or isinstance(part, Not):
            return []
        condition, probed = await self._probe(expression, upto, params)
        if not await self._probe_pays(spelled, upto, probed):
            return []
        return [condition]

    async def _probe(self, expression: str, upto: int, params: dict[str, Any]) -> tuple[str, int]:
        """(SQL true for a row `expression` matches, looked up by its id; how many terms
        each row costs a seek in). One word spelled out probes only its terms with many
        hits (its own and the like); the rest, few, are held."""
        word = one_word(expression)
        others = self.vocabulary.others(word, upto) if word is not None else None
        if word is None or others is None:
            spelled = await self.vocabulary.expand(expression, upto, self.max_id)
            return _probed(_bound(params, spelled)), term_count(spelled)
        probed = [word, *(term for term, hits in others if hits >= _PROBED_HITS)]
        held = [term for term, hits in others if hits < _PROBED_HITS]
        condition = _probed(_bound(params, " OR ".join(quoted(term) for term in probed)))
        if held:
            hold = _bound(params, " OR ".join(quoted(term) for term in held))
            condition = (
                f"({condition} OR +m.id IN "
                f"(SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH {hold}))"
            )
        return condition, len(probed)

    async def _probe_pays(self, expression: str, upto: int, probed: int) -> bool:
        """Whether a page of `expression` (no prefix left in it) costs less looking each
        row of the list up in the index than holding every hit first: the hits' share
        of the newest ids, read lazily from the index, says how many rows a page looks
        at and how many hits there are to hold."""
        known = self._probing.get(expression)
        if known is not None:
            return known
        pays = False
        if not has_prefix(expression):
            start = max(upto - _SAMPLE, 0)
            row = await self._one(
                "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH ? "
                "AND rowid > ? AND rowid <= ?",
                (expression, start, upto),
            )
            share = (int(row[0]) if row else 0) / max(upto - start, 1)
            if share > 0:
                probing = _PAGE_ROWS / share * _PROBE_MS * probed
                pays = probing < share * upto * _HOLD_MS
        self._probing[expression] = pays
        while len(self._probing) > _HITS_KEPT:
            self._probing.popitem(last=False)
        return pays

    async def _count_of(self, sql: str, value: object) -> int:
        row = await self._one(sql, (value,))
        return int(row[0]) if row else 0

    async def _ensure_hits(self, expression: str) -> str:
        """The temp table holding the full-text matches of `expression`, made once and
        brought up to date with what was stored since."""
        newest = await self.max_id()
        kept = self._hits.get(expression)
        if kept is not None:
            self._hits.move_to_end(expression)
            table, covered = kept
            if newest > covered:
                await self._run(
                    f"""INSERT OR IGNORE INTO temp.{table} (created_ms, id)
                        SELECT m.created_ms, m.id FROM mentions m
                        WHERE m.id IN (SELECT rowid FROM mentions_fts
                                       WHERE mentions_fts MATCH ? AND rowid > ? AND rowid <= ?)""",
                    (expression, covered, newest),
                )
                self._hits[expression] = (table, newest)
            return table
        while len(self._hits) >= _HITS_KEPT:
            _, (old, _) = self._hits.popitem(last=False)
            await self._run(f"DROP TABLE IF EXISTS temp.{old}")
        table = f"{self._temp_prefix}_{next(self._hits_serial)}"
        await self._run(
            f"CREATE TEMP TABLE {table} (created_ms INTEGER NOT NULL, id INTEGER NOT NULL, "
            "PRIMARY KEY (created_ms, id)) WITHOUT ROWID"
        )
        try:
            await self._run(
                f"""INSERT OR IGNORE INTO temp.{table} (created_ms, id)
                    SELECT m.created_ms, m.id FROM mentions_fts f JOIN mentions m ON m.id = f.rowid
                    WHERE mentions_fts MATCH ? AND m.id <= ?""",
                (expression, newest),
            )
        except BaseException:
            await self._run(f"DROP TABLE IF EXISTS temp.{table}")
            raise
        self._hits[expression] = (table, newest)
        return table

    async def _listed(
        self,
        query: Query,
        agent: str,
        now_ms: int,
        *,
        by_id: bool = False,
        order: Order = Order.NEWEST,
        hits: Hits = "table",
        upto: int | None = None,
    ) -> _Plan:
        """The plan of a list, whose rows come in an order (`_plan` says which rows)."""
        plan = await self._plan(query, agent, now_ms, by_id=by_id, hits=hits, upto=upto)
        if order is Order.PRIORITY and plan.key_table != "m" and await self._dense(plan):
            # A search's matches are held in time order: by priority, a page of a
            # common word would sort all of them (2 s for "kestrel" at 1M). Where they
            # are dense, walk the priority index and look each mention up among them.
            plan = await self._plan(query, agent, now_ms, by_id=True)
        return plan

    async def _dense(self, plan: _Plan) -> bool:
        """The rows driving the plan (a search's hits, a hashtag's posts) are at least 1
        in DENSE mentions: a page by priority then looks up at most DENSE * page of
        them; a sparser one sorts its few."""
        driver = plan.source.split(" CROSS JOIN ", 1)[0]
        tag = plan.params.get("driver_tag")
        cached = self._hit_counts.get(driver, {}).get(tag)
        if cached is None:
            row = await self._one(f"SELECT count(*) FROM {driver}", {"driver_tag": tag})
            cached = int(row[0]) if row else 0
            self._hit_counts = {driver: {tag: cached}}
        return cached * DENSE >= await self.max_id()

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

    def _claims_live(self) -> int:
        """Claims with a heartbeat from this moment on are live (the rows' ✎)."""
        return self.now_ms() - CLAIM_TTL_MS

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

    async def count(self, query: Query, agent: str, upto: int | None = None, *, now_ms: int) -> int:
        """Rows matching `query`, only those with id <= `upto` if it is given."""
        bound = "m.id <= :upto" if upto is not None else "true"
        if query.is_empty:
            # A bare count of the table, less the snoozed through their partial index:
            # neither reads a mention row.
            sql = f"""
                SELECT (SELECT count(*) FROM mentions m WHERE {bound})
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

    async def count_capped(
        self, query: Query, agent: str, cap: int, upto: int | None = None, *, now_ms: int
    ) -> int:
        """As count, but it stops at `cap`: a count that reaches it says "at least". The
        hits of a word are read from the index as they come, so this costs `cap` rows
        however many there are."""
        if query.is_empty:
            return min(await self.count(query, agent, upto, now_ms=now_ms), cap)
        plan = await self._counting(query, agent, upto, now_ms)
        plan.params["cap"] = cap
        bound = "m.id <= :upto" if upto is not None else "true"
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {plan.source} {plan.clause(bound)} LIMIT :cap)"
        row = await self._one(sql, plan.params)
        return int(row[0]) if row else 0

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

    async def listed_among(
        self, query: Query, agent: str, ids: Sequence[int], upto: int | None, *, now_ms: int
    ) -> list[MentionRow]:
        """Which of `ids` the list for `query` holds now (stored up to `upto`)."""
        rows: list[MentionRow] = []
        plan = await self._listed(query, agent, now_ms, by_id=True)
        for among in _id_chunks(ids, plan.params, "w"):
            rows.extend(await self._select(plan, [among, *_upto(plan, upto)], "m.id", ""))
        return rows

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


async def _store_hashtags(
    conn: aiosqlite.Connection, rows: Sequence[NewMention], before: int
) -> None:
    """The hashtags of the mentions stored just now (id > `before`), not of those
    already known."""
    await conn.executemany(
        "INSERT OR IGNORE INTO mention_hashtags (tag, created_ms, mention_id) "
        "SELECT ?, created_ms, id FROM mentions WHERE channel = ? AND external_id = ? AND id > ?",
        [(tag, r.channel, r.external_id, before) for r in rows for tag in r.hashtags],
    )


async def set_read_in(
    conn: aiosqlite.Connection, ids: Sequence[int], agent: str, read: bool, now_ms: int
) -> None:
    """Read or unread for `agent` (each agent has their own), in the caller's transaction."""
    if read:
        await conn.executemany(
            "INSERT OR IGNORE INTO mention_reads (mention_id, agent, read_ms) VALUES (?, ?, ?)",
            [(mention_id, agent, now_ms) for mention_id in ids],
        )
    else:
        await conn.executemany(
            "DELETE FROM mention_reads WHERE mention_id = ? AND agent = ?",
            [(mention_id, agent) for mention_id in ids],
        )


async def set_status_in(
    conn: aiosqlite.Connection, ids: Sequence[int], status: Status, agent: str, now_ms: int
) -> list[int]:
    """set_status inside the caller's transaction (a sent reply marks its mentions done)."""
    changed: list[int] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ",".join("?" * len(chunk))
        rows = list(
            await fetch_all(
                conn,
                f"""SELECT m.id, m.status, m.author_id, a.customer_id, m.channel
                FROM mentions m JOIN authors a ON a.id = m.author_id
                WHERE m.id IN ({marks}) AND m.status != ?""",
                [*chunk, status.value],
            )
        )
        if not rows:
            continue
        await conn.executemany(
            "UPDATE mentions SET status = ?, status_ms = ?, status_by = ? WHERE id = ?",
            [(status.value, now_ms, agent, row[0]) for row in rows],
        )
        await history.record(
            conn,
            [
                history.Entry(
                    "status",
                    now_ms,
                    agent,
                    f"marked {status.value}",
                    {"from": row[1], "to": status.value},
                    customer_id=row[3],
                    author_id=row[2],
                    mention_id=row[0],
                    channel=row[4],
                )
                for row in rows
            ],
        )
        changed.extend(row[0] for row in rows)
    return changed
