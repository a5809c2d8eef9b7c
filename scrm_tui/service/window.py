"""A long list (the inbox, a customer's timeline) as a window of rows, loaded by page.

The list on screen may stand for a million rows; a Window keeps only a contiguous
run of a few thousand (positions `lo`..`hi`) and extends it at either edge with
keyset pages, which cost the same at any depth. Only a jump far from the window
(a scrollbar drag, `G`) pays for an OFFSET query, read from the nearer end.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable
from typing import Any, Generic, Protocol, TypeVar

from scrm_tui.core.models import MentionRow
from scrm_tui.core.query import Query
from scrm_tui.service.inbox import Inbox

PAGE = 100
KEEP = 3000

Key = tuple[int, ...]  # a row's place in the list; larger keys come first


class Row(Protocol):
    @property
    def uid(self) -> Hashable: ...

    @property
    def sort_key(self) -> Key: ...


R = TypeVar("R", bound=Row)


class PageSource(Protocol[R]):
    """Where a Window's rows come from, in descending sort-key order."""

    async def high_water(self) -> Any:
        """A mark such that `since(mark)` returns what is stored after this call."""

    async def older(self, key: Key | None, limit: int) -> list[R]:
        """Rows after `key` (all from the top if None), best first."""

    async def newer(self, key: Key, limit: int) -> list[R]:
        """Rows just before `key`, best first."""

    async def at(self, offset: int, limit: int, total: int | None) -> list[R]: ...

    async def count(self, upto: Any) -> int:
        """Rows that existed at `upto` (a high-water mark)."""

    async def since(self, mark: Any) -> list[R]:
        """Rows stored after `mark`."""


