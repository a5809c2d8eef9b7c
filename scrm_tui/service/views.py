"""One agent's views: the team's from the config, then their own, and what is unread in each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from scrm_tui.core.query import QueryError, parse, walk
from scrm_tui.core.views import View, filter_problem, name_problem
from scrm_tui.store.db import Database
from scrm_tui.store.mentions import MentionStore
from scrm_tui.store.views import SavedViewStore, ViewNameTaken

if TYPE_CHECKING:
    from scrm_tui.service.inbox import Inbox

__all__ = ["View", "ViewNameTaken", "ViewRefused", "Views"]

# Reads made since the last count (elsewhere, or by opening mentions here) are looked
# up one by one in each view up to this many; more, and the views are counted again.
READS_LOOKED_AT = 50


class ViewRefused(ValueError):
    """The view cannot be saved as asked; the message says why, for the agent."""


class Views:
    def __init__(self, inbox: Inbox):
        self.inbox = inbox
        self.store = SavedViewStore(inbox.db)
        self._counting: Database | None = None
        self._inputs: tuple[object, ...] | None = None  # what the last counts were of
        self._last: tuple[list[View], list[int | None]] | None = None  # and what they were
        # One store per filter: each keeps its own full-text hits between counts.
        self._counters: dict[str, MentionStore] = {}

    async def all(self) -> list[View]:
        """The team's views in the config's order, then the agent's in the order saved."""
        own = await self.store.list(self.inbox.agent)
        return [*self.inbox.config.views, *(View(name, f, mine=True) for name, f in own)]

    async def save(self, name: str, source: str, *, replace: bool = False) -> View:
        """Save the filter `source` as the agent's view `name`. A view of the agent's
        with that name is replaced only when `replace` says so (else ViewNameTaken);
        a team view's name is refused (ViewRefused), as are a bad name and filter."""
        name = name.strip()
        problem = name_problem(name) or filter_problem(source)
        if problem is None and not source.strip():
            problem = "there is no filter to save: / types one first"
        if problem is None and any(
            view.name.casefold() == name.casefold() for view in self.inbox.config.views
        ):
            problem = f"'{name}' is a team view (in the config): choose another name"
        if problem is not None:
            raise ViewRefused(problem)
        source = source.strip()
        await self.store.save(self.inbox.agent, name, source, self.inbox.now_ms(), replace=replace)
        return View(name, source, mine=True)

    async def delete(self, name: str) -> str | None:
        """Delete the agent's view `name`; the filter it had, or None if it was gone."""
        return await self.store.delete(self.inbox.agent, name, self.inbox.now_ms())

    async def refresh(self, *, force: bool = False) -> tuple[list[View], list[int | None]] | None:
        """The views and their unread counts; None, at the cost of one cheap read, when
        nothing they depend on changed since the last refresh (unless `force`)."""
        inputs = await self.store.count_inputs(self.inbox.agent)
        if inputs == self._inputs and not force:
            return None
        was = self._inputs
        last = self._last
        if last is not None and was is not None and was[1] == inputs[1]:
            # No change recorded (saving or deleting a view is one): the agent's views
            # are the ones counted last.
            views = [*self.inbox.config.views, *(v for v in last[0] if v.mine)]
        else:
            views = await self.all()
        counts: list[int | None] | None = None
        if not force and last is not None and last[0] == views and was is not None:
            counts = await self._catch_up(views, last[1], was, inputs)
        if counts is None:
            counts = await self.unread(views)
        # Only now: counts that failed are tried again on the next change.
        self._inputs = inputs
        self._last = (views, counts)
        return views, counts

    async def unread(
        self, views: Sequence[View], within: tuple[int, int] | None = None
    ) -> list[int | None]:
        """How many mentions of each view the agent has not read (None: its filter is
        not one any more, e.g. saved before the language changed); `within`: of the
        mentions with ids in that range alone."""
        if not views:
            return []  # no connection of its own for nothing
        if self._counting is None:
            self._counting = await self.inbox.db.with_own_reader()
        return [await self._count(view, within) for view in views]

    async def _count(
        self, view: View, within: tuple[int, int] | None = None, *, unread: bool = True
    ) -> int | None:
        """One view's count (see unread); `unread=False`: read or not."""
        try:
            query = parse(view.filter)
        except QueryError:
            return None
        if self._counting is None:
            self._counting = await self.inbox.db.with_own_reader()
        counter = self._counters.get(view.filter)
        if counter is None:
            counter = self._counters[view.filter] = MentionStore(self._counting)
        agent, now = self.inbox.agent, self.inbox.now_ms()
        return await counter.count_unread(query, agent, now, within, unread=unread)

    async def _catch_up(
        self,
        views: list[View],
        counts: list[int | None],
        was: tuple[object, ...],
        now: tuple[object, ...],
    ) -> list[int | None] | None:
        """The last counts brought up to date by what changed since, when all that did
        is new mentions (counted alone and added) and the agent's own reads (each read
        or unread mention looked up in each view): an arrival or a read elsewhere costs
        what changed, not a recount of every view. None: count again."""
        if (was[1], was[3], was[4]) != (now[1], now[3], now[4]) or _newest(now) < _newest(was):
            return None  # a recorded change, a claim: anything may have moved
        counts = list(counts)
        if _newest(now) > _newest(was):
            arrived = await self.unread(views, within=(_newest(was), _newest(now)))
            counts = _added(counts, arrived)
        if was[2] != now[2]:
            reads = await self._read_deltas(views, _seq(was), _newest(was))
            if reads is None:
                return None
            counts = _added(counts, reads)
        return counts

    async def _read_deltas(
        self, views: list[View], seq: int, newest: int
    ) -> list[int | None] | None:
        """How each view's unread count moved with the agent's reads logged after `seq`
        (of mentions stored up to `newest`: later ones were counted as they are now).
        None when there are too many to look at one by one, a view's filter depends on
        what is read (is:unread), or the log no longer reaches back that far."""
        if any(_reads_matter(view) for view in views):
            return None
        logged = await self.store.reads_after(self.inbox.agent, seq, READS_LOOKED_AT + 1)
        if logged is None or len(logged) > READS_LOOKED_AT:
            return None
        first: dict[int, bool] = {}  # each mention's first change: what it was before
        for mention_id, read in logged:
            if mention_id <= newest:
                first.setdefault(mention_id, read)
        read_now = await self.store.read_among(self.inbox.agent, list(first)) if first else set()
        # Unread before its first change if that change read it. +1: unread now but
        # not before; -1: the opposite; a mention read and unread again moves nothing.
        moved = {
            mention_id: (mention_id not in read_now) - read
            for mention_id, read in first.items()
            if (mention_id not in read_now) != read
        }
        deltas: list[int | None] = []
        for view in views:
            found = [
                await self._count(view, within=(mention_id - 1, mention_id), unread=False)
                for mention_id in moved
            ]
            steps = zip(moved.values(), found, strict=True)
            deltas.append(None if None in found else sum(s * (f or 0) for s, f in steps))
        return deltas

    async def close(self) -> None:
        if self._counting is not None:
            await self._counting.close()


def _newest(inputs: tuple[object, ...]) -> int:
    """The newest mention's id in SavedViewStore.count_inputs (0: none yet)."""
    newest = inputs[0]
    return newest if isinstance(newest, int) else 0


def _seq(inputs: tuple[object, ...]) -> int:
    """The agent's newest read logged, in SavedViewStore.count_inputs (0: none yet)."""
    seq = inputs[5]
    return seq if isinstance(seq, int) else 0


def _added(counts: list[int | None], more: list[int | None]) -> list[int | None]:
    return [None if a is None or b is None else a + b for a, b in zip(counts, more, strict=True)]


def _reads_matter(view: View) -> bool:
    """The view's filter says read or unread: a read changes whether it matches."""
    try:
        query = parse(view.filter)
    except QueryError:
        return False
    from scrm_tui.core.query_terms import Unread  # loaded by parse() already

    return any(isinstance(node, Unread) for node in walk(query.root))
