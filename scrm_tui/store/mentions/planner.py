"""A filter's plan made: full-text hits probed or held, and the rows it lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrm_tui.core.models import Order
from scrm_tui.core.query import Query, fts_expression
from scrm_tui.store.fts_terms import has_prefix, one_word, quoted, term_count
from scrm_tui.store.mentions.base import _JOINS, MentionBase
from scrm_tui.store.mentions.plan import (
    _AWAKE,
    _FTS_SET,
    _HITS_KEPT,
    _HOLD_MS,
    _PAGE_ROWS,
    _PROBE_MS,
    _PROBED_HITS,
    _SAMPLE,
    DENSE,
    Hits,
    _bound,
    _in_fts,
    _Plan,
    _probed,
)

if TYPE_CHECKING:
    from scrm_tui.core.query_terms import Node

# A filter's terms and their SQL are loaded with the first filter that has any (plan.py).


class MentionPlans(MentionBase):
    """How a filter is read: its plan, the full-text hits probed or held, the rows listed."""

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
