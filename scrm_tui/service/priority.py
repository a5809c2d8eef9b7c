"""Priorities for the inbox: the weights every process shares, scoring what is stored,
the resumable re-score, and the reading pane's explanation."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from scrm_tui.core.models import MentionDetail, NewMention
from scrm_tui.core.priority import PriorityWeights
from scrm_tui.enrich import priority
from scrm_tui.service.work_lease import take_work
from scrm_tui.store.db import Database
from scrm_tui.store.lease import LeaseStore
from scrm_tui.store.priority import PriorityStore, StaleWeights

__all__ = ["Priorities", "StaleWeights"]

PAGE = 1000
# One process re-scores at a time; it renews this lease after each page.
RESCORE_LEASE = "rescore"
RESCORE_TTL_MS = 120_000
# Above this many rows, a batch is scored in a thread so the UI keeps drawing.
_THREAD_THRESHOLD = 2000


def own_parts(
    rows: Sequence[tuple[str, str, float | None, int | None, int | None]], weights: PriorityWeights
) -> list[float]:
    """Each (channel, text, compound, followers, points)'s own part of its priority."""
    return [priority.own_part(*row, weights) for row in rows]


class Priorities:
    """The weights this process scores with, and the work they bring."""

    def __init__(self, db: Database, agent: str, now_ms: Callable[[], int]):
        self.store = PriorityStore(db)
        self.leases = LeaseStore(db)
        self.agent = agent
        self.now_ms = now_ms
        self.proposed: PriorityWeights | None = None  # the config's, if it sets any
        self._weights: PriorityWeights | None = None

    def propose(self, weights: PriorityWeights | None) -> None:
        """The config's weights: they replace the stored ones (and re-score) when they
        differ; without any, this process uses what the database has."""
        self.proposed = weights
        self._weights = None

    async def weights(self) -> PriorityWeights:
        """The weights the stored priorities are computed with (settled on first use)."""
        if self._weights is None:
            self._weights = await self.store.settle(self.proposed, self.agent, self.now_ms())
        return self._weights

    async def reload(self) -> PriorityWeights:
        """Another process changed the weights: take them (ours were stored earlier)."""
        self._weights = await self.store.weights() or await self.store.settle(
            None, self.agent, self.now_ms()
        )
        return self._weights

    @property
    def known(self) -> PriorityWeights:
        """The weights as last read (the defaults before the first read): for showing."""
        return self._weights or self.proposed or PriorityWeights()

    async def score_rows(self, rows: Sequence[NewMention], weights: PriorityWeights) -> list[float]:
        inputs = [(r.channel, r.text, r.compound, r.followers, r.points) for r in rows]
        if len(inputs) >= _THREAD_THRESHOLD:
            return await asyncio.to_thread(own_parts, inputs, weights)
        return own_parts(inputs, weights)

    # ---------------------------------------------------------------- re-score

    async def rescore_owed(self) -> bool:
        return await self.store.owed() is not None

    async def resume_rescore(
        self, on_progress: Callable[[int, int], None] | None = None
    ) -> int | None:
        """Re-score every mention under the current weights, from where a re-score
        stopped (mentions stored before priorities existed, or weights changed). Returns
        how many were scored, or None when another live process is doing it. Each page
        commits with its place, so a kill costs at most a page."""
        if await self.store.owed() is None:
            return 0
        me = await take_work(self.leases, RESCORE_LEASE, self.now_ms(), RESCORE_TTL_MS)
        if me is None:
            return None
        done = 0
        try:
            while (owed := await self.store.owed()) is not None:
                total = done + await self.store.count_after(owed.after_id)
                after, current = owed.after_id, True
                while current and (page := await self.store.page(after, PAGE)):
                    weights = await self.weights()
                    inputs = [(m.channel, m.text, m.compound, m.followers, m.points) for m in page]
                    parts = await asyncio.to_thread(own_parts, inputs, weights)
                    try:
                        current = await self.store.apply(
                            owed,
                            weights,
                            [(m.id, part) for m, part in zip(page, parts, strict=True)],
                            self.now_ms(),
                        )
                    except StaleWeights:
                        await self.reload()  # they changed: a newer re-score is owed
                        break
                    after = page[-1].id
                    done += len(page)
                    await self.leases.renew(RESCORE_LEASE, me, self.now_ms(), RESCORE_TTL_MS)
                    if on_progress is not None:
                        on_progress(done, max(total, done))
                else:
                    if current and await self.store.finish(owed):
                        break
        finally:
            await self.leases.release(RESCORE_LEASE, me)
        return done

    # ---------------------------------------------------------------- explaining

    def explain(self, detail: MentionDetail, now_ms: int) -> str:
        """`P87: enterprise customer · negative · question · 12k followers`."""
        row = detail.row
        inputs = priority.Inputs(
            channel=row.channel,
            text=detail.text,
            compound=row.compound,
            followers=detail.followers,
            points=detail.points,
            is_customer=row.customer_name is not None,
            tier=row.customer_tier,
            lifetime_value=detail.customer_value,
            created_ms=row.created_ms,
        )
        return priority.explain(row.priority, inputs, self.known, now_ms)
