"""Find a customer by name, e-mail, company or handle (`C`), and open their view."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from scrm_tui.service.linking import Linker
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.dialogs.link import card_line
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.typeahead import TypeAhead
from scrm_tui.ui.widgets.inert import InertInput

# A short pause: a search costs 13-20 ms at a million customers, and the search a newer
# key replaces is stopped in SQLite, so searching sooner costs nothing; at 50 ms the
# pause was most of the wait from a name typed to its hit (bench/scale_bench.py).
FIND_DEBOUNCE = 0.02


class FindCustomerScreen(ReportsFailures, Dialog[int | None]):
    """Type to search (typos forgiven); Enter opens the best hit, ↓ goes to the others."""

    CSS_PATH = dialog_css("find_customer")

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="find.close")]

    def __init__(self, linker: Linker) -> None:
        super().__init__()
        self.linker = linker
        self.ids: list[int] = []
        self.typeahead = TypeAhead(self, FIND_DEBOUNCE, self._search)

    def compose(self) -> ComposeResult:
        with Vertical(id="find-box", classes="dialog-box"):
            yield Static(Content("Find a customer"), id="find-title")
            yield InertInput(placeholder="name, e-mail, company or handle", id="find-input")
            yield OptionList(id="find-options")
            yield Static(id="find-message")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))
        self._search("")

    @on(Input.Changed, "#find-input")
    def _typed(self, event: Input.Changed) -> None:
        self.typeahead.typed(event.value)

    @on(Input.Submitted, "#find-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.typeahead.entered(event.value)  # opens the best hit

    def key_down(self) -> None:
        options = self.query_one(OptionList)
        if self.query_one(Input).has_focus and self.ids:
            self.set_focus(options)

    @work(group="find", exclusive=True, exit_on_error=False)
    async def _search(self, text: str, open_best: bool = False) -> None:
        hits = await self.linker.search(text)
        if open_best and hits:
            self.dismiss(hits[0].customer.id)
            return
        self.ids = [hit.customer.id for hit in hits]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(card_line(hit.customer, None)) for hit in hits])
        if hits:
            options.highlighted = 0
        message = "" if hits else "No customer matches."
        if await self.linker.indexing():
            # Nothing silent: until the backlog is indexed, a typo can miss someone.
            message = (message + " " if message else "") + (
                "Customers are still being indexed: until then, those not indexed yet "
                "are found by how their name starts, or by handle or e-mail."
            )
        self.query_one("#find-message", Static).update(Content.styled(message, "$text-muted"))

    @on(OptionList.OptionSelected, "#find-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.ids[event.option_index])
