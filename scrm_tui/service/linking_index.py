"""The linker's shared match index kept up to date, and its matcher (refitted weights)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from scrm_tui.enrich.match_model import Weights, default_weights
from scrm_tui.enrich.matching import Matcher, Thresholds
from scrm_tui.enrich.shared_index import SharedIndex, indexed_all
from scrm_tui.service.match_pool import MatchPool
from scrm_tui.service.match_refit import Refitted, refit
from scrm_tui.store import match_weights
from scrm_tui.store.customers import CustomerStore
from scrm_tui.store.db import Database
from scrm_tui.store.lease import LeaseStore
from scrm_tui.store.linking import CustomerCard, LinkStore
from scrm_tui.store.match_index import IndexedCustomer, MatchIndexReader, MatchIndexStore

# Customers indexed per transaction: sized as it goes to take about _INDEX_WRITE_S
# (a page of a big index writes more rows), so that other processes' writes never
# wait long behind it.
_INDEX_PAGE = 250
_INDEX_PAGES = (10, 1000)
_INDEX_WRITE_S = 0.015
# Customers whose word pairs the background job writes per transaction (schema step
# 23), sized the same way: a pair page is one INSERT ... SELECT, far cheaper per customer.
_PAIR_PAGES = (100, 20_000)
_PAIR_WRITE_S = 0.03
# Above this many customers, indexing runs in a thread so the UI keeps drawing.
_THREAD_THRESHOLD = 16
# A backlog of customers to index this small is indexed before matching (well under a
# second); a bigger one (an import, an upgrade) in the background, by worker processes,
# while matching looks the customers still waiting up directly.
_INLINE = 500
# Customers read and prepared at a time when the backlog is indexed, per worker.
_INDEX_CHUNK = 500


def _page_for(
    page: int, took_s: float, pages: tuple[int, int] = _INDEX_PAGES, write_s: float = _INDEX_WRITE_S
) -> int:
    """The next page of customers to index, from how long this one's transaction took."""
    wanted = page * write_s / max(took_s, 1e-3)
    return int(min(max(wanted, pages[0]), pages[1], page * 2))


async def _let_others_write(took_s: float) -> None:
    """After a write transaction of a long job, leave the lock free about as long as it
    was held: SQLite's busy handler sleeps between tries, and a job that took the lock
    back at once would keep another process's write waiting through page after page."""
    await asyncio.sleep(min(took_s, _INDEX_WRITE_S))


