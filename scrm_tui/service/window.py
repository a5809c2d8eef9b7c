"""The inbox list as a window of rows over an ordered query, loaded page by page.

The list on screen may stand for a million mentions; this keeps only a contiguous
run of a few thousand rows (positions `lo`..`hi`) and extends it at either edge
with keyset pages, which cost the same at any depth. Only a jump far from the
window (a scrollbar drag, a search result deep in the list) pays for an OFFSET
query, and `page_at` reads that from the nearer end.
"""

from __future__ import annotations

from bisect import bisect_left

from scrm_tui.core.models import MentionRow
from scrm_tui.core.query import Query
from scrm_tui.service.inbox import Inbox

PAGE = 100
KEEP = 3000


class StreamWindow:
    def __init__(self, inbox: Inbox, query: Query, *, page: int = PAGE, keep: int = KEEP):
        self.inbox = inbox
        self.query = query
        self.page = page
        self.keep = max(keep, 4 * page)
        self.total: int | None = None
        self.lo = 0
        self.rows: list[MentionRow] = []
        self.last_id = 0  # every mention with a higher id is an arrival to apply
        self.renumbered = False  # positions moved under us; the view must redraw all

    # ---------------------------------------------------------------- access

    @property
    def hi(self) -> int:
        return self.lo + len(self.rows)

    def get(self, index: int) -> MentionRow | None:
        offset = index - self.lo
        if 0 <= offset < len(self.rows):
            return self.rows[offset]
        return None

    def position_of(self, mention_id: int) -> int | None:
        for offset, row in enumerate(self.rows):
            if row.id == mention_id:
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
        self.last_id = await self.inbox.max_id()
        rows = await self.inbox.page_older(self.query, None, self.page)
        self.lo, self.rows = 0, rows
        if len(rows) < self.page:
            self.total = len(rows)

    async def load_count(self) -> int:
        # Count what existed at `start`; later rows are counted as `poll` applies them.
        total = await self.inbox.count(self.query, upto=self.last_id)
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
        rows = await self.inbox.page_at(self.query, offset, limit, self.total)
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
            more = await self.inbox.page_older(self.query, self.rows[-1].sort_key, self.page)
            self._append(more)
            if len(more) < self.page:
                self.total = self.hi  # reached the end: now we know the count exactly
                return

    async def _extend_up(self, start: int) -> None:
        while self.rows and start < self.lo:
            more = await self.inbox.page_newer(self.query, self.rows[0].sort_key, self.page)
            known = {row.id for row in self.rows}
            more = [row for row in more if row.id not in known]
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

    def _append(self, more: list[MentionRow]) -> None:
        known = {row.id for row in self.rows[-self.page :]}
        self.rows.extend(row for row in more if row.id not in known)

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

    def apply_arrivals(self, arrivals: list[MentionRow]) -> list[MentionRow]:
        """Place newly stored rows; returns those that were not already known.

        Positions below each arrival move down by one. A caller keeps its place by
        counting the returned rows whose sort key is newer than the row it shows.
        """
        known = {row.id for row in self.rows}
        added: list[MentionRow] = []
        for row in sorted(arrivals, key=lambda r: r.sort_key, reverse=True):
            self.last_id = max(self.last_id, row.id)
            if row.id in known:
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
                keys = [(-r.created_ms, -r.id) for r in self.rows]
                self.rows.insert(bisect_left(keys, (-row.created_ms, -row.id)), row)
        return added

    def replace(self, rows: list[MentionRow]) -> list[int]:
        """Swap in fresh copies of loaded rows (status or read changed); return positions."""
        fresh = {row.id: row for row in rows}
        changed: list[int] = []
        for offset, old in enumerate(self.rows):
            new = fresh.get(old.id)
            if new is not None and new != old:
                self.rows[offset] = new
                changed.append(self.lo + offset)
        return changed

    async def fetch_arrivals(self) -> list[MentionRow]:
        """Rows stored since the last fetch that match the query (not yet placed)."""
        # Read the high-water mark first: a row stored between the two queries is
        # then either fetched now or (if it did not match yet) looked at next time.
        newest = await self.inbox.max_id()
        arrivals = await self.inbox.newer_than(self.query, self.last_id)
        # Mentions that did not match the filter still move the mark forward.
        self.last_id = max(self.last_id, newest)
        return arrivals
