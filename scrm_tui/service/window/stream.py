"""The inbox's window: mentions of a filter, counted (capped first) while shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scrm_tui.core.models import MentionRow, Order
from scrm_tui.core.query import Query
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.window.base import COUNT_CAP, FOLD, KEEP, PAGE, Key, Window
from scrm_tui.service.window.live import LiveWindow


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
