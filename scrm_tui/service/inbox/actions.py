"""The inbox's actions on mentions: status, reads, assignment, tags, bulk actions and undo."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from scrm_tui.core.models import Status
from scrm_tui.core.query import Query
from scrm_tui.service.inbox.reads import InboxReads

if TYPE_CHECKING:
    from scrm_tui.core.selection import Selection
    from scrm_tui.core.tags import TagEdit
    from scrm_tui.service.assignment import Progress
    from scrm_tui.service.bulk import Action, Bulk, Change, Outcome, Stop, Undone
    from scrm_tui.service.tagging import TagOutcome


class InboxActions(InboxReads):
    """What an agent does to mentions, one or many at a time."""

    async def set_status(self, ids: Sequence[int], status: Status) -> list[int]:
        return await self.mentions.set_status(ids, status, self.agent, self.now_ms())

    async def set_read(self, ids: Sequence[int], read: bool) -> None:
        await self.mentions.set_read(ids, self.agent, read, self.now_ms())

    # ---------------------------------------------------------------- team

    async def assignable_agents(self) -> list[str]:
        """Who `a` offers: this agent, then the agents known (`[team] agents` and
        whoever has opened scrm here) and everyone already assigned something."""
        from scrm_tui.service.assignment import agents_to_offer
        from scrm_tui.store.assignment import AssignmentStore

        seen = await AssignmentStore(self.db).assignees()
        return agents_to_offer(self.agent, await self.known_agents(), seen)

    async def assign(
        self, ids: Sequence[int], assignee: str | None, on_batch: Progress | None = None
    ) -> int:
        """Assign mentions (None: unassign), in batches; returns how many changed."""
        from scrm_tui.service import assignment

        return await assignment.assign(self.db, ids, assignee, self.agent, self.now_ms(), on_batch)

    async def edit_tags(
        self, ids: Sequence[int], edit: TagEdit, on_batch: Progress | None = None
    ) -> TagOutcome:
        """Add, remove or toggle tags on mentions, in batches."""
        from scrm_tui.service import tagging

        return await tagging.edit_mention_tags(
            self.db, ids, edit, self.agent, self.now_ms(), on_batch
        )

    async def edit_customer_tags(self, customer_id: int, edit: TagEdit) -> TagOutcome:
        from scrm_tui.service import tagging

        return await tagging.edit_customer_tags(
            self.db, customer_id, edit, self.agent, self.now_ms()
        )

    async def tags_in_use(self) -> list[str]:
        """Every tag on a mention or a customer (what `t` completes from)."""
        from scrm_tui.store.tags import TagStore

        return await TagStore(self.db).in_use()

    # ---------------------------------------------------------------- bulk actions

    @property
    def bulk(self) -> Bulk:
        """Bulk actions and undo (made on first use)."""
        if self._bulk is None:
            from scrm_tui.service.bulk import Bulk

            self._bulk = Bulk(self.db, self.agent, self.now_ms)
            self._bulk.register("escalate", lambda params: self.escalations.rebuild(params))
        return self._bulk

    async def select_all(self, query: Query) -> Selection:
        """Every mention `query` matches now (counted, not read): what `T` selects."""
        from scrm_tui.core.selection import Selection

        upto = await self.max_id()
        return Selection.matching(query, upto, await self.count(query, upto))

    async def run_bulk(
        self,
        selection: Selection,
        change: Change,
        on_batch: Progress | None = None,
        stop: Stop | None = None,
    ) -> Outcome:
        """`change` on every selected mention, in batches (see service/bulk.py)."""
        outcome = await self.bulk.run(selection, change, on_batch, stop or (lambda: False))
        if change.kind == "escalate":
            self.kick()  # its webhooks are queued
        return outcome

    async def escalation_of(
        self, selection: Selection, team: str, priority: str, note: str
    ) -> Change | None:
        """One escalation naming every selected mention (None: nothing selected)."""
        first = await self.bulk.first(selection)
        if first is None:
            return None
        return await self.escalations.group_change(first, selection.count, team, priority, note)

    async def selected_ids(self, selection: Selection) -> list[int]:
        """Every selected mention's id (for a selection known to be small: `R`)."""
        found: list[int] = []
        async for ids in self.bulk.ids(selection):
            found.extend(ids)
        return found

    async def last_action(self) -> Action | None:
        return await self.bulk.last()

    async def undo(
        self, action: Action, on_batch: Progress | None = None, stop: Stop | None = None
    ) -> Undone:
        """Undo `action` (this agent's), in batches; see Bulk.undo."""
        undone = await self.bulk.undo(action, on_batch, stop or (lambda: False))
        if action.kind == "escalate":
            self.kick()  # a withdrawn escalation tells its team
        return undone
