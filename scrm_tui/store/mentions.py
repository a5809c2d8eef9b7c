"""Mention queries: idempotent batch insert, keyset pages, counts, status and reads."""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import aiosqlite

from scrm_tui.core.models import (
    NEUTRAL_BAND,
    MentionDetail,
    MentionRow,
    NewMention,
    ParentPost,
    Sentiment,
    SentimentLabel,
    Status,
)
from scrm_tui.core.query import Query
from scrm_tui.store import authors
from scrm_tui.store.db import BUSY_TIMEOUT_MS, Database, fetch_all, fetch_one

Key = tuple[int, int]  # (created_ms, id): the stream's order, newest first
SNIPPET_CHARS = 400
_CHUNK = 500

# A mention's tags in one column, in order, separated by US (no tag holds a control).
_TAGS = """(SELECT group_concat(t.tag, char(31)) FROM
        (SELECT tag FROM mention_tags WHERE mention_id = m.id ORDER BY tag) t)"""
_ROW_COLUMNS = f"""
    m.id, m.channel, m.external_id, m.created_ms, a.handle, a.display_name, c.name, c.tier,
    m.compound, m.status,
    EXISTS (SELECT 1 FROM mention_reads r WHERE r.mention_id = m.id AND r.agent = :agent),
    substr(m.text, 1, {SNIPPET_CHARS}), a.match_state,
    m.assignee, {_TAGS},
    m.priority, m.snoozed_until_ms
"""

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
    )


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


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


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


def _upto(plan: _Plan, upto: int | None) -> list[str]:
    """The condition that leaves out mentions stored after id `upto` (if given)."""
    if upto is None:
        return []
    plan.params["upto"] = upto
    return ["m.id <= :upto"]


def _older(plan: _Plan, key: Key | None, limit: int, upto: int | None) -> list[str]:
    """The conditions of a page after `key` in stream order (`k.`: the key table)."""
    extra = _upto(plan, upto)
    if key is not None:
        plan.params["kc"], plan.params["ki"] = key
        extra.append("(k.created_ms, k.id) < (:kc, :ki)")
    plan.params["limit"] = limit
    return extra


