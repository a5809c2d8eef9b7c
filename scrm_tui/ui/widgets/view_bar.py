"""The view bar: each view's key, name and unread count on one line, under the header."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from textual import work
from textual.content import Content
from textual.widgets import Static

from scrm_tui.core import sanitize
from scrm_tui.core.query import Query, QueryError, parse
from scrm_tui.core.views import KEYED, View
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.failures import ReportsFailures

# Under a steady stream of changes, counting takes at most this share of the time: a
# count that took t waits t * (1 - share) / share before the next (at 1M mentions a
# few views take about a second to count; see bench/views_bench.py).
BUSY_SHARE = 0.25
RECOUNT_ANYWAY_S = 300.0
GAP = "  "
MIN_NAME = 3  # cells: two letters and "…"; shorter, a name says nothing


@dataclass(frozen=True)
class Entry:
    key: str  # "1"-"9"; "" past the ninth view
    name: str  # inert, on one line
    count: str  # "1,234"; "…" until counted; "!" when the filter is not one
    active: bool = False


def fit(entries: Sequence[Entry], width: int) -> Content:
    """The entries in `width` cells: names are cut (to the same length, longest first)
    before anything else, then dropped; then the last views (never the active one) give
    way to "+N". A number is never cut."""
    longest = max((Content(e.name).cell_length for e in entries), default=0)
    for cells in range(longest, MIN_NAME - 1, -1):
        line = _line(entries, cells)
        if line.cell_length <= width:
            return line
    shown = list(entries)
    while len(shown) > 1:
        line = _line(shown, 0, hidden=len(entries) - len(shown))
        if line.cell_length <= width:
            return line
        quiet = [i for i, entry in enumerate(shown) if not entry.active] or [len(shown) - 1]
        del shown[quiet[-1]]
    return _line(shown, 0, hidden=len(entries) - len(shown))


def _line(entries: Sequence[Entry], cells: int, hidden: int = 0) -> Content:
    """Each entry as `key name count`, names cut to `cells` (0: no names)."""
    parts: list[Content] = []
    for entry in entries:
        words = [Content(entry.key)] if entry.key else []
        if cells:
            words.append(Content(entry.name).truncate(cells, ellipsis=True))
        if entry.count == "!":
            style = "$text-error"
        else:
            style = "$text-muted" if entry.count in ("0", "…") else "bold"
        words.append(Content.styled(entry.count, style))
        text = Content(" ").join(words)
        parts.append(text.stylize("reverse") if entry.active else text)
    if hidden:
        parts.append(Content.styled(f"+{hidden}", "$text-muted"))
    return Content(GAP).join(parts)


class ViewBar(ReportsFailures, Static):
    """Shown while there are views. Counts again when told the database changed."""

    def __init__(self, inbox: Inbox, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.inbox = inbox
        # The team's views are known now: the bar has its place from the first frame.
        self.views: list[View] = list(inbox.config.views)
        self.counts: list[int | None] | None = None
        self.query_: Query = Query()
        self._parsed: dict[str, Query | None] = {}
        self._busy = False  # counting, or resting after a count
        self._again = False  # the database changed meanwhile
        self._force = False  # ...and the next count must not be skipped

    def on_mount(self) -> None:
        self._draw()
        # Filters with a time in them (`after:7d`, a claim growing stale) change with
        # no write to notice: count again now and then whatever happened.
        self.set_interval(RECOUNT_ANYWAY_S, lambda: self.recount(force=True), name="views")

    def on_resize(self) -> None:
        self._draw()

    # ---------------------------------------------------------------- which view

    def view_at(self, number: int) -> View | None:
        """The view key `number` (1-9) jumps to."""
        return self.views[number - 1] if 1 <= number <= min(len(self.views), KEYED) else None

    def is_active(self, view: View) -> bool:
        """The list shows this view's filter (however it got there: a key, `/`, Ctrl+P)."""
        return self.query_of(view) == self.query_ and not self.query_.is_empty

    def show_query(self, query: Query) -> None:
        self.query_ = query
        if self.counts is None and not self._busy:
            self.recount()  # the first count, once the list has its first page
        self._draw()

    def query_of(self, view: View) -> Query | None:
        """The view's filter, parsed (None if it is not one)."""
        if view.filter not in self._parsed:
            try:
                self._parsed[view.filter] = parse(view.filter)
            except QueryError:
                self._parsed[view.filter] = None
        return self._parsed[view.filter]

    # ---------------------------------------------------------------- counting

    def recount(self, *, force: bool = False) -> None:
        """The database changed: count again if what the counts depend on did, now if
        nothing is being counted, else once the count under way and its rest are over."""
        if self._busy:
            self._again = True
            self._force |= force
            return
        self._busy = True
        self._count(force)

    @work(group="view-counts", exit_on_error=False)
    async def _count(self, force: bool) -> None:
        spent = time.process_time()
        try:
            found = await self.inbox.views.refresh(force=force or self.counts is None)
            if found is not None:
                self.views, self.counts = found
                self._draw()
        finally:
            # Paced by CPU, not wall time: on a loaded machine a count takes longer
            # without costing more.
            spent = time.process_time() - spent
            self.set_timer(spent * (1 - BUSY_SHARE) / BUSY_SHARE, self._rested)

    def _rested(self) -> None:
        self._busy = False
        if self._again:
            force, self._again, self._force = self._force, False, False
            self.recount(force=force)

    # ---------------------------------------------------------------- drawing

    def _draw(self) -> None:
        self.display = bool(self.views)
        width = self.content_size.width
        if not self.views or not width:
            return
        counts = self.counts or []
        entries = [
            Entry(
                key=str(index + 1) if index < KEYED else "",
                name=sanitize.inline(view.name),
                count=_count(counts[index]) if index < len(counts) else "…",
                active=self.is_active(view),
            )
            for index, view in enumerate(self.views)
        ]
        self.update(fit(entries, width))


def _count(count: int | None) -> str:
    return "!" if count is None else f"{count:,}"
