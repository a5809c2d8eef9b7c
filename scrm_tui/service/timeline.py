"""A customer's timeline as a Window, and the summary shown above it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from scrm_tui.core.history import DAY_MS, Stance, stance_of, trend_of, trend_scale
from scrm_tui.core.models import NEUTRAL_BAND, TimelineItem
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.window import Key, Window
from scrm_tui.store.timeline import TimelineStore

KINDS = (
    "mention",
    "reply",
    "escalation",
    "note",
    "call",
    "email",
    "meeting",
    "survey",
    "letter",
    "comment_card",
    "other",
    "status",
    "link",
    "customer",
    "merge",
    "claim",
    "collision",
    "assign",
    "tag",
    "sentiment",
)


class TimelineSource:
    """Pages of one customer's history, newest first, optionally narrowed."""

    def __init__(
        self,
        store: TimelineStore,
        customer_id: int,
        channels: Collection[str] = (),
        kinds: Collection[str] = (),
    ):
        self.store = store
        self.customer_id = customer_id
        self.channels = tuple(channels)
        self.kinds = tuple(kinds)

    def _narrowed(self) -> dict[str, Any]:
        return {"channels": self.channels, "kinds": self.kinds}

    async def high_water(self) -> tuple[int, int]:
        return await self.store.high_water()

    async def older(self, key: Key | None, limit: int) -> list[TimelineItem]:
        return await self.store.page(self.customer_id, key=key, limit=limit, **self._narrowed())

    async def newer(self, key: Key, limit: int) -> list[TimelineItem]:
        return await self.store.page(
            self.customer_id, key=key, newer=True, limit=limit, **self._narrowed()
        )

    async def at(self, offset: int, limit: int, total: int | None) -> list[TimelineItem]:
        if total is not None and offset > total - offset - limit:
            # Nearer the end: read backwards from the oldest.
            rows = await self.store.at(
                self.customer_id,
                offset=max(total - offset - limit, 0),
                limit=min(limit, total - offset),
                oldest_first=True,
                **self._narrowed(),
            )
            rows.reverse()
            return rows
        return await self.store.at(self.customer_id, offset=offset, limit=limit, **self._narrowed())

    async def count(self, upto: tuple[int, int]) -> int:
        return await self.store.count(self.customer_id, upto=upto, **self._narrowed())


def timeline_window(
    inbox: Inbox, customer_id: int, channels: Collection[str] = (), kinds: Collection[str] = ()
) -> Window[TimelineItem]:
    return Window(TimelineSource(TimelineStore(inbox.db), customer_id, channels, kinds))


@dataclass(frozen=True)
class CustomerSummary:
    """The header of the customer view."""

    profile: dict[str, Any]
    stance: Stance
    trend: list[float]
    scored: int
    trend_label: str = "mood by week, last 12"
    unscored: int = 0  # mentions in a language no scorer reads: in no figure above


async def customer_summary(inbox: Inbox, customer_id: int) -> CustomerSummary:
    """Profile, stance and trend, tallied by day in SQL: a 100k-item history costs one
    scan and no copy of its items."""
    profile = await inbox.customers.profile(customer_id)
    now = inbox.now_ms()
    days = await TimelineStore(inbox.db).mood_days(customer_id, now, NEUTRAL_BAND)
    scored = sum(day[1] for day in days)
    oldest = min((day[5] for day in days), default=None)
    steps, step_ms, label = trend_scale(oldest, now)
    per_step = step_ms // DAY_MS
    by_step: dict[int, tuple[float, int]] = {}
    for ago, count, _, _, total, _ in days:
        if ago >= 0:
            old_total, old_count = by_step.get(ago // per_step, (0.0, 0))
            by_step[ago // per_step] = (old_total + total, old_count + count)
    return CustomerSummary(
        profile=profile,
        stance=stance_of(
            scored,
            sum(day[2] for day in days),
            sum(day[3] for day in days),
            sum(day[4] for day in days),
        ),
        trend=trend_of(by_step, steps),
        scored=scored,
        trend_label=label,
        unscored=await TimelineStore(inbox.db).unscored(customer_id),
    )


async def history_entry(inbox: Inbox, interaction_id: int) -> dict[str, Any] | None:
    """One history entry in full (the timeline shows only the start of it)."""
    return await inbox.customers.interaction(interaction_id)
