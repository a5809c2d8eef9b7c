"""The review queue (`L`): every open suggestion, best first, decided one by one or as a batch."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scrm_tui.service.inbox import Inbox
from scrm_tui.service.window import PAGE, Key, LiveWindow
from scrm_tui.store.reviews import Evidence, ReviewRow, ReviewStore

__all__ = ["Batch", "Evidence", "ReviewRow", "ReviewWindow", "Reviews"]

BATCH_PAGE = 200  # authors confirmed per transaction: others' writes wait one page at most


class ReviewSource:
    """The queue's rows for a LiveWindow. Rows are ordered by probability, not by when they
    were stored, so nothing "arrives": the list is read again (`resync`) when the
    database changes, around the row the agent is on, and counted again."""

    def __init__(self, store: ReviewStore):
        self.store = store
        self.upto: Any = None  # no high-water mark: every page reads the queue as it is

    async def high_water(self) -> Any:
        return None

    async def older(self, key: Key | None, limit: int) -> list[ReviewRow]:
        return await self.store.page(key, limit)

    async def newer(self, key: Key, limit: int) -> list[ReviewRow]:
        return await self.store.page(key, limit, newer=True)

    async def at(self, offset: int, limit: int, total: int | None) -> list[ReviewRow]:
        if total is not None and offset > total - offset - limit:
            # Nearer the end: read backwards from the last.
            start = max(total - offset - limit, 0)
            return await self.store.page_at(start, min(limit, total - offset), from_end=True)
        return await self.store.page_at(offset, limit)

    async def count(self, upto: Any) -> int:
        return await self.store.count()

    async def position(self, key: Key, upto: Any) -> int:
        return await self.store.above(key)

    async def around(
        self, key: Key, span: int, upto: Any
    ) -> tuple[list[ReviewRow], list[ReviewRow]]:
        up = await self.store.page(key, span, newer=True)
        above = up[-1].sort_key if up else None
        down = await self.store.page(above, span + 1)
        return up, down

    async def arrivals(self, after: Any, upto: Any, limit: int) -> list[ReviewRow]:
        return []  # see the class docstring: changes come in through resync

    async def tally(self, after: Any, upto: Any, keys: Sequence[Key]) -> tuple[int, list[int]]:
        return 0, [await self.store.above(key) for key in keys]

    def arrived(self, row: ReviewRow, mark: Any) -> bool:
        return False


class ReviewWindow(LiveWindow[ReviewRow]):
    """The review screen's list: every waiting author reachable, counted, best first."""

    source: ReviewSource

    def __init__(self, inbox: Inbox, *, page: int = PAGE):
        super().__init__(ReviewSource(ReviewStore(inbox.db)), page=page)


@dataclass
class Batch:
    """Suggestions confirmed together (`Y`): undone together."""

    key: str
    at_least: float
    authors: list[int] = field(default_factory=list)


class Reviews:
    """Decisions from the queue, by the inbox's agent (each recorded in the history)."""

    def __init__(self, inbox: Inbox):
        self.inbox = inbox
        self.store = ReviewStore(inbox.db)

    async def change_mark(self) -> int:
        return await self.store.change_mark()

    async def count(self, at_least: float | None = None) -> int:
        return await self.store.count(at_least)

    async def row(self, author_id: int) -> ReviewRow | None:
        found = await self.store.rows([author_id])
        return found[0] if found else None

    async def confirm(self, row: ReviewRow) -> None:
        first = row.first
        if first is not None:
            await self.inbox.linker.confirm(row.author_id, first.customer_id)

    async def reject(self, row: ReviewRow) -> None:
        """Not the first suggestion: the next one (if any) becomes the author's first."""
        first = row.first
        if first is not None:
            await self.inbox.linker.reject(row.author_id, first.customer_id)

    async def undo(self, author_id: int) -> str | None:
        return await self.inbox.linker.undo(author_id)

    async def confirm_at_least(
        self, at_least: float, on_progress: Callable[[int, int], None] | None = None
    ) -> Batch:
        """Confirm every author's first suggestion at least `at_least` (0..1) probable,
        most probable first (one of unknown probability never),
        a page per transaction, as one batch. The total is counted first; the progress
        callback hears (done, total) after each page."""
        batch = Batch(f"review-{secrets.token_hex(6)}", at_least)
        total = await self.store.count(at_least)
        linker = self.inbox.linker
        after: Key | None = None
        seen = 0
        while True:
            rows = await self.store.at_least(at_least, after, BATCH_PAGE)
            if not rows:
                break
            after = rows[-1].sort_key
            pairs = [(r.author_id, r.first.customer_id) for r in rows if r.first is not None]
            batch.authors += await linker.store.confirm_many(
                pairs, linker.agent, linker.now_ms(), batch.key
            )
            seen += len(rows)
            if on_progress is not None:
                on_progress(seen, max(total, seen))
        return batch

    async def undo_batch(self, batch: Batch) -> int:
        linker = self.inbox.linker
        return await linker.store.undo_batch(
            batch.authors, batch.key, linker.agent, linker.now_ms()
        )
