"""Customers through the inbox: imported, contacts and notes logged, merged and unmerged."""

from __future__ import annotations

from collections.abc import Sequence

from scrm_tui.core.models import CustomerIn
from scrm_tui.enrich import sentiment
from scrm_tui.service.inbox.base import InboxBase
from scrm_tui.store.customer_import import ImportOutcome
from scrm_tui.store.merges import MergeRecord

# Contacts made outside the social networks, logged by hand in the customer view.
OFFLINE_KINDS = ("call", "email", "meeting", "survey", "letter", "comment_card", "other")


class InboxCustomers(InboxBase):
    """What an agent records about customers."""

    async def add_customers(
        self, customers: Sequence[CustomerIn], source: str = "scrm", *, rematch: bool = False
    ) -> ImportOutcome:
        """Create or update customers (one transaction); see CustomerStore.import_batch.
        `rematch`: the unlinked authors are owed a re-match (Linker.resume_rematch)."""
        return await self.customers.import_batch(
            customers, agent=self.agent, source=source, now_ms=self.now_ms(), rematch=rematch
        )

    async def log_contact(
        self,
        customer_id: int,
        kind: str,
        summary: str,
        *,
        direction: str | None = None,
        at_ms: int | None = None,
        channel: str | None = None,
    ) -> int:
        """An offline contact (call, email, meeting, survey, letter...). Its summary is
        scored like a mention, so the customer's mood counts what they said anywhere."""
        if kind not in OFFLINE_KINDS:
            raise ValueError(f"unknown contact kind {kind!r}")
        score = sentiment.score(summary).compound if summary.strip() else None
        return await self.customers.add_interaction(
            customer_id,
            kind,
            summary,
            actor=self.agent,
            occurred_ms=self.now_ms() if at_ms is None else at_ms,
            direction=direction,
            channel=channel,
            compound=score,
        )

    async def merge_customers(self, survivor_id: int, merged_id: int) -> int:
        """The same person twice: fold `merged_id` into `survivor_id` (undoable)."""
        return await self.merges.merge(survivor_id, merged_id, self.agent, self.now_ms())

    async def unmerge(self, merge_id: int) -> MergeRecord:
        return await self.merges.unmerge(merge_id, self.agent, self.now_ms())

    async def record_contacts(
        self, contacts: Sequence[tuple[int, str, str, str | None, int, str]]
    ) -> int:
        """Many contacts or notes at once, each (customer, kind, summary, direction, at_ms,
        actor): one transaction, scored like log_contact (notes are not)."""
        rows = []
        for customer_id, kind, summary, direction, at_ms, actor in contacts:
            if kind != "note" and kind not in OFFLINE_KINDS:
                raise ValueError(f"unknown contact kind {kind!r}")
            score = None if kind == "note" else sentiment.score(summary).compound
            rows.append((customer_id, kind, summary, direction, at_ms, actor, score))
        return await self.customers.add_interactions(rows)

    async def add_note(self, customer_id: int, text: str) -> int:
        """An agent's own note: recorded, not scored (it is not the customer's voice)."""
        return await self.customers.add_interaction(
            customer_id, "note", text, actor=self.agent, occurred_ms=self.now_ms()
        )
