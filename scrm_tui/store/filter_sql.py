"""A parsed filter compiled to SQL conditions on `mentions m`, values bound as parameters.

Conditions name no other table of the query they go into (only subqueries), so the
same condition serves a page (which joins authors and customers), a count and a tally
(which do not). Full-text parts are answered from temp tables of FTS hits that the
store materialises once per expression (see MentionStore._ensure_hits).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from scrm_tui.core import query_terms as t
from scrm_tui.core.models import NEUTRAL_BAND, SentimentLabel
from scrm_tui.core.query import fts_expression
from scrm_tui.core.team import CLAIM_TTL_MS

# Who sent a mention's first answer (its earliest sent reply or post, or one recorded
# as made by hand): the agent its response time counts for.
FIRST_RESPONDER = (
    "SELECT o.created_by FROM outbox_mentions om JOIN outbox o ON o.id = om.outbox_id "
    "WHERE om.mention_id = m.id AND o.state = 'sent' ORDER BY o.sent_ms, o.id LIMIT 1"
)

# is:question (core/query_terms.Question): a question mark that no letter, digit or
# link query (`?q=`, `?&`, `?/`) follows. GLOB: no escapes needed, case as typed.
QUESTION_MARKS = "?？؟"
QUESTION_SQL = (
    f"(m.text GLOB '*[{QUESTION_MARKS}]' OR m.text GLOB '*[{QUESTION_MARKS}][^A-Za-z0-9=&_%/-]*')"
)

# Materialises the FTS hits of an expression; returns the temp table holding them.
Hits = Callable[[str], Awaitable[str]]
# Runs a `SELECT count(*) ... WHERE x = ?` with one value.
Counts = Callable[[str, object], Awaitable[int]]
# A page of a tag with up to this many mentions reads them and sorts them; one with
# more finds its rows after a short scan of the stream in order (measured at 1M: a
# tag on 25k mentions 4 ms against 290 ms, one on 31 mentions 0.1 ms against 230 ms).
SMALL_SET = 1000


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class FilterSql:
    """Builds conditions into one parameter dict (`:agent` and `:now` are bound by the
    caller: the agent looking, and the clock's now in ms).

    A set a mention must belong to (a hashtag's posts, a tag's, an author's) is asked
    as `m.id IN (SELECT ...)`, so SQLite may read from the set itself: a count, or a
    page of a rare tag, costs the set's rows, not the whole table. For a page (given
    `counts`) of a large hashtag or tag the set is only probed while the stream is
    scanned in order, as a page needs few rows. For the few rows that arrived
    (`probe`), a correlated EXISTS per row: read from, the set would cost every poll
    all of it.
    """

    def __init__(
        self,
        params: dict[str, Any],
        now_ms: int,
        hits: Hits,
        *,
        probe: bool = False,
        counts: Counts | None = None,
        ranged: bool = False,
    ):
        self.params = params
        # `:after` < id <= `:upto` bound by the caller: full-text parts are looked up in
        # that range of the index, with no temp table (a rule runs on the writer).
        self.ranged = ranged
        self.now_ms = now_ms
        self.hits = hits
        self.probe = probe
        self.counts = counts

    def bind(self, value: object) -> str:
        """A named parameter for `value`."""
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    async def condition(self, node: t.Node) -> str:
        """SQL true for the mentions `node` keeps. A leaf may be NULL where a value is
        unknown (no followers count, no priority yet): that counts as not matching,
        also under a `-`, so NOT treats NULL as false before turning it around."""
        text = fts_expression(node)
        if text is not None:
            return await self._hit(text)
        if isinstance(node, t.Not):
            # `= 0`, not NOT: one SQL for both engines (PostgreSQL's NOT takes no integer)
            return f"coalesce({await self.condition(node.part)}, 0) = 0"
        if isinstance(node, (t.And, t.Or)):
            return await self._combined(node)
        if isinstance(node, (t.Tagged, t.Hashtag)):
            return await self._tagged(node)
        return self._leaf(node)

    async def _combined(self, node: t.And | t.Or) -> str:
        # The parts full-text search answers go to FTS5 together: one lookup, not one
        # per word.
        joiner = " AND " if isinstance(node, t.And) else " OR "
        texts: list[str] = []
        conditions: list[str] = []
        for part in node.parts:
            expression = fts_expression(part) if not isinstance(part, t.Not) else None
            if expression is not None:
                texts.append(expression)
            else:
                conditions.append(await self.condition(part))
        if texts:
            conditions.insert(0, await self._hit(joiner.join(texts)))
        return "(" + joiner.join(conditions) + ")"

    async def _hit(self, expression: str) -> str:
        if self.ranged:
            return (
                f"m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH "
                f"{self.bind(expression)} AND rowid > :after AND rowid <= :upto)"
            )
        table = await self.hits(expression)
        return (
            f"EXISTS (SELECT 1 FROM temp.{table} x "
            "WHERE x.created_ms = m.created_ms AND x.id = m.id)"
        )

    def _member(self, column: str, table: str, key: str, where: str, *, scan: bool = False) -> str:
        """`m.<column>` is among the `<key>`s of `<table>` rows meeting `where`;
        `scan`: never read from the set (`+` keeps SQLite from driving with it)."""
        if self.probe:
            return f"EXISTS (SELECT 1 FROM {table} WHERE {key} = m.{column} AND ({where}))"
        return f"{'+' if scan else ''}m.{column} IN (SELECT {key} FROM {table} WHERE {where})"

    async def _tagged(self, node: t.Tagged | t.Hashtag) -> str:
        if isinstance(node, t.Tagged):
            table, key, column = "mention_tags g", "g.mention_id", "g.tag"
        else:
            table, key, column = "mention_hashtags t", "t.mention_id", "t.tag"
        scan = False
        if self.counts is not None and not self.probe:
            size = await self.counts(f"SELECT count(*) FROM {table} WHERE {column} = ?", node.tag)
            scan = size > SMALL_SET
        return self._member("id", table, key, f"{column} = {self.bind(node.tag)}", scan=scan)

    def _authors(self, where: str) -> str:
        return self._member("author_id", "authors a2", "a2.id", where)

    def _customers(self, where: str) -> str:
        table = "authors a2 JOIN customers c2 ON c2.id = a2.customer_id"
        return self._member("author_id", table, "a2.id", where)

    def _priority(self, op: str, value: int) -> str:
        """`prio:` compares the figure the row shows: the priority now, which falls with
        age (core/priority.py). Shown is P(now) = (priority_rank - now) / ms_per_point,
        rounded half up and held to 0-100, so each comparison is a range of the stored
        rank: no row needs rewriting, and the rank's index answers it. Unscored ones
        (no priority yet) never match."""

        def at_least(shown: int) -> str | bool:
            # shown >= v  <=>  P(now) >= v - 0.5  <=>  rank >= now + (v - 0.5) * ms_per_point
            if shown <= 0:
                return True
            if shown > 100:
                return False
            return (
                f"m.priority_rank >= :now + {self.bind(shown - 0.5)} * "
                "(SELECT ms_per_point FROM priority_weights WHERE id = 1)"
            )

        def below(shown: int) -> str:
            above = at_least(shown)
            if above is True:
                return "0"
            if above is False:
                return "m.priority IS NOT NULL"
            return f"(m.priority IS NOT NULL AND NOT {above})"

        def from_(shown: int) -> str:
            above = at_least(shown)
            if above is True:
                return "m.priority IS NOT NULL"
            return "0" if above is False else above

        match op:
            case ">=":
                return from_(value)
            case ">":
                return from_(value + 1)
            case "<":
                return below(value)
            case "<=":
                return below(value + 1)
        return f"({from_(value)} AND {below(value + 1)})"

    def _leaf(self, node: t.Node) -> str:
        bind = self.bind
        match node:
            case t.Literal(text):
                return f"m.text LIKE {bind(like_pattern(text))} ESCAPE '\\'"
            case t.StatusIs(status):
                return f"m.status = {bind(status.value)}"
            case t.Unread():
                return (
                    "NOT EXISTS (SELECT 1 FROM mention_reads r "
                    "WHERE r.mention_id = m.id AND r.agent = :agent)"
                )
            case t.InChannels(channels):
                marks = ", ".join(bind(name) for name in sorted(str(c) for c in channels))
                return f"m.channel IN ({marks})"
            case t.SentimentIs(labels):
                band = bind(NEUTRAL_BAND)
                tests = {
                    SentimentLabel.POSITIVE: f"m.compound >= {band}",
                    SentimentLabel.NEGATIVE: f"m.compound <= -{band}",
                    SentimentLabel.NEUTRAL: f"(m.compound > -{band} AND m.compound < {band})",
                }
                # Unscored (NULL) is none of them: `-s:neg` finds it, `s:neg` does not.
                chosen = " OR ".join(tests[s] for s in SentimentLabel if s in labels)
                return f"(m.compound IS NOT NULL AND ({chosen}))"
            case t.Unscored():
                return "m.compound IS NULL"
            case t.LanguageIs(codes):
                # Through mentions_lang (lang, created_ms, id): a page and a count read
                # only that language's rows. IS NOT NULL keeps a NOT two-valued.
                known = sorted(code for code in codes if code is not None)
                tests_ = []
                if known:
                    marks = ", ".join(bind(code) for code in known)
                    tests_.append(f"(m.lang IS NOT NULL AND m.lang IN ({marks}))")
                if None in codes:
                    tests_.append("m.lang IS NULL")
                return "(" + " OR ".join(tests_) + ")"
            case t.From(text):
                pattern = bind(like_pattern(text))
                return self._authors(
                    f"a2.handle_key LIKE {pattern} ESCAPE '\\' "
                    f"OR a2.display_name LIKE {pattern} ESCAPE '\\'"
                )
            case t.AuthorIs(author_id):
                return f"m.author_id = {bind(author_id)}"
            case t.IdIs(ids):
                # One parameter however many: a list of thousands stays one statement.
                listed = bind(json.dumps(ids))
                return f"m.id IN (SELECT CAST(value AS INTEGER) FROM json_each({listed}))"
            case t.AssignedTo(agent):
                # Not `= ? COLLATE NOCASE`: SQLite 3.40 turns two of those OR-ed on one
                # column into an IN over the case-sensitive index, and loses matches.
                return f"lower(m.assignee) = lower({bind(agent)})"
            case t.Mine():
                return "m.assignee = :agent"  # exact: the index on assignee serves it
            case t.Unassigned():
                return "m.assignee IS NULL"
            case t.Claimed():
                since = bind(self.now_ms - CLAIM_TTL_MS)
                return self._member(
                    "id", "claims cl", "cl.mention_id", f"cl.heartbeat_ms >= {since}"
                )
            case t.Snoozed():
                return "m.snoozed_until_ms > :now"
            case t.Anything():
                return "1"
            case t.Question():
                return QUESTION_SQL
            case t.InWatchSet(key):
                if key is None:
                    return "m.watch_set IS NULL"
                return f"m.watch_set = {bind(key)}"
            case t.Answered():
                return "m.first_response_ms IS NOT NULL"
            case t.Responder(agent):
                return f"lower(({FIRST_RESPONDER})) = lower({bind(agent)})"
            case t.Escalated():
                return self._member("id", "escalation_mentions em", "em.mention_id", "1")
            case t.Priority(op, value):
                return self._priority(op, value)
            case t.Created(after=after):
                moment = bind(node.moment_ms(self.now_ms))
                return f"m.created_ms {'>=' if after else '<'} {moment}"
            case t.Followers(op, value):
                return self._authors(f"a2.followers {op} {bind(value)}")
            case t.IsCustomer():
                return self._authors("a2.customer_id IS NOT NULL")
            case t.CustomerNamed(text):
                return self._customers(f"c2.name LIKE {bind(like_pattern(text))} ESCAPE '\\'")
            case t.TierIs(tier):
                return self._customers(f"c2.tier = {bind(tier)} COLLATE NOCASE")
        raise TypeError(f"no SQL for {node!r}")
