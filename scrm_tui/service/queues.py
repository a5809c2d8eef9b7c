"""Long queues for their screens: escalations as a live Window, outbox counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrm_tui.core.models import ESCALATION_STATES, PRIORITIES, Escalation
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.window import PAGE, Key, LiveWindow
from scrm_tui.store.escalations import EscalationStore


class EscalationSource:
    """Escalations in some states, newest first; `upto` (an id) is what was counted."""

    def __init__(self, store: EscalationStore, states: Sequence[str]):
        self.store = store
        self.states = tuple(states) or ESCALATION_STATES
        self.upto: int | None = None

    async def high_water(self) -> int:
        return await self.store.high_water()

    async def older(self, key: Key | None, limit: int) -> list[Escalation]:
        return await self.store.page(self.states, key=key, limit=limit, upto=self.upto)

    async def newer(self, key: Key, limit: int) -> list[Escalation]:
        rows = await self.store.page(self.states, key=key, newer=True, limit=limit, upto=self.upto)
        return rows

    async def at(self, offset: int, limit: int, total: int | None) -> list[Escalation]:
        if total is not None and offset > total - offset - limit:
            # Nearer the end: read backwards from the oldest.
            return await self.store.page_at(
                self.states,
                offset=max(total - offset - limit, 0),
                limit=min(limit, total - offset),
                oldest_first=True,
                upto=self.upto,
            )
        return await self.store.page_at(self.states, offset=offset, limit=limit, upto=self.upto)

    async def count(self, upto: int | None) -> int:
        return await self.store.count(self.states, upto)

    async def position(self, key: Key, upto: int | None) -> int:
        return await self.store.count(self.states, upto, before=(key[0], key[1]))

    async def around(
        self, key: Key, span: int, upto: int | None
    ) -> tuple[list[Escalation], list[Escalation]]:
        up = await self.store.page(self.states, key=key, newer=True, limit=span, upto=upto)
        # From the row at `key` on: just after the row above it (or from the top).
        above = up[-1].sort_key if up else None
        down = await self.store.page(self.states, key=above, limit=span + 1, upto=upto)
        return up, down

    async def arrivals(self, after: int, upto: int, limit: int) -> list[Escalation]:
        rows = await self.store.page(self.states, limit=limit, upto=upto)
        return [row for row in rows if row.id > after]

    async def tally(self, after: int, upto: int, keys: Sequence[Key]) -> tuple[int, list[int]]:
        added = await self.store.count(self.states, upto) - await self.store.count(
            self.states, after
        )
        return added, [await self.position(key, upto) for key in keys]

    def arrived(self, row: Escalation, mark: Any) -> bool:
        return mark is not None and row.id > mark


class EscalationWindow(LiveWindow[Escalation]):
    """The escalations screen's list: `refresh` reads it again around the user's row."""

    source: EscalationSource

    def __init__(self, inbox: Inbox, states: Sequence[str], *, page: int = PAGE):
        super().__init__(EscalationSource(EscalationStore(inbox.db), states), page=page)
        self.inbox = inbox

    async def late(self) -> int | None:
        """How many unresolved ones are past their SLA now (None: this list has none)."""
        if not set(self.source.states) & {"open", "acknowledged"}:
            return None
        service = self.inbox.escalations
        slas = {priority: service.sla_ms(priority) for priority in PRIORITIES}
        return await self.source.store.count_late(
            self.inbox.now_ms(), slas, service.sla_ms("unknown")
        )


async def outbox_counts(inbox: Inbox, states: Sequence[str] = ()) -> dict[str, int]:
    """The outbox's items per state (of `states`; none: all), all of them counted."""
    return await inbox.outbox.state_counts(states)
