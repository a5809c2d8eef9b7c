"""Answering from the inbox: a reply (`r`), and one post for a selection (space, `T`,
`R`); each form claims its mentions while it is open."""

from __future__ import annotations

from textual import work

from scrm_tui.core import sanitize
from scrm_tui.core.models import MentionRow
from scrm_tui.core.query import Query
from scrm_tui.core.selection import Selection
from scrm_tui.ui.claiming import claim_for
from scrm_tui.ui.screens.inbox_part import InboxPart

MAX_ANSWERED = 1000  # one macro post answers at most this many mentions


class ReplyActions(InboxPart):
    """For the inbox screen: the composer opened on a mention or a selection."""

    # ---------------------------------------------------------------- replies

    def action_reply(self) -> None:
        row = self._selected()
        if row is not None:
            self._open_composer(row)

    @work(group="compose", exclusive=True, exit_on_error=False)
    async def _open_composer(self, row: MentionRow) -> None:
        from scrm_tui.service.replies import ReplyRefused
        from scrm_tui.ui.dialogs.compose import ComposeScreen

        try:
            compose = await self.inbox.replies.compose(row.id)
        except ReplyRefused as refused:
            self.notify(str(refused), severity="warning", markup=False)
            return
        if not await claim_for(self, self.inbox.presence, [row.id], "reply"):
            return
        who = sanitize.handle(row.author_handle)
        title = f"Reply to {who} on {compose.network}"

        def done(result: str | None) -> None:
            self._release([row.id])
            self._composed(result, row.id)

        self.app.push_screen(
            ComposeScreen(self.inbox.replies, compose, title, self.inbox.presence), done
        )

    @work(group="claims", exit_on_error=False)
    async def _release(self, mention_ids: list[int]) -> None:
        """The form closed (sent, closed, discarded): the claim ends for everyone."""
        await self.inbox.presence.release(mention_ids)

    def _composed(self, result: str | None, mention_id: int | None) -> None:
        if result:
            self.notify(result, markup=False)
        if mention_id is not None:
            self._after_write(mention_id)
        elif self.detail.mention_id is not None:
            self.load_detail(self.detail.mention_id)

    def action_select(self) -> None:
        row = self._selected()
        if row is None:
            return
        self.mention_list.toggle_mark(row.id)
        self.mention_list.cursor += 1  # as mutt's tag: on to the next one
        self.update_status()

    def action_select_all(self) -> None:
        """Select every mention the current filter matches, however many (again:
        select none)."""
        self._select_all(self.query_)

    @work(group="select", exclusive=True, exit_on_error=False)
    async def _select_all(self, query: Query) -> None:
        current = self.mention_list.selection
        if current.is_whole_filter and current.query == query:
            self.mention_list.set_selection(Selection())
            self.notify("Selection cleared.", markup=False)
        else:
            # Counted, not read: the ids are read in batches when a key acts on them.
            selection = await self.inbox.select_all(query)
            if query != self.query_:
                return  # the filter changed meanwhile: T was for the one before
            self.mention_list.set_selection(selection)
            shown = "the filter" if not query.is_empty else "the inbox"
            self.notify(
                f"Selected all {selection.count:,} mentions matching {shown}. "
                "x u a t e act on all of them; U undoes; R answers up to "
                f"{MAX_ANSWERED:,} with one post.",
                markup=False,
            )
        self.update_status()

    def action_macro(self) -> None:
        selection = self.mention_list.selection
        if selection.is_empty:
            self.notify(
                "Select the mentions to answer first: space on each, or T for all that "
                "match the filter. Then R.",
                markup=False,
            )
            return
        if selection.count > MAX_ANSWERED:
            self.notify(
                f"One post answers at most {MAX_ANSWERED:,} mentions; "
                f"{selection.count:,} are selected. Narrow the filter, then T again.",
                severity="warning",
                markup=False,
            )
            return
        self._answer_selected(selection)

    @work(group="select", exclusive=True, exit_on_error=False)
    async def _answer_selected(self, selection: Selection) -> None:
        from scrm_tui.ui.dialogs.post_target import PostTargetScreen

        marked = sorted(await self.inbox.selected_ids(selection))

        def chosen(channel: str | None) -> None:
            if channel is not None:
                self._open_post(channel, marked)

        self.app.push_screen(
            PostTargetScreen(self.inbox.replies.post_networks(), len(marked)), chosen
        )

    @work(group="compose", exclusive=True, exit_on_error=False)
    async def _open_post(self, channel: str, marked: list[int]) -> None:
        from scrm_tui.service.replies import ReplyRefused
        from scrm_tui.ui.dialogs.compose import ComposeScreen

        try:
            compose = await self.inbox.replies.compose_post(channel, marked)
        except ReplyRefused as refused:
            self.notify(str(refused), severity="warning", markup=False)
            return
        if not await claim_for(self, self.inbox.presence, marked, "post"):
            return
        title = f"One post on {compose.network} answering {len(marked)} mentions"

        def done(result: str | None) -> None:
            self._release(marked)
            if result and not result.startswith("Draft kept"):
                self.mention_list.set_selection(Selection())
                self.update_status()
            self._composed(result, None)
            self.check_changes(force=True)

        self.app.push_screen(
            ComposeScreen(self.inbox.replies, compose, title, self.inbox.presence), done
        )
