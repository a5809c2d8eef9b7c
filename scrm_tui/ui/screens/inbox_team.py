"""Handing mentions on from the inbox: assign (`a`, `A`), tags (`t`) and escalate (`e`),
each on the selection or the mention under the cursor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrm_tui.core.selection import Selection
from scrm_tui.core.tags import TagEdit
from scrm_tui.ui.bulk_actions import said_plainly
from scrm_tui.ui.screens.inbox_part import InboxPart

if TYPE_CHECKING:
    from scrm_tui.service.bulk import Change, Outcome


class TeamActions(InboxPart):
    """For the inbox screen: assignment, tags and escalations."""

    def _chosen(self) -> Selection:
        """What `x`, `u`, `a`, `A`, `t` and `e` act on: the selection (space, T), else
        the mention under the cursor."""
        selection = self.mention_list.selection
        row = self._selected()
        if selection.is_empty and row is not None:
            return Selection.of([row.id])
        return selection

    def _naming(self, selection: Selection) -> str:
        count = selection.count
        return "this mention" if count == 1 else f"{count:,} selected mentions"

    def action_assign(self) -> None:
        selection, row = self._chosen(), self._selected()
        if selection.is_empty or row is None or self.bulk_refused():
            return
        from scrm_tui.ui.dialogs.assign import AssignScreen, Pick

        def picked(pick: Pick | None) -> None:
            if pick is not None and not self.bulk_refused():
                self._assign(selection, pick.agent)

        current = row.assignee if selection == Selection.of([row.id]) else None
        title = f"Assign {self._naming(selection)} to"
        screen = AssignScreen(
            self.inbox.assignable_agents, title, me=self.inbox.agent, current=current
        )
        self.app.push_screen(screen, picked)

    def action_take(self) -> None:
        selection = self._chosen()
        if not selection.is_empty and not self.bulk_refused():
            self._assign(selection, self.inbox.agent)

    def _assign(self, selection: Selection, agent: str | None) -> None:
        from scrm_tui.ui.dialogs.assign import assigned

        def said(outcome: Outcome, change: Change) -> str:
            if outcome.stopped:
                return said_plainly(outcome, change)
            return assigned(outcome.seen, outcome.changed, agent, self.inbox.agent)

        async def change() -> Change:
            from scrm_tui.service.bulk import AssignChange

            return AssignChange(agent)

        self.run_bulk(selection, change, "assigning", said)

    def action_tag(self) -> None:
        selection, row = self._chosen(), self._selected()
        if selection.is_empty or row is None or self.bulk_refused():
            return
        from scrm_tui.ui.dialogs.tag_edit import TagScreen

        def edited(edit: TagEdit | None) -> None:
            if edit is not None and not self.bulk_refused():
                self._tag(selection, edit)

        current = row.tags if selection == Selection.of([row.id]) else ()
        title = f"Tags of {self._naming(selection)}"
        self.app.push_screen(TagScreen(self.inbox.tags_in_use, title, current), edited)

    def _tag(self, selection: Selection, edit: TagEdit) -> None:
        from scrm_tui.service.tagging import TagOutcome
        from scrm_tui.ui.dialogs.tag_edit import tagged

        def said(outcome: Outcome, change: Change) -> str:
            if outcome.stopped:
                return said_plainly(outcome, change)
            from scrm_tui.service.bulk import TagChange

            assert isinstance(change, TagChange)
            done = TagOutcome(outcome.changed, change.add, change.remove)
            return tagged(done, outcome.seen, "mention")

        self.run_bulk(
            selection, lambda: self.inbox.bulk.tag_change(selection, edit), "tagging", said
        )

    def action_escalate(self) -> None:
        row, selection = self._selected(), self._chosen()
        if row is None or selection.is_empty or self.bulk_refused():
            return
        from scrm_tui.ui.dialogs.escalate import EscalateScreen, EscalationRequest

        teams = self.inbox.escalations.teams()
        if not teams:
            self.notify(
                "No teams to escalate to: add a [teams.<name>] section to the config "
                "(see the README, Escalations).",
                severity="warning",
                markup=False,
            )
            return
        subject = f"{row.author_name or row.author_handle}: {row.snippet}"
        if selection.count > 1:
            subject = f"{selection.count:,} selected mentions, as one escalation"

        def chosen(request: EscalationRequest | None) -> None:
            if claimed is not None:
                self._release([claimed])
            if request is not None and not self.bulk_refused():
                self._escalate(selection, request)

        # Shown at once, so a note typed right after `e` goes into it; the form claims
        # one mention as it opens (a selection, maybe thousands, is claimed by no one).
        claimed = row.id if selection == Selection.of([row.id]) else None
        presence = self.inbox.presence
        self.app.push_screen(EscalateScreen(teams, subject, presence, claimed), chosen)

    def _escalate(self, selection: Selection, request: object) -> None:
        """One escalation naming every selected mention: the team is told once (see
        the README, Escalating)."""
        from scrm_tui.ui.dialogs.escalate import EscalationRequest

        assert isinstance(request, EscalationRequest)
        hooks = next(
            (t.hooks for t in self.inbox.escalations.teams() if t.name == request.team), ()
        )
        told = f"; telling {', '.join(hooks)}" if hooks else " (no webhooks: in-app only)"

        def said(outcome: Outcome, change: Change) -> str:
            if outcome.stopped:
                return said_plainly(outcome, change)
            number = getattr(change, "escalation_id", None)
            many = f" {outcome.changed:,} mentions" if outcome.changed > 1 else ""
            return f"Escalated{many} to {request.team} ({request.priority}) as #{number}{told}."

        async def change() -> Change | None:
            return await self.inbox.escalation_of(
                selection, request.team, request.priority, request.note
            )

        self.run_bulk(selection, change, "escalating", said)
