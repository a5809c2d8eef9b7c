"""The inbox's reads: counts, pages and positions of a list, a mention in full, its stats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from scrm_tui.core.models import MentionDetail, MentionRow, Order
from scrm_tui.core.query import Query, both
from scrm_tui.service.inbox.base import InboxBase
from scrm_tui.store.db import Database, StoreError
from scrm_tui.store.mentions import DUE_COUNTED, DueUncounted, Key, MentionStore


class InboxReads(InboxBase):
    """Lists read for a filter, the unfiltered list and the reading pane."""

    # Each read takes the clock's now: relative dates (`after:7d`), live claims and
    # snoozes are judged at the moment the filter runs.

    async def _reader(self, query: Query) -> MentionStore:
        """Where a list's reads go: a filter's to a connection of its own, where a
        search that a newer one replaced is interrupted; however long a search runs,
        the change polls, the reading pane and the unfiltered list never wait for it."""
        if query.is_empty:
            return self.mentions
        async with self._search_opening:
            if self._search is None:
                twin = await self.db.with_own_reader()
                self._search = MentionStore(
                    twin, self.now_ms, temp_prefix="search", interruptible=True
                )
        return self._search

    @property
    def search_db(self) -> Database | None:
        """The connection filters read on (None until a filter was read)."""
        return None if self._search is None else self._search.db

    async def count(self, query: Query, upto: int | None = None) -> int:
        store = await self._reader(query)
        return await store.count(query, self.agent, upto, now_ms=self.now_ms())

    async def count_capped(self, query: Query, cap: int, upto: int | None = None) -> int:
        """As count, stopping at `cap` (then the count is "at least `cap`")."""
        store = await self._reader(query)
        return await store.count_capped(query, self.agent, cap, upto, now_ms=self.now_ms())

    async def page_older(
        self,
        query: Query,
        key: Key | None,
        limit: int,
        upto: int | None = None,
        order: Order = Order.NEWEST,
    ) -> list[MentionRow]:
        store = await self._reader(query)
        return await store.page_older(
            query, self.agent, key, limit, upto, order, now_ms=self.now_ms()
        )

    async def page_newer(
        self,
        query: Query,
        key: Key,
        limit: int,
        upto: int | None = None,
        order: Order = Order.NEWEST,
    ) -> list[MentionRow]:
        store = await self._reader(query)
        return await store.page_newer(
            query, self.agent, key, limit, upto, order, now_ms=self.now_ms()
        )

    async def page_at(
        self,
        query: Query,
        offset: int,
        limit: int,
        total: int | None,
        upto: int | None = None,
        order: Order = Order.NEWEST,
    ) -> list[MentionRow]:
        store = await self._reader(query)
        return await store.page_at(
            query, self.agent, offset, limit, total, upto, order, now_ms=self.now_ms()
        )

    async def count_before(self, query: Query, key: Key, upto: int | None, order: Order) -> int:
        """Where a row with `key` is in the list (how many come before it)."""
        store = await self._reader(query)
        return await store.count_before(query, self.agent, key, upto, order, now_ms=self.now_ms())

    async def listed_among(
        self, query: Query, ids: Sequence[int], upto: int | None = None
    ) -> list[MentionRow]:
        """Which of these mentions the list for `query` holds now."""
        store = await self._reader(query)
        return await store.listed_among(query, self.agent, ids, upto, now_ms=self.now_ms())

    async def arrivals(self, query: Query, after: int, upto: int, limit: int) -> list[MentionRow]:
        """Mentions matching `query` stored after id `after` up to `upto` (at most `limit`)."""
        store = await self._reader(query)
        return await store.arrivals(query, self.agent, after, upto, limit, now_ms=self.now_ms())

    async def tally(
        self,
        query: Query,
        after: int,
        upto: int,
        keys: Sequence[Key],
        order: Order = Order.NEWEST,
    ) -> tuple[int, list[int]]:
        """How many such mentions there are, and how many come before each key."""
        store = await self._reader(query)
        return await store.tally(query, self.agent, after, upto, keys, order, now_ms=self.now_ms())

    async def next_match(
        self,
        listed: Query,
        search: Query,
        key: Key,
        *,
        older: bool,
        upto: int | None = None,
        order: Order = Order.NEWEST,
    ) -> MentionRow | None:
        """The mention nearest `key` in the list of `listed` (in `order`) that also
        matches `search`: the next one down the list (`older`) or up it, as mutt's `n`
        and `N` find."""
        wanted = both(listed, search)
        if older:
            rows = await self.page_older(wanted, key, 1, upto, order)
        else:
            rows = await self.page_newer(wanted, key, 1, upto, order)
        return rows[0] if rows else None

    async def position(
        self, query: Query, key: Key, upto: int | None = None, order: Order = Order.NEWEST
    ) -> int:
        """Where the mention at `key` is in the list of `query` (0: the top)."""
        if order is Order.PRIORITY:
            return await self.count_before(query, key, upto, order)
        store = await self._reader(query)
        return await store.count_newer(query, self.agent, key, upto, now_ms=self.now_ms())

    async def rows(self, ids: Sequence[int]) -> list[MentionRow]:
        return await self.mentions.rows_by_id(ids, self.agent)

    async def detail(self, mention_id: int) -> MentionDetail | None:
        """One mention in full, with its priority explained for now."""
        found = await self.mentions.detail(mention_id, self.agent)
        if found is None:
            return None
        await self.priorities.weights()
        until = found.row.snoozed_until_ms
        return replace(
            found,
            priority_why=self.priorities.explain(found, self.now_ms()),
            snoozed_shown=None if until is None else self.snoozes.when(until),
        )

    async def max_id(self, query: Query | None = None) -> int:
        """The newest mention's id; with `query`, read where that list reads (a
        filter's on its own connection, never queued behind the inbox's reads)."""
        store = self.mentions if query is None else await self._reader(query)
        return await store.max_id()

    async def stats(self) -> tuple[int, int]:
        """(all mentions, unread by this agent)."""
        woke = True
        while True:
            try:
                return await self.mentions.stats(self.agent, self.now_ms())
            except DueUncounted:
                if not woke:
                    raise StoreError("the counts are not known yet (snoozes are waking)") from None
                woke = await self._wake_due_batch()

    async def _wake_due_batch(self) -> bool:
        """More snoozes came due than a look counts (store/mentions.DUE_COUNTED): wake a
        batch of them, so that the next look counts the rest. False when none was woken
        (another process wakes them: the look after its commit counts them)."""
        return bool(await self.snoozes.wake_due(DUE_COUNTED))
