"""A list of customers behind a figure (revenue at risk, promoters...): Enter opens one.

Names and companies are strangers' text: drawn as Content, never through markup. The
whole list is shown, most valuable first, and its title says how many there are.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from scrm_tui.core import sanitize
from scrm_tui.core.figures import show_number
from scrm_tui.core.models import CustomerCard
from scrm_tui.service.customers import customer_cards
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.cells import fit
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.styles import screen_css
from scrm_tui.ui.widgets.keys_footer import KeysFooter


class CustomerOptions(OptionList):
    BINDINGS = [
        Binding("enter", "select", "Open customer", id="customers.open"),
        Binding("j,down", "cursor_down", "Down", show=False, id="customers.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="customers.up"),
        Binding("g,home", "first", "First", show=False, id="customers.first"),
        Binding("G,end", "last", "Last", show=False, id="customers.last"),
    ]


def card_row(card: CustomerCard) -> Content:
    value = show_number(card.lifetime_value, "$") if card.lifetime_value is not None else "—"
    return Content.assemble(
        (fit(sanitize.inline(card.name), 28), "bold"),
        "  ",
        fit(sanitize.inline(card.company), 22),
        "  ",
        fit(sanitize.inline(card.tier), 10),
        fit(value, 12, right=True),
    )


class CustomerListScreen(ReportsFailures, Screen[int | None]):
    """Dismissed with the customer to open, or None."""

    CSS_PATH = screen_css("customer_list")
    BINDINGS = [Binding("escape,q", "dismiss(None)", "Back", id="customers.back")]

    def __init__(self, inbox: Inbox, title: str, ids: tuple[int, ...]) -> None:
        super().__init__()
        self.inbox = inbox
        self.title_text = title
        self.ids = ids
        self.cards: list[CustomerCard] = []

    @classmethod
    def key_sections(cls) -> list[tuple[str, type[DOMNode]]]:
        return [("customer list", cls), ("customers", CustomerOptions)]

    def compose(self) -> ComposeResult:
        yield Static(
            Content.styled(f"{self.title_text}  loading…", "bold"),
            id="clist-title",
            classes="title-line",
        )
        yield CustomerOptions(id="clist-options")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()

    @work(group="customer-list", exclusive=True, exit_on_error=False)
    async def _load(self) -> None:
        self.cards = await customer_cards(self.inbox, self.ids)
        count = len(self.cards)
        self.query_one("#clist-title", Static).update(
            Content.assemble(
                (self.title_text, "bold"),
                (f"  {count:,} customer{'' if count == 1 else 's'}", "$text-muted"),
            )
        )
        options = self.query_one(OptionList)
        options.clear_options()
        if not self.cards:
            options.add_option(Option(Content.styled("(none)", "$text-muted"), disabled=True))
            return
        options.add_options([Option(card_row(card)) for card in self.cards])
        options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.cards):
            self.dismiss(self.cards[event.option_index].id)