class Window(Generic[R]):
    def __init__(self, source: PageSource[R], *, page: int = PAGE, keep: int = KEEP):
        self.source = source
        self.page = page
        self.keep = max(keep, 4 * page)
        self.total: int | None = None
        self.lo = 0
        self.rows: list[R] = []
        self.mark: Any = None  # what `since` is asked for next
        self.renumbered = False  # positions moved under us; the view must redraw all

    # ---------------------------------------------------------------- access

    @property
    def hi(self) -> int:
        return self.lo + len(self.rows)

    def get(self, index: int) -> R | None:
        offset = index - self.lo
        if 0 <= offset < len(self.rows):
            return self.rows[offset]
        return None

    def position_of(self, uid: Hashable) -> int | None:
        for offset, row in enumerate(self.rows):
            if row.uid == uid:
                return self.lo + offset
        return None

    def covers(self, start: int, stop: int) -> bool:
        start, stop = self._clamp(start, stop)
        return start >= stop or (self.lo <= start and stop <= self.hi)

    @property
    def size(self) -> int:
        """Rows the view should scroll over: the count once known, else what is loaded."""
        return self.total if self.total is not None else self.hi

    # ---------------------------------------------------------------- loading

    async def start(self) -> None:
        """Load the first page; the exact count follows in `load_count`."""
        self.mark = await self.source.high_water()
        rows = await self.source.older(None, self.page)
        self.lo, self.rows = 0, rows
        if len(rows) < self.page:
            self.total = len(rows)

    async def load_count(self) -> int:
        # Count what existed at `start`; later rows are counted as `poll` applies them.
        total = await self.source.count(self.mark)
        self.total = max(total, self.hi)
        return self.total

    def _clamp(self, start: int, stop: int) -> tuple[int, int]:
        start = max(start, 0)
        if self.total is not None:
            stop = min(stop, self.total)
        return start, stop

    async def ensure(self, start: int, stop: int) -> bool:
        """Make rows [start, stop) available. Returns True if anything was loaded."""
        start, stop = self._clamp(start, stop)
        if start >= stop or (self.lo <= start and stop <= self.hi):
            return False
        reach = 3 * self.page
        if not self.rows or start > self.hi + reach or stop < self.lo - reach:
            await self._jump(start, stop)
        await self._extend_down(stop)
        await self._extend_up(start)
        self._trim(start, stop)
        return True

    async def _jump(self, start: int, stop: int) -> None:
        offset = max(0, start - self.page // 2)
        limit = max(stop - offset, self.page) + self.page // 2
        rows = await self.source.at(offset, limit, self.total)
        self.lo, self.rows = offset, rows
        if not rows and offset > 0:
            # The list is shorter than we thought (rows were deleted): start over.
            self.total = None
            self.renumbered = True
            await self.start()

    async def _extend_down(self, stop: int) -> None:
        while self.rows and self.hi < stop:
            if self.total is not None and self.hi >= self.total:
                return
            more = await self.source.older(self.rows[-1].sort_key, self.page)
            self._append(more)
            if len(more) < self.page:
                self.total = self.hi  # reached the end: now we know the count exactly
                return

    async def _extend_up(self, start: int) -> None:
        while self.rows and start < self.lo:
            more = await self.source.newer(self.rows[0].sort_key, self.page)
            known = {row.uid for row in self.rows}
            more = [row for row in more if row.uid not in known]
            self.lo -= len(more)
            self.rows[:0] = more
            if len(more) < self.page and self.lo != 0:
                # Reached the newest row but positions say there is more above:
                # the count was off. Renumber from the top.
                self.lo = 0
                self.renumbered = True
                return
            if self.lo < 0:
                self.lo = 0
                self.renumbered = True
                return

    def _append(self, more: list[R]) -> None:
        known = {row.uid for row in self.rows[-self.page :]}
        self.rows.extend(row for row in more if row.uid not in known)

    def _trim(self, start: int, stop: int) -> None:
        excess = len(self.rows) - self.keep
        if excess <= 0:
            return
        # Drop from the side farther from what the view needs.
        room_before = start - self.lo
        room_after = self.hi - stop
        cut_front = min(excess, max(room_before - self.page, 0)) if room_before > room_after else 0
        if cut_front:
            del self.rows[:cut_front]
            self.lo += cut_front
            excess -= cut_front
        if excess > 0:
            cut_back = min(excess, max(room_after - self.page, 0))
            if cut_back:
                del self.rows[len(self.rows) - cut_back :]

    # ---------------------------------------------------------------- changes

    def apply_arrivals(self, arrivals: list[R]) -> list[R]:
        """Place newly stored rows; returns those that were not already known.

        Positions below each arrival move down by one. A caller keeps its place by
        counting the returned rows whose sort key is newer than the row it shows.
        """
        known = {row.uid for row in self.rows}
        added: list[R] = []
        for row in sorted(arrivals, key=lambda r: r.sort_key, reverse=True):
            if row.uid in known:
                continue
            added.append(row)
            ended = self.total is not None and self.hi >= self.total
            if self.total is not None:
                self.total += 1
            if not self.rows:
                if self.lo == 0:
                    self.rows.append(row)
                continue
            if row.sort_key > self.rows[0].sort_key:
                if self.lo == 0:
                    self.rows.insert(0, row)
                else:
                    self.lo += 1
            elif row.sort_key < self.rows[-1].sort_key:
                if ended:
                    self.rows.append(row)
            else:
                keys = [tuple(-part for part in r.sort_key) for r in self.rows]
                self.rows.insert(bisect_left(keys, tuple(-part for part in row.sort_key)), row)
        return added

    def replace(self, rows: list[R]) -> list[int]:
        """Swap in fresh copies of loaded rows (status or read changed); return positions."""
        fresh = {row.uid: row for row in rows}
        changed: list[int] = []
        for offset, old in enumerate(self.rows):
            new = fresh.get(old.uid)
            if new is not None and new != old:
                self.rows[offset] = new
                changed.append(self.lo + offset)
        return changed

    async def fetch_arrivals(self) -> list[R]:
        """Rows stored since the last fetch (not yet placed: see apply_arrivals)."""
        # Read the high-water mark first: a row stored between the two queries is
        # then either fetched now or looked at next time.
        newest = await self.source.high_water()
        arrivals = await self.source.since(self.mark)
        self.mark = newest
        return arrivals


class MentionSource:
    """The inbox stream for one filter."""

    def __init__(self, inbox: Inbox, query: Query):
        self.inbox = inbox
        self.query = query

    async def high_water(self) -> int:
        return await self.inbox.max_id()

    async def older(self, key: Key | None, limit: int) -> list[MentionRow]:
        return await self.inbox.page_older(self.query, key, limit)  # type: ignore[arg-type]

    async def newer(self, key: Key, limit: int) -> list[MentionRow]:
        return await self.inbox.page_newer(self.query, key, limit)  # type: ignore[arg-type]

    async def at(self, offset: int, limit: int, total: int | None) -> list[MentionRow]:
        return await self.inbox.page_at(self.query, offset, limit, total)

    async def count(self, upto: int) -> int:
        return await self.inbox.count(self.query, upto=upto)

    async def since(self, mark: int) -> list[MentionRow]:
        return await self.inbox.newer_than(self.query, mark)


class StreamWindow(Window[MentionRow]):
    """The inbox list for one filter."""

    def __init__(self, inbox: Inbox, query: Query, *, page: int = PAGE, keep: int = KEEP):
        super().__init__(MentionSource(inbox, query), page=page, keep=keep)
        self.query = query
