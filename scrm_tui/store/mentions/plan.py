"""How a filter's rows are found: the plan's record, its SQL pieces and the costs that choose it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from scrm_tui.core.models import Order
from scrm_tui.core.query import Query, fts_expression

if TYPE_CHECKING:
    from scrm_tui.core.query_terms import Node


# A filter's terms (core/query_terms) and their SQL (store/filter_sql) are loaded with
# the first filter that has any: the inbox's first page, unfiltered, needs neither.

Key = tuple[int, int]  # a row's place in its order: (created_ms, id) or (priority_rank, id)
DENSE = 200  # a search matching 1 in this many mentions or more pages by priority index
_CHUNK = 500
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
