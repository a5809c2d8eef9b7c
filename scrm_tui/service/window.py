"""A long list (the inbox, a customer's timeline) as a window of rows, loaded by page.

The list on screen may stand for a million rows; a Window keeps only a contiguous
run of a few thousand (positions `lo`..`hi`) and extends it at either edge with
keyset pages, which cost the same at any depth. Only a jump far from the window
(a scrollbar drag, `G`) pays for an OFFSET query, read from the nearer end.

A LiveWindow (the inbox) also takes in what is stored while it is shown. A few new
rows are merged into place; a large arrival is counted in SQL and the window is read
again around the row the user is on, so taking it in costs what the screen shows,
not what arrived.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable, Collection, Hashable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from scrm_tui.core.models import MentionRow, Order
from scrm_tui.core.query import Query
from scrm_tui.service.inbox import Inbox

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


class LiveSource(PageSource[R], Protocol):
    """A PageSource whose rows keep arriving, with the queries to take them in."""

    upto: Any
    """Pages hold only rows stored up to this mark: those the window has counted."""

    async def arrivals(self, after: Any, upto: Any, limit: int) -> list[R]:
        """Up to `limit` rows stored after `after` up to `upto`, in any order."""

    async def tally(self, after: Any, upto: Any, keys: Sequence[Key]) -> tuple[int, list[int]]:
        """How many rows were stored after `after` up to `upto`, and how many of them
        come before each key (are newer)."""

    async def around(self, key: Key, span: int, upto: Any) -> tuple[list[R], list[R]]:
        """Up to `span` rows just before `key` and up to `span` from it on (the row at
        `key` first, if it is still there), best first, as stored up to `upto`."""

    def arrived(self, row: R, mark: Any) -> bool:
        """Whether `row` was stored after `mark`."""

    async def position(self, key: Key, upto: Any) -> int:
        """How many rows come before `key`, as stored up to `upto`."""


class Remap(Generic[R]):
    """Where rows went when an arrival was taken in, so a view can keep its place.

    Built from the rows held before and after: exact for rows that were held and
    still are; any other position moves as the nearest held row did.
    """

    def __init__(
        self,
        window: Window[R],
        old: tuple[int, list[R]],
        added: int,
        above: int,
        arrived: list[bool],
        was_empty: bool,
    ):
        self.window = window
        self.old_lo, self.old_rows = old
        self.added = added
        self.was_empty = was_empty  # nothing was listed: the newest row is the one to select
        self._at = {row.uid: window.lo + offset for offset, row in enumerate(window.rows)}
        # Arrivals above each held row: those above the first, plus those held before it.
        self._above = [above]
        for flag in arrived:
            self._above.append(self._above[-1] + flag)

    def index(self, old_index: int) -> int:
        """The position now of the row that was at `old_index`."""
        offset = old_index - self.old_lo
        if 0 <= offset < len(self.old_rows):
            new = self._at.get(self.old_rows[offset].uid)
            if new is not None:
                return new
        # Not held (or gone): move as the nearest row held before and after moved.
        nearest = sorted(range(len(self.old_rows)), key=lambda near: abs(near - offset))
        for near in nearest:
            new = self._at.get(self.old_rows[near].uid)
            if new is not None:
                return old_index + new - (self.old_lo + near)
        return old_index

    def arrived_above(self, index: int) -> int:
        """How many of the arrivals are above position `index` (as it is now)."""
        offset = min(max(index - self.window.lo, 0), len(self._above) - 1)
        return self._above[offset]


class LiveWindow(Window[R]):
    """A Window over rows that keep arriving: `take_arrivals` brings them in."""

    source: LiveSource[R]

    def __init__(
        self,
        source: LiveSource[R],
        *,
        page: int = PAGE,
        keep: int = KEEP,
        fold: int = FOLD,
        key: Callable[[R], Key] | None = None,
    ):
        super().__init__(source, page=page, keep=keep, key=key)
        self.fold = fold
        # Loading and taking in arrivals both move rows and positions: one at a time.
        self._lock = asyncio.Lock()

    @property
    def mark(self) -> Any:
        return self.source.upto

    @mark.setter
    def mark(self, value: Any) -> None:
        # Pages read from now on hold only what the positions count: a row stored later
        # reaches the window through take_arrivals, counted, never as a surprise.
        self.source.upto = value

    async def load_count(self, floored: Callable[[], None] | None = None) -> int:
        async with self._lock:
            return await super().load_count(floored)

    async def ensure(self, start: int, stop: int) -> bool:
        async with self._lock:
            return await super().ensure(start, stop)

    async def take_arrivals(
        self, keep: Callable[[], Sequence[int]], span: int, newest: Any = None
    ) -> Remap[R] | None:
        """Take in what was stored since the last look; None if nothing was.
        `newest`: the high-water mark as the caller has just read it (no read here).

        `keep()` names the positions the view wants to keep (the cursor, the top line),
        best first; it is asked again just before the window changes, since keys may
        have moved them meanwhile. A large arrival is read as the `span` rows either
        side of the first of them that is held.
        """
        for attempt in range(ATTEMPTS):
            async with self._lock:
                if newest is None or attempt:
                    newest = await self.source.high_water()
                if newest == self.mark:
                    return None
                rows = await self.source.arrivals(self.mark, newest, self.fold + 1)
                if len(rows) <= self.fold:
                    return self._merge(rows, newest)
                anchor = self._held(keep())
                if anchor is None:
                    added, _ = await self.source.tally(self.mark, newest, [])
                    return self._clear(added, newest)
                index, row = anchor
                added, (above,) = await self.source.tally(self.mark, newest, [self.key(row)])
                up, down = await self.source.around(self.key(row), span, newest)
                now = self._held(keep())
                held = {r.uid for r in up} | {r.uid for r in down}
                if now is not None and now[1].uid not in held and attempt < ATTEMPTS - 1:
                    continue  # keys took the user far meanwhile: read around the new place
                return self._reanchor(index, above, added, up, down, span, newest)
        raise AssertionError("unreachable")

    async def resync(
        self, keep: Callable[[], Sequence[int]], span: int, came: Sequence[R]
    ) -> Remap[R]:
        """Read the list again around the user's row, and count it again: rows left it
        or came back into it (a snooze, a wake-up), wherever they were, which no new id
        tells. `came` are the rows that came back (they count as new). Costs two counts
        and the rows either side of the view, not the list."""
        async with self._lock:
            old, was_empty = self._old()
            anchor = self._held(keep())
            total = await self.source.count(self.mark)
            rows: list[R] = []
            if anchor is not None:
                up, down = await self.source.around(self.key(anchor[1]), span, self.mark)
                rows = [*up, *down]
            elif total:
                rows = await self.source.older(None, span)
            lo = await self.source.position(self.key(rows[0]), self.mark) if rows else 0
            added = total - (self.total if self.total is not None else self.hi)
            self.lo, self.rows, self.total = lo, rows, max(total, lo + len(rows))
            self.renumbered = True
            returning = {row.uid for row in came}
            above = sum(1 for row in came if rows and self.key(row) > self.key(rows[0]))
            arrived = [row.uid in returning for row in rows]
            return Remap(self, old, added, above, arrived, was_empty)

    async def place(self, key: Key, index: int, span: int) -> None:
        """Hold the rows around the row at `key`, known to be at position `index` (a
        search found it far from what is held): two keyset pages, however deep."""
        async with self._lock:
            up, down = await self.source.around(key, span, self.mark)
            lo = index - len(up)
            if len(up) < span or lo < 0:
                # Nothing newer beyond what was read: it starts the list.
                self.renumbered |= lo != 0
                lo = 0
            self.lo, self.rows = lo, [*up, *down]
            if len(down) <= span:
                self.total = self.hi  # read to the end: the count is exact

    def _held(self, positions: Sequence[int]) -> tuple[int, R] | None:
        for index in positions:
            row = self.get(index)
            if row is not None:
                return index, row
        return None

    def _old(self) -> tuple[tuple[int, list[R]], bool]:
        return (self.lo, self.rows), self.size == 0

    def _merge(self, arrivals: list[R], newest: Any) -> Remap[R]:
        """A few rows: merge them into place (positions below each move down by one)."""
        old, was_empty = self._old()
        known = {row.uid for row in self.rows}
        fresh = sorted(
            (row for row in arrivals if row.uid not in known), key=self.key, reverse=True
        )
        mark = self.mark
        above = 0
        if not self.rows:
            # An empty list starts with them; otherwise where they go is not known
            # until rows around the view are read: count them only.
            rows = fresh if self.size == 0 else []
        else:
            first, last = self.key(self.rows[0]), self.key(self.rows[-1])
            ended = self.total is not None and self.hi >= self.total
            top = [row for row in fresh if self.key(row) > first]
            inside = [row for row in fresh if last < self.key(row) < first]
            below = [row for row in fresh if self.key(row) < last] if ended else []
            if self.lo:
                above, top = len(top), []
            middle = heapq.merge(self.rows, inside, key=self.key, reverse=True)
            rows = [*top, *middle, *below]
        self.lo += above
        self.rows = rows
        if self.total is not None:
            self.total += len(fresh)
        self.mark = newest
        arrived = [self.source.arrived(row, mark) for row in rows]
        return Remap(self, old, len(fresh), above, arrived, was_empty)

    def _reanchor(
        self,
        index: int,
        above: int,
        added: int,
        up: list[R],
        down: list[R],
        span: int,
        newest: Any,
    ) -> Remap[R]:
        """Many rows: the window becomes the rows around the anchor, as read."""
        old, was_empty = self._old()
        mark = self.mark
        # Rows held before keep their copies: they may show a change not yet written.
        kept = {row.uid: row for row in self.rows}
        rows = [kept.get(row.uid, row) for row in (*up, *down)]
        place = index + above  # where the anchor (or the row after it, if it went) is now
        if len(up) < span:
            # Nothing newer beyond what was read: it starts the list.
            self.renumbered |= place != len(up)
            lo = 0
        else:
            lo = place - len(up)
            if lo < 0:
                self.renumbered, lo = True, 0
        self.lo, self.rows = lo, rows
        if self.total is not None:
            self.total += added
        if len(down) <= span:
            self.total = self.hi  # read to the end: the count is exact
        self.mark = newest
        arrived = [self.source.arrived(row, mark) for row in rows]
        first_above = max(above - sum(arrived[: len(up)]), 0)
        return Remap(self, old, added, first_above, arrived, was_empty)

    def _clear(self, added: int, newest: Any) -> Remap[R]:
        """Many rows and nothing held where the view is: count them, load afresh."""
        old, was_empty = self._old()
        self.rows = []
        self.lo = 0
        if self.total is not None:
            self.total += added
        self.mark = newest
        return Remap(self, old, added, 0, [], was_empty)


def _sort_key(row: Row) -> Key:
    return row.sort_key


class MentionSource:
    """The inbox stream for one filter, in one order."""

    def __init__(self, inbox: Inbox, query: Query, order: Order = Order.NEWEST):
        self.inbox = inbox
        self.query = query
        self.order = order
        self.upto: int | None = None

    async def high_water(self) -> int:
        return await self.inbox.max_id(self.query)

    async def older(self, key: Key | None, limit: int) -> list[MentionRow]:
        return await self.inbox.page_older(self.query, key, limit, self.upto, self.order)  # type: ignore[arg-type]

    async def newer(self, key: Key, limit: int) -> list[MentionRow]:
        return await self.inbox.page_newer(self.query, key, limit, self.upto, self.order)  # type: ignore[arg-type]

    async def at(self, offset: int, limit: int, total: int | None) -> list[MentionRow]:
        return await self.inbox.page_at(self.query, offset, limit, total, self.upto, self.order)

    async def count(self, upto: int) -> int:
        return await self.inbox.count(self.query, upto=upto)

    async def count_capped(self, upto: int, cap: int) -> int:
        return await self.inbox.count_capped(self.query, cap, upto=upto)

    async def position(self, key: Key, upto: int) -> int:
        return await self.inbox.count_before(self.query, key, upto, self.order)  # type: ignore[arg-type]

    async def arrivals(self, after: int, upto: int, limit: int) -> list[MentionRow]:
        return await self.inbox.arrivals(self.query, after, upto, limit)

    async def tally(self, after: int, upto: int, keys: Sequence[Key]) -> tuple[int, list[int]]:
        return await self.inbox.tally(self.query, after, upto, keys, self.order)  # type: ignore[arg-type]

    async def around(
        self, key: Key, span: int, upto: int
    ) -> tuple[list[MentionRow], list[MentionRow]]:
        up = await self.inbox.page_newer(self.query, key, span, upto, self.order)  # type: ignore[arg-type]
        # From the row at `key` on: further down than the row above it (or from the top).
        above = up[-1].key_in(self.order) if up else None
        down = await self.inbox.page_older(self.query, above, span + 1, upto, self.order)
        return up, down

    def arrived(self, row: MentionRow, mark: int) -> bool:
        return row.id > mark


class StreamWindow(LiveWindow[MentionRow]):
    """The inbox list for one filter, in one order (newest or highest priority first)."""

    def __init__(
        self,
        inbox: Inbox,
        query: Query,
        *,
        order: Order = Order.NEWEST,
        page: int = PAGE,
        keep: int = KEEP,
        fold: int = FOLD,
    ):
        super().__init__(
            MentionSource(inbox, query, order),
            page=page,
            keep=keep,
            fold=fold,
            key=lambda row: row.key_in(order),
        )
        self.query = query
        self.order = order

    source: MentionSource

    async def load_count(self, floored: Callable[[], None] | None = None) -> int:
        """A filter's count in two steps: up to COUNT_CAP matches, which costs as many
        rows however many match; beyond, "at least" (`floor`, told by `floored`) until
        every match is counted."""
        if self.query.is_empty:
            return await super().load_count(floored)
        async with self._lock:
            capped = await self.source.count_capped(self.mark, COUNT_CAP + 1)
            if capped <= COUNT_CAP:
                self.total = max(capped, self.hi)
                return self.total
            self.floor = COUNT_CAP
            if floored is not None:
                floored()
            return await Window.load_count(self)  # the lock is held: the plain count
