"""New authors matched to customers, and the re-match an import owes until it completes."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Sequence

from scrm_tui.service.linking_index import _INLINE, LinkerIndex, _let_others_write
from scrm_tui.service.match_pool import MatchPool, decide
from scrm_tui.service.work_lease import take_work
from scrm_tui.store.authors import record_suggestions
from scrm_tui.store.linking import AuthorInfo, MatchOutcome

_PAGE = 1000
# One process re-matches at a time; it renews this lease after each page.
REMATCH_LEASE = "rematch"
REMATCH_TTL_MS = 120_000
# A re-match of at least this many authors runs in one worker process per core (each
# costs about a second to start).
_POOL_THRESHOLD = 5000
# Outcomes recorded per write transaction: tens of ms, so that other processes'
# writes never wait long behind a re-match.
_RECORD = 100


class LinkerMatching(LinkerIndex):
    """New authors matched, and the re-match after an import (owed until it completes)."""

    async def _decide(
        self, authors: Sequence[AuthorInfo], pool: MatchPool | None = None
    ) -> list[MatchOutcome]:
        """What the matcher makes of `authors` (in the pool's processes when given)."""
        if not authors:
            return []
        matcher = await self.matcher()
        rejected = await self.store.rejections([a.id for a in authors])
        if pool is not None:
            return await pool.decide(authors, rejected)
        # In a thread even for one author: the index is read from the disk.
        return await asyncio.to_thread(decide, matcher, authors, rejected)

    async def _record(self, outcomes: Sequence[MatchOutcome]) -> tuple[int, int]:
        """Store outcomes, _RECORD to a transaction; (linked, suggested)."""
        linked = 0
        for start in range(0, len(outcomes), _RECORD):
            part = outcomes[start : start + _RECORD]
            began = time.perf_counter()
            autos = await record_suggestions(self.store.db, part, self.now_ms())
            if autos:
                linked += await self.store.record_matches(autos, self.now_ms())
            await _let_others_write(time.perf_counter() - began)
        suggested = sum(1 for o in outcomes if o.decision == "suggest")
        return linked, suggested

    async def match_pending(self, pool: MatchPool | None = None) -> int:
        """Match every author not looked at yet; returns how many were linked.

        Called after each stored batch. With no customers there is nothing to match,
        and while a big backlog of customers waits to be indexed a match could miss
        one of them: either way the authors wait (`catch_up` matches them next).
        """
        async with self._lock:
            if await self.backlog() > _INLINE:
                return 0
            await self.matcher()  # a small backlog indexed first
            # Counted on the database's reader, not the matcher's: a match in a thread
            # may hold that one, and the event loop must never wait for it.
            if not await self.index.population():  # no customers: the authors wait
                return 0
            linked = 0
            while authors := await self.store.unmatched(_PAGE):
                linked += (await self._record(await self._decide(authors, pool)))[0]
            return linked

    async def rematch_owed(self) -> bool:
        """Customers wait to be indexed in the background, or an import's re-match of
        unlinked authors is not complete yet: `resume_rematch` owes work."""
        return (
            await self.backlog() > _INLINE
            or await self.store.pending_rematch() is not None
            or await self.index.pairs_owed()
        )

    async def resume_rematch(
        self,
        on_progress: Callable[[int, int], None] | None = None,
        on_indexing: Callable[[int, int], None] | None = None,
        on_pairing: Callable[[int, int], None] | None = None,
    ) -> tuple[int, int] | None:
        """Catch up: index the backlog of customers (`on_indexing` sees (done, to do);
        the word pairs of customers indexed before pairs existed go to `on_pairing`, or
        to `on_indexing` when it is not given),
        finish the re-match an import owes, from where it stopped, and match the authors
        that waited for the backlog; (linked, suggested).

        Returns (0, 0) when nothing is owed, and None when another live process is doing
        it (it holds the lease). Progress is (authors done, authors to do). Both steps
        run in one worker process per core when big. Each page is recorded as done once
        written, so a kill costs at most that page.
        """
        if not await self.rematch_owed():
            return 0, 0
        me = await take_work(self.leases, REMATCH_LEASE, self.now_ms(), REMATCH_TTL_MS)
        if me is None:
            return None
        workers = min(os.cpu_count() or 1, 8)
        pool: MatchPool | None = None
        finished = False

        async def renew() -> None:
            await self.leases.renew(REMATCH_LEASE, me, self.now_ms(), REMATCH_TTL_MS)

        def pooled() -> MatchPool | None:
            nonlocal pool
            if pool is None and workers > 1:
                pool = MatchPool(self.store.db.target, self.thresholds, workers, self.weights)
            return pool

        try:
            if await self.backlog() > _INLINE:
                await self.refresh_index(on_indexing, pooled(), renew)
            await self.pair_up(on_pairing or on_indexing, renew)
            linked = suggested = 0
            if await self.store.pending_rematch() is not None:
                total = await self.store.count_unlinked_after(0)
                linked, suggested = await self._rematch(
                    pooled() if total >= _POOL_THRESHOLD else pool, renew, on_progress
                )
            # The authors that waited for the backlog (a re-match took most of them).
            linked += await self.match_pending(pool)
            finished = True
        finally:
            if pool is not None:
                pool.close(wait=finished)
            await self.leases.release(REMATCH_LEASE, me)
        return linked, suggested

    async def _rematch(
        self,
        pool: MatchPool | None,
        renew: Callable[[], Awaitable[None]],
        on_progress: Callable[[int, int], None] | None,
    ) -> tuple[int, int]:
        """The owed re-match of unlinked authors, a page at a time from where it stopped."""
        linked = suggested = done = 0
        while (owed := await self.store.pending_rematch()) is not None:
            after = owed.after_id
            total = done + await self.store.count_unlinked_after(after)
            current = True
            authors = await self.store.unlinked_after(after, _PAGE)
            deciding = asyncio.ensure_future(self._decide(authors, pool))
            try:
                while current and authors:
                    outcomes = await deciding
                    after = authors[-1].id
                    # The next page is matched while this one is written.
                    authors = await self.store.unlinked_after(after, _PAGE)
                    deciding = asyncio.ensure_future(self._decide(authors, pool))
                    # The lock per page: this process's own new authors are
                    # matched between pages rather than after the whole re-match.
                    async with self._lock:
                        page = await self._record(outcomes)
                    linked, suggested = linked + page[0], suggested + page[1]
                    done += len(outcomes)
                    current = await self.store.advance_rematch(
                        owed.generation, after, self.now_ms()
                    )
                    await renew()
                    if on_progress is not None:
                        on_progress(done, max(total, done))
            finally:
                deciding.cancel()
            if current and await self.store.finish_rematch(owed.generation):
                break
            # A newer import owes a re-match from the first author: go again.
        return linked, suggested