class LinkerIndex:
    """The shared match index brought up to date, and the matcher over it (refitted weights)."""

    def __init__(self, db: Database, agent: str, now_ms: Callable[[], int]):
        self.store = LinkStore(db)
        self.leases = LeaseStore(db)
        self.customers = CustomerStore(db)
        self.agent = agent
        self.now_ms = now_ms
        self.thresholds = Thresholds()
        # The match model's weights: refitted ones from the database when there are some.
        self.weights: Weights = default_weights()
        self._weights_ms: int | None = None
        self._matcher: Matcher | None = None
        self._reader: MatchIndexReader | None = None
        # Customer search reads on a connection of its own, so that a stale search can
        # be interrupted without touching a match in progress.
        self._finder: Matcher | None = None
        self._finder_reader: MatchIndexReader | None = None
        self.index = MatchIndexStore(db)
        self._cards: dict[int, CustomerCard] = {}
        self._version: tuple[int, int, int] | None = None
        self._updated = 0  # newest customers.updated_ms already applied
        self._lock = asyncio.Lock()

    async def cards(self) -> dict[int, CustomerCard]:
        """Every live customer, kept current (customer search reads them): re-read in full
        the first time, then only the customers changed since."""
        version = await self.store.customers_version()
        if version == self._version:
            return self._cards
        if self._version is None:
            self._cards = {card.id: card for card in await self.store.customer_cards()}
        else:
            changed, gone = await self.store.changed_since(self._updated)
            if len(changed) + len(gone) > max(len(self._cards) // 5, 1000):
                self._cards = {card.id: card for card in await self.store.customer_cards()}
            else:
                for customer_id in gone:
                    self._cards.pop(customer_id, None)
                for card in changed:
                    self._cards[card.id] = card
        self._version = version
        self._updated = version[1]
        return self._cards

    async def refresh_index(
        self,
        on_progress: Callable[[int, int], None] | None = None,
        pool: MatchPool | None = None,
        on_page: Callable[[], Awaitable[None]] | None = None,
    ) -> int:
        """Index the customers changed since last indexed (by anyone, in any process);
        returns how many. Progress is (done, to do). With a pool its workers prepare
        the customers while this process writes the previous chunk. Safe to run in
        several processes at once: each page is written in one short transaction, and
        a customer changed meanwhile stays marked for the next pass. `on_page` runs
        after each chunk (a lease renewed)."""
        total = await self.index.dirty_count()
        done = 0
        page = _INDEX_PAGE
        chunk = _INDEX_CHUNK * (pool.workers if pool is not None else 1)
        marks = await self.index.dirty(chunk)
        preparing = asyncio.ensure_future(self._prepare(marks, pool))
        try:
            while marks:
                rows = await preparing
                current = marks
                marks = await self.index.dirty(chunk, current[-1][0])
                preparing = asyncio.ensure_future(self._prepare(marks, pool))
                start = 0
                while start < len(current):
                    part = current[start : start + page]
                    began = time.perf_counter()
                    await self.index.apply(part, rows)
                    took = time.perf_counter() - began
                    await _let_others_write(took)
                    page = _page_for(page, took, (self.index.least_page, _INDEX_PAGES[1]))
                    start += len(part)
                    done += len(part)
                    if on_progress is not None:
                        on_progress(done, max(total, done))
                if on_page is not None:
                    await on_page()
        finally:
            preparing.cancel()
        return done

    async def pair_up(
        self,
        on_progress: Callable[[int, int], None] | None = None,
        on_page: Callable[[], Awaitable[None]] | None = None,
    ) -> int:
        """Write the word pairs of the customers indexed before there were pairs (an
        upgrade), a page per short transaction that records how far it got: resumed
        from there after a kill. Matching is right meanwhile (store/match_index.py
        intersects the unpaired customers' words); it only gets faster. How many."""
        if not await self.index.pairs_owed():
            return 0
        total = await self.index.unpaired()
        done = 0
        page = _PAIR_PAGES[0]
        while True:
            began = time.perf_counter()
            paired = await self.index.pair_up(page)
            if paired is None:
                break
            took = time.perf_counter() - began
            done += paired
            if on_progress is not None:
                on_progress(done, max(total, done))
            if on_page is not None:
                await on_page()
            await _let_others_write(took)
            page = _page_for(page, took, _PAIR_PAGES, _PAIR_WRITE_S)
        return done

    async def _prepare(
        self, marks: Sequence[tuple[int, int]], pool: MatchPool | None
    ) -> dict[int, IndexedCustomer]:
        """What the marked customers put in the index (none for those gone)."""
        if not marks:
            return {}
        records = list((await self.index.records([c for _, c in marks])).values())
        if pool is not None:
            rows = await pool.indexed(records)
        elif len(records) > _THREAD_THRESHOLD:
            rows = await asyncio.to_thread(indexed_all, records)
        else:
            rows = indexed_all(records)
        return {r.customer_id: r for r in rows}

    async def backlog(self) -> int:
        """Customers waiting to be indexed, counted up to just past what is indexed
        inline (a bigger backlog is the background job's)."""
        return await self.index.dirty_count(_INLINE + 1)

    async def matcher(self) -> Matcher:
        """The matcher over the shared index. Nothing is built: the index is in the file,
        and the matcher reads it as it goes. A small backlog is indexed first; a big one
        is left to the background job (`catch_up`), and meanwhile the matcher looks up
        the customers still waiting directly."""
        if 0 < await self.backlog() <= _INLINE:
            await self.refresh_index()
        if self._matcher is None:
            self._reader = MatchIndexReader(self.store.db.target)
            self._matcher = Matcher(thresholds=self.thresholds, index=SharedIndex(self._reader))
        self._matcher.thresholds = self.thresholds
        self._matcher.weights = await self._current_weights()
        return self._matcher

    async def _current_weights(self) -> Weights:
        """The refitted weights if the database holds some (read again only when they
        change), else the shipped ones. Unreadable ones are left unused, not fatal."""
        stored = await match_weights.stored(self.store.db)
        if stored is None:
            self.weights, self._weights_ms = default_weights(), None
        elif stored.fitted_ms != self._weights_ms:
            try:
                self.weights = Weights.from_json(stored.weights)
            except ValueError:
                self.weights = default_weights()
            self._weights_ms = stored.fitted_ms
        return self.weights

    async def refit(self) -> Refitted:
        """Refit the match weights from the agents' decisions and store them (`scrm
        matching refit`); with too few decisions nothing is stored."""
        matcher = await self.matcher()
        decided = await match_weights.decisions(self.store.db)
        done = await asyncio.to_thread(refit, matcher, decided)
        if done.weights is not None:
            text = done.weights.to_json()
            done = replace(done, weights=Weights.from_json(text))  # as stored: rounded
            await match_weights.save(
                self.store.db,
                match_weights.StoredWeights(
                    text,
                    done.candidates,
                    done.authors,
                    self.now_ms(),
                    self.agent,
                ),
            )
            await self.matcher()  # this process's matcher takes them at once
        return done

    def close(self) -> None:
        """Close the index's read connection (the database closes the rest)."""
        if self._reader is not None:
            self._reader.close()
            self._reader = self._matcher = None
        if self._finder_reader is not None:
            self._finder_reader.close()
            self._finder_reader = self._finder = None