class MentionStore:
    """Queries over mentions for one database. Reads use the reader connection."""

    def __init__(self, db: Database, *, temp_prefix: str = "hits"):
        """`temp_prefix`: names this store's temporary tables, so two stores can read
        different filters on one connection (the list, and a bulk action's ids)."""
        self.db = db
        self._hits: tuple[str, str] | None = None  # (fts expression, temp table)
        self._temp_prefix = temp_prefix
        self._hits_serial = itertools.count(1)
        self._hits_max_id = 0
        self._authors = authors.AuthorCache()

    # ---------------------------------------------------------------- writing

    async def existing_ids(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (channel, external_id) pairs are already stored."""
        found: set[tuple[str, str]] = set()
        for sql, params in _existing_queries(list(keys)):
            found.update((row[0], row[1]) for row in await fetch_all(self.db.reader, sql, params))
        return found

    async def insert_batch(self, rows: Sequence[NewMention], now_ms: int) -> list[int]:
        """Store mentions and their authors in one transaction; return the new ids.

        A mention already stored (same channel and external id) is left as it is, so
        ingesting the same input twice stores nothing twice.
        """
        if not rows:
            return []
        async with self.db.transaction() as conn:
            before = (await fetch_one(conn, "SELECT coalesce(max(id), 0) FROM mentions") or (0,))[0]
            ids, profiles = await authors.resolve(conn, self._authors, rows)
            await conn.executemany(
                """
                INSERT INTO mentions (channel, external_id, url, author_id, text, created_ms,
                                      ingested_ms, in_reply_to, compound, pos, neu, neg,
                                      root_id, matched, text_length)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (channel, external_id) DO NOTHING
                """,
                [
                    (
                        r.channel,
                        r.external_id,
                        r.url,
                        ids[(r.channel, r.handle_key)],
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
                    )
                    for r in rows
                ],
            )
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
                    "INSERT INTO mentions_fts (rowid, text) "
                    "SELECT id, text FROM mentions WHERE id > ?",
                    (before,),
                )
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
        async with self.db.transaction() as conn:
            await set_read_in(conn, ids, agent, read, now_ms)

    # ---------------------------------------------------------------- reading

    async def stats(self, agent: str) -> tuple[int, int]:
        """(all mentions, unread by `agent`) without scanning mention text."""
        total = (await fetch_one(self.db.reader, "SELECT count(*) FROM mentions") or (0,))[0]
        read = (
            await fetch_one(
                self.db.reader, "SELECT count(*) FROM mention_reads WHERE agent = ?", (agent,)
            )
            or (0,)
        )[0]
        return int(total), max(int(total) - int(read), 0)

    async def max_id(self) -> int:
        row = await fetch_one(self.db.reader, "SELECT coalesce(max(id), 0) FROM mentions")
        return int(row[0]) if row else 0

    async def _plan(self, query: Query, agent: str, *, by_id: bool = False) -> _Plan:
        """`by_id`: for a range of ids (what arrived), drive from mentions by id."""
        params: dict[str, Any] = {"agent": agent}
        where: list[str] = []
        source = f"mentions m {_JOINS}"
        order_table = "m"
        expression = query.fts_match()
        if expression is not None:
            excluded = query.fts_excluded()
            if excluded is not None:
                expression = f"({expression}) NOT ({excluded})"
            table = await self._ensure_hits(expression)
            if by_id:
                await self._extend_hits()
                where.append(
                    f"EXISTS (SELECT 1 FROM temp.{table} h "
                    "WHERE h.created_ms = m.created_ms AND h.id = m.id)"
                )
            else:
                # Drive from the materialised hits (ordered by their primary key) so a
                # page of a rare word costs as little as a page of a common one.
                source = f"temp.{table} h CROSS JOIN mentions m ON m.id = h.id {_JOINS}"
                order_table = "h"
        elif query.excluded:
            params["excluded"] = query.fts_excluded()
            where.append(
                "m.id NOT IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH :excluded)"
            )
        if query.status is not None:
            params["status"] = query.status.value
            where.append("m.status = :status")
        if query.unread is not None:
            exists = (
                "EXISTS (SELECT 1 FROM mention_reads r "
                "WHERE r.mention_id = m.id AND r.agent = :agent)"
            )
            where.append(f"NOT {exists}" if query.unread else exists)

        def bind(value: object) -> str:
            """A named parameter for `value`, for the conditions built below."""
            name = f"p{len(params)}"
            params[name] = value
            return f":{name}"

        # The kept side of each key, then the side a leading `-` leaves out.
        for negated, channels in ((False, query.channels), (True, query.not_channels)):
            if channels:
                marks = ", ".join(bind(name) for name in sorted(c.value for c in channels))
                where.append(f"m.channel {'NOT IN' if negated else 'IN'} ({marks})")
        for negated, labels in ((False, query.sentiments), (True, query.not_sentiments)):
            if labels:
                band = bind(NEUTRAL_BAND)
                tests = {
                    SentimentLabel.POSITIVE: f"m.compound >= {band}",
                    SentimentLabel.NEGATIVE: f"m.compound <= -{band}",
                    SentimentLabel.NEUTRAL: f"(m.compound > -{band} AND m.compound < {band})",
                }
                chosen = " OR ".join(tests[label] for label in SentimentLabel if label in labels)
                where.append(f"{'NOT ' if negated else ''}({chosen})")
        for negated, names in ((False, query.authors), (True, query.not_authors)):
            for author in names:
                pattern = bind(_like_pattern(author))
                where.append(
                    f"m.author_id {'NOT IN' if negated else 'IN'} (SELECT id FROM authors "
                    f"WHERE handle_key LIKE {pattern} ESCAPE '\\' "
                    f"OR display_name LIKE {pattern} ESCAPE '\\')"
                )
        for negated, literals in ((False, query.literals), (True, query.not_literals)):
            for literal in literals:
                pattern = bind(_like_pattern(literal))
                where.append(f"m.text {'NOT LIKE' if negated else 'LIKE'} {pattern} ESCAPE '\\'")
        return _Plan(source=source, where=where, params=params, key_table=order_table)

    async def _ensure_hits(self, expression: str) -> str:
        """Materialise the full-text matches of `expression` in a temp table, once."""
        if self._hits is not None and self._hits[0] == expression:
            return self._hits[1]
        conn = self.db.reader
        if self._hits is not None:
            await conn.execute(f"DROP TABLE IF EXISTS temp.{self._hits[1]}")
            self._hits = None
        table = f"{self._temp_prefix}_{next(self._hits_serial)}"
        await conn.execute(
            f"CREATE TEMP TABLE {table} (created_ms INTEGER NOT NULL, id INTEGER NOT NULL, "
            "PRIMARY KEY (created_ms, id)) WITHOUT ROWID"
        )
        self._hits_max_id = await self.max_id()
        await conn.execute(
            f"""INSERT OR IGNORE INTO temp.{table} (created_ms, id)
                SELECT m.created_ms, m.id FROM mentions_fts f JOIN mentions m ON m.id = f.rowid
                WHERE mentions_fts MATCH ? AND m.id <= ?""",
            (expression, self._hits_max_id),
        )
        self._hits = (expression, table)
        return table

    async def _extend_hits(self) -> None:
        """Add mentions stored since the hits were materialised."""
        if self._hits is None:
            return
        expression, table = self._hits
        newest = await self.max_id()
        if newest <= self._hits_max_id:
            return
        await self.db.reader.execute(
            f"""INSERT OR IGNORE INTO temp.{table} (created_ms, id)
                SELECT m.created_ms, m.id FROM mentions m
                WHERE m.id IN (SELECT rowid FROM mentions_fts
                               WHERE mentions_fts MATCH ? AND rowid > ? AND rowid <= ?)""",
            (expression, self._hits_max_id, newest),
        )
        self._hits_max_id = newest

    async def _select(
        self, plan: _Plan, extra: list[str], order: str, tail: str
    ) -> list[MentionRow]:
        # `k.` in keyset conditions and orderings names the plan's key table.
        key = f"{plan.key_table}."
        clause = plan.clause(*(part.replace("k.", key) for part in extra))
        sql = (
            f"SELECT {_ROW_COLUMNS} FROM {plan.source} {clause} "
            f"ORDER BY {order.replace('k.', key)} {tail}"
        )
        return [_row(values) for values in await fetch_all(self.db.reader, sql, plan.params)]

    async def page_older(
        self, query: Query, agent: str, key: Key | None, limit: int, upto: int | None = None
    ) -> list[MentionRow]:
        """Up to `limit` rows after `key` in stream order (older), newest first; with
        `upto`, only mentions stored up to that id (what a list has counted)."""
        plan = await self._plan(query, agent)
        extra = _older(plan, key, limit, upto)
        return await self._select(plan, extra, "k.created_ms DESC, k.id DESC", "LIMIT :limit")

    async def keys_older(
        self,
        query: Query,
        agent: str,
        key: Key | None,
        limit: int,
        upto: int | None,
        only: str | None = None,
    ) -> list[Key]:
        """As page_older, only the keys (what a bulk action reads its ids from); `only`:
        of those only the "open", "done", "unread", "read" (by `agent`) or
        "untagged:TAG" ones."""
        plan = await self._plan(query, agent)
        table = f"{plan.key_table}."
        extra = [part.replace("k.", table) for part in _older(plan, key, limit, upto)]
        if only is not None:
            extra.append(_only(only, plan.params))
        clause = plan.clause(*extra)
        sql = (
            f"SELECT {table}created_ms, {table}id FROM {plan.source} {clause} "
            f"ORDER BY {table}created_ms DESC, {table}id DESC LIMIT :limit"
        )
        return [(int(c), int(i)) for c, i in await fetch_all(self.db.reader, sql, plan.params)]

    async def matching_among(
        self, query: Query, agent: str, ids: Sequence[int], upto: int | None
    ) -> list[int]:
        """Which of `ids` `query` matches now (among mentions stored up to `upto`)."""
        found: list[int] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            plan = await self._plan(query, agent)
            marks = ",".join(f":i{n}" for n in range(len(chunk)))
            plan.params.update({f"i{n}": value for n, value in enumerate(chunk)})
            clause = plan.clause(*_upto(plan, upto), f"m.id IN ({marks})")
            sql = f"SELECT m.id FROM {plan.source} {clause}"
            found.extend(int(row[0]) for row in await fetch_all(self.db.reader, sql, plan.params))
        return found

    async def ids_among(self, ids: Sequence[int], agent: str, only: str) -> list[int]:
        """Which of `ids` meet `only` (as in keys_older)."""
        found: list[int] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            params: dict[str, Any] = {f"i{n}": value for n, value in enumerate(chunk)}
            params["agent"] = agent
            marks = ",".join(f":i{n}" for n in range(len(chunk)))
            sql = f"SELECT m.id FROM mentions m WHERE m.id IN ({marks}) AND {_only(only, params)}"
            found.extend(int(row[0]) for row in await fetch_all(self.db.reader, sql, params))
        return found

    async def page_newer(
        self, query: Query, agent: str, key: Key, limit: int, upto: int | None = None
    ) -> list[MentionRow]:
        """Up to `limit` rows just before `key` in stream order (newer), newest first."""
        plan = await self._plan(query, agent)
        plan.params["kc"], plan.params["ki"] = key
        plan.params["limit"] = limit
        rows = await self._select(
            plan,
            ["(k.created_ms, k.id) > (:kc, :ki)", *_upto(plan, upto)],
            "k.created_ms ASC, k.id ASC",
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
    ) -> list[MentionRow]:
        """Rows at positions [offset, offset+limit) for a far jump.

        Reads from whichever end is nearer, so `G` on a million rows costs the same as
        `g`; only a jump into the middle pays for an OFFSET scan.
        """
        plan = await self._plan(query, agent)
        extra = _upto(plan, upto)
        if total is not None and offset > total - offset - limit:
            start_from_end = max(total - offset - limit, 0)
            count = min(limit, total - offset)
            plan.params["limit"], plan.params["offset"] = count, start_from_end
            rows = await self._select(
                plan, extra, "k.created_ms ASC, k.id ASC", "LIMIT :limit OFFSET :offset"
            )
            rows.reverse()
            return rows
        plan.params["limit"], plan.params["offset"] = limit, offset
        return await self._select(
            plan, extra, "k.created_ms DESC, k.id DESC", "LIMIT :limit OFFSET :offset"
        )

    async def count(self, query: Query, agent: str, upto: int | None = None) -> int:
        """Rows matching `query`, only those with id <= `upto` if it is given."""
        bound = "m.id <= :upto" if upto is not None else "true"
        if query.is_empty:
            sql = f"SELECT count(*) FROM mentions m WHERE {bound}"
            params: dict[str, Any] = {"upto": upto}
        else:
            plan = await self._plan(query, agent)
            plan.params["upto"] = upto
            sql = f"SELECT count(*) FROM {plan.source} {plan.clause(bound)}"
            params = plan.params
        row = await fetch_one(self.db.reader, sql, params)
        return int(row[0]) if row else 0

    async def _arrived(self, query: Query, agent: str, after: int, upto: int) -> _Plan:
        plan = await self._plan(query, agent, by_id=True)
        plan.params["after"], plan.params["upto"] = after, upto
        plan.where.append("m.id > :after AND m.id <= :upto")
        return plan

    async def arrivals(
        self, query: Query, agent: str, after: int, upto: int, limit: int
    ) -> list[MentionRow]:
        """Up to `limit` matching mentions stored after id `after`, up to `upto`, in the
        order they were stored. Costs what arrived, whatever the table's size."""
        plan = await self._arrived(query, agent, after, upto)
        plan.params["limit"] = limit
        return await self._select(plan, [], "m.id", "LIMIT :limit")

    async def tally(
        self, query: Query, agent: str, after: int, upto: int, keys: Sequence[Key]
    ) -> tuple[int, list[int]]:
        """How many matching mentions were stored after id `after` up to `upto`, and how
        many of them come before each of `keys` in stream order (are newer)."""
        plan = await self._arrived(query, agent, after, upto)
        # Counting needs no author or customer columns; every mention has its author.
        source = plan.source.replace(_JOINS, "")
        sums = []
        for index, (created_ms, mention_id) in enumerate(keys):
            plan.params[f"c{index}"], plan.params[f"i{index}"] = created_ms, mention_id
            sums.append(f", coalesce(sum((m.created_ms, m.id) > (:c{index}, :i{index})), 0)")
        sql = f"SELECT count(*){''.join(sums)} FROM {source} {plan.clause()}"
        row = await fetch_one(self.db.reader, sql, plan.params)
        values = [int(value) for value in row] if row else [0] * (len(keys) + 1)
        return values[0], values[1:]

    async def rows_by_id(self, ids: Sequence[int], agent: str) -> list[MentionRow]:
        rows: list[MentionRow] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            marks = ",".join(f":i{index}" for index in range(len(chunk)))
            params: dict[str, Any] = {f"i{index}": value for index, value in enumerate(chunk)}
            params["agent"] = agent
            sql = f"SELECT {_ROW_COLUMNS} FROM mentions m {_JOINS} WHERE m.id IN ({marks})"
            rows.extend(_row(values) for values in await fetch_all(self.db.reader, sql, params))
        return rows

    async def detail(self, mention_id: int, agent: str) -> MentionDetail | None:
        sql = f"""
            SELECT {_ROW_COLUMNS}, m.text, m.url, a.url, a.followers, m.pos, m.neu, m.neg,
                   m.in_reply_to, m.ingested_ms, c.id, c.company, a.id, a.match_score,
                   m.matched, m.text_length
            FROM mentions m {_JOINS} WHERE m.id = :id
        """
        values = await fetch_one(self.db.reader, sql, {"agent": agent, "id": mention_id})
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
        ) = values[17:]
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
            sentiment=Sentiment(compound=row.compound, pos=pos, neu=neu, neg=neg),
            in_reply_to=in_reply_to,
            parent=parent,
            ingested_ms=ingested_ms,
            customer_id=customer_id,
            customer_company=company,
            author_id=author_id,
            match_score=match_score,
            matched=matched,
            full_length=full_length,
        )

    async def export_page(self, after: Key | None, limit: int) -> list[dict[str, Any]]:
        """Full records in stream order, oldest first, for export; `text` is the whole
        text, also of a mention stored cut."""
        where = "WHERE (m.created_ms, m.id) > (?, ?)" if after else ""
        params: list[Any] = list(after) if after else []
        sql = f"""
            SELECT m.id, m.channel, m.external_id, m.url, coalesce(o.text, m.text),
                   m.created_ms, m.ingested_ms,
                   m.in_reply_to, m.compound, m.pos, m.neu, m.neg, m.status, m.status_by,
                   m.status_ms, a.handle, a.display_name, a.followers, a.url, c.id,
                   c.external_id, m.assignee, {_TAGS}
            FROM mentions m {_JOINS} LEFT JOIN mention_originals o ON o.mention_id = m.id
            {where}
            ORDER BY m.created_ms, m.id LIMIT ?
        """
        rows = await fetch_all(self.db.reader, sql, [*params, limit])
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
        )
        records = [dict(zip(names, row, strict=True)) for row in rows]
        for record in records:
            record["tags"] = _tags(record["tags"])
        return records


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
        await conn.executemany(
            """INSERT INTO interactions (kind, occurred_ms, actor, customer_id, author_id,
                                         mention_id, channel, summary, detail)
               VALUES ('status', ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    now_ms,
                    agent,
                    row[3],
                    row[2],
                    row[0],
                    row[4],
                    f"marked {status.value}",
                    json.dumps({"from": row[1], "to": status.value}),
                )
                for row in rows
            ],
        )
        changed.extend(row[0] for row in rows)
    return changed
