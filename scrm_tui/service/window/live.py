"""A window that takes in what is stored while it is shown: merged, or read again."""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol

from scrm_tui.service.window.base import ATTEMPTS, FOLD, KEEP, PAGE, Key, PageSource, R, Window


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
