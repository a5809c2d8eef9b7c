"""A customer's timeline as a Window, and the summary shown above it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from scrm_tui.core.history import Stance, mood_trend, stance
from scrm_tui.core.models import TimelineItem
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

    async def _select(self, **options: Any) -> list[TimelineItem]:
        return await self.store.select(
            self.customer_id, channels=self.channels, kinds=self.kinds, **options
        )

    async def high_water(self) -> tuple[int, int]:
        return await self.store.high_water()

    async def older(self, key: Key | None, limit: int) -> list[TimelineItem]:
        if key is None:
            return await self._select(tail="LIMIT :limit", params={"limit": limit})
        return await self._select(
            where="(at, src, id) < (:ka, :ks, :ki)",
            tail="LIMIT :limit",
            params={"ka": key[0], "ks": key[1], "ki": key[2], "limit": limit},
        )

    async def newer(self, key: Key, limit: int) -> list[TimelineItem]:
        rows: list[TimelineItem] = await self._select(
            where="(at, src, id) > (:ka, :ks, :ki)",
            order="at ASC, src ASC, id ASC",
            tail="LIMIT :limit",
            params={"ka": key[0], "ks": key[1], "ki": key[2], "limit": limit},
        )
        rows.reverse()
        return rows

    async def at(self, offset: int, limit: int, total: int | None) -> list[TimelineItem]:
        if total is not None and offset > total - offset - limit:
            # Nearer the end: read backwards from the oldest.
            count = min(limit, total - offset)
            rows: list[TimelineItem] = await self._select(
                order="at ASC, src ASC, id ASC",
                tail="LIMIT :limit OFFSET :offset",
                params={"limit": count, "offset": max(total - offset - limit, 0)},
            )
            rows.reverse()
            return rows
        return await self._select(
            tail="LIMIT :limit OFFSET :offset", params={"limit": limit, "offset": offset}
        )

    async def count(self, upto: tuple[int, int]) -> int:
        return await self.store.count(
            self.customer_id, channels=self.channels, kinds=self.kinds, upto=upto
        )


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


async def customer_summary(inbox: Inbox, customer_id: int) -> CustomerSummary:
    profile = await inbox.customers.profile(customer_id)
    scored = await TimelineStore(inbox.db).select(customer_id, where="compound IS NOT NULL")
    points = [(item.at_ms, item.compound) for item in scored if item.compound is not None]
    trend, label = mood_trend(points, inbox.now_ms())
    return CustomerSummary(
        profile=profile,
        stance=stance([score for _, score in points]),
        trend=trend,
        scored=len(points),
        trend_label=label,
    )
