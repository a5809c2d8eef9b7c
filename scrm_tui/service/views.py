"""One agent's views: the team's from the config, then their own, and what is unread in each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from scrm_tui.core.query import QueryError, parse
from scrm_tui.core.views import View, filter_problem, name_problem
from scrm_tui.store.db import Database
from scrm_tui.store.mentions import MentionStore
from scrm_tui.store.views import SavedViewStore, ViewNameTaken

if TYPE_CHECKING:
    from scrm_tui.service.inbox import Inbox

__all__ = ["View", "ViewNameTaken", "ViewRefused", "Views"]


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
        views = await self.all()
        last = self._last
        if (
            not force
            and last is not None
            and last[0] == views
            and _only_arrived(self._inputs, inputs)
        ):
            # Only new mentions since the last count: count those alone and add them,
            # so an arrival costs what arrived, not a recount of every view.
            assert self._inputs is not None
            arrived = await self.unread(views, within=(_newest(self._inputs), _newest(inputs)))
            counts = [
                None if was is None or more is None else was + more
                for was, more in zip(last[1], arrived, strict=True)
            ]
        else:
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
        counts: list[int | None] = []
        for view in views:
            try:
                query = parse(view.filter)
            except QueryError:
                counts.append(None)
                continue
            counter = self._counters.get(view.filter)
            if counter is None:
                counter = self._counters[view.filter] = MentionStore(self._counting)
            counts.append(
                await counter.count_unread(query, self.inbox.agent, self.inbox.now_ms(), within)
            )
        return counts

    async def close(self) -> None:
        if self._counting is not None:
            await self._counting.close()


def _newest(inputs: tuple[object, ...]) -> int:
    """The newest mention's id in SavedViewStore.count_inputs (0: none yet)."""
    newest = inputs[0]
    return newest if isinstance(newest, int) else 0


def _only_arrived(was: tuple[object, ...] | None, now: tuple[object, ...]) -> bool:
    """Between two count_inputs only new mentions were stored: nothing else moved."""
    return was is not None and was[1:] == now[1:] and _newest(now) > _newest(was)
