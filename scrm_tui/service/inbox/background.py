"""What the background work shows the inbox: the outbox's items and the sources' health."""

from __future__ import annotations

from collections.abc import Sequence

from scrm_tui.core.models import OutboxItem, SourceState
from scrm_tui.service.inbox.base import InboxBase


class InboxBackground(InboxBase):
    """The outbox and the listening sources, as the screens read and retry them."""

    async def outbox_due(self) -> int | None:
        """When the soonest item pending or being sent (by anyone) is due (ms); None
        when there is none, and nothing to start the sender for."""
        return await self.outbox.next_due_ms()

    async def outbox_items(self, states: Sequence[str] = ()) -> list[OutboxItem]:
        """Newest first; no states: everything."""
        return await self.outbox.items(states)

    async def outbox_counts(self) -> dict[str, int]:
        """How many items are pending, sending and failed (for the status line)."""
        return await self.outbox.counts()

    async def retry_outbox(self, outbox_id: int) -> bool:
        """Queue a failed item again, due now."""
        retried = await self.outbox.retry(outbox_id, self.now_ms())
        if retried:
            self.kick()
        return retried

    async def discard_outbox(self, outbox_id: int) -> OutboxItem | None:
        """Give up on a failed or waiting item (a reply's text goes back to its draft)."""
        return await self.outbox.discard(outbox_id, self.agent, self.now_ms())

    async def replies_to(self, mention_id: int) -> list[OutboxItem]:
        """Replies and macro posts answering this mention, oldest first."""
        return await self.outbox.for_mention(mention_id)

    async def source_states(self) -> list[SourceState]:
        """How each listening source is doing (written by whichever process collects)."""
        from scrm_tui.store.sources import SourceStateStore

        return await SourceStateStore(self.db).all()

    async def retry_source(self, source: str) -> bool:
        """Poll a backing-off source on the collector's next round."""
        from scrm_tui.store.sources import SourceStateStore

        return await SourceStateStore(self.db).retry_now(source, self.now_ms())

    async def collector(self) -> tuple[str, int] | None:
        """Who holds the collector lease and until when (ms), if anyone."""
        from scrm_tui.store.lease import LeaseStore

        holder = await LeaseStore(self.db).holder("collector")
        return (holder.holder, holder.expires_ms) if holder else None
