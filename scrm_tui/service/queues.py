"""Long queues for their screens: escalations and the outbox as live Windows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from scrm_tui.core.models import ESCALATION_STATES, PRIORITIES, Escalation, OutboxItem
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.window import PAGE, Key, LiveWindow, Row
from scrm_tui.store.escalations import EscalationStore
from scrm_tui.store.outbox import OutboxStore

R = TypeVar("R", bound=Row)


class QueueSource(Generic[R]):
    """A queue's rows in some states, newest first; `upto` (an id) is what was counted.

    The store reads pages by keyset (`page`), jumps by OFFSET (`page_at`) and counts
    from its (state, ...) index (`count`); `extra()` is any further filter it takes."""

    def __init__(self, store: Any, states: Sequence[str]):
        self.store = store
        self.states = tuple(states)
        self.upto: int | None = None

    def extra(self) -> dict[str, Any]:
        return {}

    async def high_water(self) -> int:
        return int(await self.store.high_water())

    async def older(self, key: Key | None, limit: int) -> list[R]:
        return await self._page(key, limit, self.upto)

    async def newer(self, key: Key, limit: int) -> list[R]:
        return await self._page(key, limit, self.upto, newer=True)

    async def _page(
        self, key: Key | None, limit: int, upto: int | None, *, newer: bool = False
    ) -> list[R]:
        rows: list[R] = await self.store.page(
            self.states, key=key, newer=newer, limit=limit, upto=upto, **self.extra()
        )
        return rows

    async def at(self, offset: int, limit: int, total: int | None) -> list[R]:
        if total is not None and offset > total - offset - limit:
            # Nearer the end: read backwards from the oldest.
            offset, limit = max(total - offset - limit, 0), min(limit, total - offset)
            oldest_first = True
        else:
            oldest_first = False
        rows: list[R] = await self.store.page_at(
            self.states,
            offset=offset,
            limit=limit,
            oldest_first=oldest_first,
            upto=self.upto,
            **self.extra(),
        )
        return rows

    async def count(self, upto: int | None) -> int:
        return int(await self.store.count(self.states, upto, **self.extra()))

    async def position(self, key: Key, upto: int | None) -> int:
        return int(await self.store.count(self.states, upto, before=key, **self.extra()))

    async def around(self, key: Key, span: int, upto: int | None) -> tuple[list[R], list[R]]:
        up = await self._page(key, span, upto, newer=True)
        # From the row at `key` on: just after the row above it (or from the top).
        above = up[-1].sort_key if up else None
        down = await self._page(above, span + 1, upto)
        return up, down

    async def arrivals(self, after: int, upto: int, limit: int) -> list[R]:
        rows = await self._page(None, limit, upto)
        return [row for row in rows if row.sort_key[-1] > after]

    async def tally(self, after: int, upto: int, keys: Sequence[Key]) -> tuple[int, list[int]]:
        added = await self.count(upto) - await self.count(after)
        return added, [await self.position(key, upto) for key in keys]

    def arrived(self, row: R, mark: Any) -> bool:
        # A queue's sort key ends with the row's id, which grows as rows are stored.
        return mark is not None and row.sort_key[-1] > mark


class EscalationSource(QueueSource[Escalation]):
    """Escalations in some states (none: all), newest first."""

    store: EscalationStore

    def __init__(self, store: EscalationStore, states: Sequence[str]):
        super().__init__(store, tuple(states) or ESCALATION_STATES)


class EscalationWindow(LiveWindow[Escalation]):
    """The escalations screen's list: `refresh` reads it again around the user's row."""

    source: EscalationSource

    def __init__(self, inbox: Inbox, states: Sequence[str], *, page: int = PAGE):
        super().__init__(EscalationSource(EscalationStore(inbox.db), states), page=page)
        self.inbox = inbox

    async def change_mark(self) -> tuple[int, int]:
        """Moves with every change to an escalation or to the outbox (their webhook
        calls): the screen reads them again only when this moved."""
        return await self.source.store.change_mark()

    async def late_and_due(self) -> tuple[int | None, int | None]:
        """How many unresolved ones are past their SLA now, and when the next one will be
        (None, None: this list shows no unresolved ones; None due: none will unless the
        escalations change)."""
        if not set(self.source.states) & {"open", "acknowledged"}:
            return None, None
        service = self.inbox.escalations
        slas = {priority: service.sla_ms(priority) for priority in PRIORITIES}
        return await self.source.store.late_and_due(
            self.inbox.now_ms(), slas, service.sla_ms("unknown")
        )


class OutboxSource(QueueSource[OutboxItem]):
    """Outbox items in some states (none: all), newest first, and those kept in view
    after they left those states (`kept`: sent or discarded a moment ago)."""

    store: OutboxStore

    def __init__(self, store: OutboxStore, states: Sequence[str]):
        super().__init__(store, states)
        self.kept: set[int] = set()

    def extra(self) -> dict[str, Any]:
        return {"also": tuple(sorted(self.kept))} if self.kept else {}


class OutboxWindow(LiveWindow[OutboxItem]):
    """The outbox screen's list: every item reachable, counted, newest first."""

    source: OutboxSource

    def __init__(self, inbox: Inbox, states: Sequence[str], *, page: int = PAGE):
        super().__init__(OutboxSource(inbox.outbox, states), page=page)

    async def keep_gone(self) -> None:
        """Items held here that left the list's states since (gone out, discarded)
        stay listed, in their new state, for as long as this window lives."""
        states = self.source.states
        held = [row.id for row in self.rows if row.state in states]
        self.source.kept |= await self.source.store.left(held, states)

    async def counts(self) -> dict[str, int]:
        """The items of this list per state, all of them counted."""
        return await self.source.store.state_counts(self.source.states, self.source.kept)


async def outbox_mark(inbox: Inbox) -> int:
    """Moves with every change to the outbox: a screen that shows it reads it again
    only when this moved."""
    return await inbox.outbox.change_mark()
