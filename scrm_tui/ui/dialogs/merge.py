"""Merge another customer into this one (`M` in the customer view), or undo a merge."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from scrm_tui.core import sanitize
from scrm_tui.core.timefmt import absolute
from scrm_tui.service.customers import merge_records
from scrm_tui.service.inbox import Inbox, MergeError, MergeRecord
from scrm_tui.service.linking import CustomerCard
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.dialogs.link import SEARCH_DEBOUNCE, card_line
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.typeahead import TypeAhead
from scrm_tui.ui.widgets.inert import InertInput
from scrm_tui.ui.widgets.keys_line import keys_line


class MergeScreen(ReportsFailures, Dialog[str | None]):
    """Search for the duplicate; Enter asks, `y` merges. Past merges are listed: `u` undoes."""

    CSS_PATH = dialog_css("merge")

    BINDINGS = [
        Binding("escape", "close", "Close", id="merge.close"),
        Binding("y", "yes", "Yes, merge", show=False, id="merge.yes"),
        # `u` is text in the search box: there Alt+U undoes (the keys line says which).
        Binding("u,alt+u", "undo", "Undo merge", id="merge.undo"),
        Binding("down", "results", "Results", show=False, id="merge.results"),
        Binding("slash", "search", "Search", show=False, id="merge.search"),
    ]

    def __init__(self, inbox: Inbox, customer_id: int) -> None:
        super().__init__()
        self.inbox = inbox
        self.customer_id = customer_id
        self.cards: list[CustomerCard] = []
        self.records: list[MergeRecord] = []
        self.pending: CustomerCard | None = None
        self.typeahead = TypeAhead(self, SEARCH_DEBOUNCE, self._search)

    def compose(self) -> ComposeResult:
        with Vertical(id="merge-box", classes="dialog-box"):
            yield Static(id="merge-title")
            yield InertInput(
                placeholder="find the duplicate: name, e-mail, company, handle", id="merge-search"
            )
            yield OptionList(id="merge-options")
            yield Static(id="merge-history")
            yield Static(id="merge-message")
            yield Static(id="merge-keys")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))
        self.load()

    def on_descendant_focus(self) -> None:
        self._show_keys()

    def _show_keys(self) -> None:
        """The keys that work where the focus is: letters are text in the search box."""
        typing = isinstance(self.focused, Input)
        keys = [("enter", "search")] if typing else [("enter", "merge…"), ("/", "search")]
        if typing and self.cards:
            keys.append(("↓", "results"))
        if self._undoable():
            keys.append(("alt+u" if typing else "u", "undo last merge"))
        keys.append(("esc", "close"))
        self.query_one("#merge-keys", Static).update(keys_line(*keys))

    def _undoable(self) -> list[MergeRecord]:
        return [
            r for r in self.records if r.undone_ms is None and r.survivor_id == self.customer_id
        ]

    @work(group="merge-load", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        me = await self.inbox.linker.card(self.customer_id)
        name = sanitize.inline(me.name) if me else f"#{self.customer_id}"
        self.query_one("#merge-title", Static).update(
            Content.assemble(
                "Merge a duplicate into ", (name, "bold"), ": its handles and history move here."
            )
        )
        self.records = await merge_records(self.inbox, self.customer_id)
        self._show_keys()
        live = self._undoable()
        if live:
            last = live[0]
            self.query_one("#merge-history", Static).update(
                Content.assemble(
                    ("last merge: ", "$text-muted"),
                    (f"#{last.merged_id} {sanitize.inline(last.merged_name)}", "bold"),
                    (
                        f" on {absolute(last.merged_ms)}"
                        f" by {sanitize.inline(last.merged_by or '?')}",
                        "$text-muted",
                    ),
                )
            )

    def say(self, text: str, error: bool = False) -> None:
        self.query_one("#merge-message", Static).update(
            Content.styled(text, "$error" if error else "$warning")
        )

    @on(Input.Changed, "#merge-search")
    def _typed(self, event: Input.Changed) -> None:
        self.typeahead.typed(event.value)

    @on(Input.Submitted, "#merge-search")
    def _submitted(self, event: Input.Submitted) -> None:
        self.typeahead.entered(event.value)  # and the hits take the focus

    @work(group="merge-search", exclusive=True, exit_on_error=False)
    async def _search(self, text: str, focus: bool = False) -> None:
        hits = [
            h for h in await self.inbox.linker.search(text) if h.customer.id != self.customer_id
        ]
        self.cards = [h.customer for h in hits]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(card_line(card, None)) for card in self.cards])
        if self.cards:
            options.highlighted = 0
        if focus and self.cards:
            self.set_focus(options)
        self._show_keys()

    @on(OptionList.OptionSelected, "#merge-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.pending = self.cards[event.option_index]
        self.say(
            f"Merge #{self.pending.id} {sanitize.inline(self.pending.name)} into this customer? "
            "y merges, esc cancels"
        )

    def action_yes(self) -> None:
        if self.pending is not None:
            self._merge(self.pending)

    @work(group="merge-write", exclusive=True, exit_on_error=False)
    async def _merge(self, card: CustomerCard) -> None:
        try:
            await self.inbox.merge_customers(self.customer_id, card.id)
        except MergeError as error:
            self.say(str(error), error=True)
            return
        self.dismiss(f"merged #{card.id} {sanitize.inline(card.name)} into this customer")

    def action_results(self) -> None:
        if self.cards:
            self.set_focus(self.query_one(OptionList))

    def action_search(self) -> None:
        self.set_focus(self.query_one(Input))

    def action_undo(self) -> None:
        live = self._undoable()
        if live:
            self._unmerge(live[0].id)
        else:
            self.say("No merge into this customer to undo.")

    @work(group="merge-write", exclusive=True, exit_on_error=False)
    async def _unmerge(self, merge_id: int) -> None:
        try:
            record = await self.inbox.unmerge(merge_id)
        except MergeError as error:
            self.say(str(error), error=True)
            return
        self.dismiss(f"unmerged #{record.merged_id} {sanitize.inline(record.merged_name)}")

    def action_close(self) -> None:
        if self.pending is not None:
            self.pending = None
            self.say("")
            return
        self.dismiss(None)
