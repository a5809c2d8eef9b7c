"""A long list as a window of rows: a contiguous run, extended by keyset pages."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from typing import Any, Generic, Protocol, TypeVar

PAGE = 100
KEEP = 3000
# Up to this many arrivals are merged in one by one; more re-read the window around
# the user's row (a handful of queries whose cost does not grow with the arrival).
FOLD = PAGE
# A large arrival is placed around the row the user is on; if keys moved the user far
# while it was read, it is read again around the new place, at most this many times.
ATTEMPTS = 3
# A filter's count first stops at this many: up to it the count is exact, beyond it the
# list says "at least" until the whole count (which reads every match) is known.
COUNT_CAP = 10_000

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
        """A mark for what is stored now (rows stored later are "after" it)."""

    async def older(self, key: Key | None, limit: int) -> list[R]:
        """Rows after `key` (all from the top if None), best first."""

    async def newer(self, key: Key, limit: int) -> list[R]:
        """Rows just before `key`, best first."""

    async def at(self, offset: int, limit: int, total: int | None) -> list[R]: ...

    async def count(self, upto: Any) -> int:
        """Rows that existed at `upto` (a high-water mark)."""


class Window(Generic[R]):
    def __init__(
        self,
        source: PageSource[R],
        *,
        page: int = PAGE,
        keep: int = KEEP,
        key: Callable[[R], Key] | None = None,
    ):
        self.source = source
        # Where a row sits in this list's order (a list may be sorted more than one way).
        self.key: Callable[[R], Key] = key or _sort_key
        self.page = page
        self.keep = max(keep, 4 * page)
        self.total: int | None = None
        self.floor: int | None = None  # while total is not known: at least this many
        self.lo = 0
        self.rows: list[R] = []
        self.mark: Any = None  # the high-water mark the positions count up to
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

    async def load_count(self, floored: Callable[[], None] | None = None) -> int:
        """The exact count; `floored()` is told when `floor` is known before it."""
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
            more = await self.source.older(self.key(self.rows[-1]), self.page)
            self._append(more)
            if len(more) < self.page:
                self.total = self.hi  # reached the end: now we know the count exactly
                return

    async def _extend_up(self, start: int) -> None:
        while self.rows and start < self.lo:
            more = await self.source.newer(self.key(self.rows[0]), self.page)
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

    def trim(self, start: int, stop: int) -> None:
        """Hold at most `keep` rows, dropping those farthest from [start, stop)."""
        self._trim(*self._clamp(start, stop))

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

    def forget_above(self, start: int) -> None:
        """Hold no rows above position `start`: they are read again when wanted."""
        cut = start - self.lo
        if cut > 0:
            del self.rows[:cut]
            self.lo += cut

    # ---------------------------------------------------------------- changes

    def drop(self, uids: Collection[Hashable]) -> list[int]:
        """Take rows out of the list (they left it: snoozed here); returns the positions
        they had. Rows below move up; a count known is one less for each."""
        gone = [self.lo + offset for offset, row in enumerate(self.rows) if row.uid in uids]
        if gone:
            self.rows = [row for row in self.rows if row.uid not in uids]
            if self.total is not None:
                self.total -= len(gone)
            elif self.floor is not None:
                self.floor = max(self.floor - len(gone), 0)
        return gone

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


def _sort_key(row: Row) -> Key:
    return row.sort_key
