"""The rewards ledger: every reward recorded (`w`), newest first; Enter opens the customer.

Names, handles and notes are strangers' or agents' text: drawn as Content, never markup.
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from scrm_tui.core import sanitize
from scrm_tui.service.advocacy import Reward, ledger
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.cells import fit
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.styles import screen_css
from scrm_tui.ui.widgets.keys_footer import KeysFooter


class RewardOptions(OptionList):
    BINDINGS = [
        Binding("enter", "select", "Open customer", id="rewards.open"),
        Binding("j,down", "cursor_down", "Down", show=False, id="rewards.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="rewards.up"),
        Binding("g,home", "first", "First", show=False, id="rewards.first"),
        Binding("G,end", "last", "Last", show=False, id="rewards.last"),
    ]


def reward_line(reward: Reward) -> Content:
    """Date, whom, kind and agent on one line (80 columns), the note under it."""
    when = datetime.fromtimestamp(reward.occurred_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")
    whom = reward.customer or reward.handle or "—"
    line = Content.assemble(
        (when, "$text-muted"),
        "  ",
        (fit(sanitize.inline(whom), 24), "bold"),
        "  ",
        fit(reward.kind, 11),
        "  ",
        fit(sanitize.inline(reward.agent or ""), 12),
    )
    note = sanitize.inline(reward.note)
    return Content("\n").join([line, Content("    " + note)]) if note else line


class RewardsScreen(ReportsFailures, Screen[int | None]):
    """Dismissed with the customer to open, or None."""

    CSS_PATH = screen_css("rewards")
    BINDINGS = [Binding("escape,q", "dismiss(None)", "Back", id="rewards.back")]

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox
        self.rewards: list[Reward] = []

    @classmethod
    def key_sections(cls) -> list[tuple[str, type[DOMNode]]]:
        return [("rewards", cls), ("reward list", RewardOptions)]

    def compose(self) -> ComposeResult:
        yield Static(
            Content.styled("Rewards  loading…", "bold"), id="rewards-title", classes="title-line"
        )
        yield RewardOptions(id="rewards-options")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()

    @work(group="rewards", exclusive=True, exit_on_error=False)
    async def _load(self) -> None:
        self.rewards, total = await ledger(self.inbox)
        shown = len(self.rewards)
        count = f"{total:,} given, newest first" + (
            f"; the newest {shown:,} shown" if shown < total else ""
        )
        self.query_one("#rewards-title", Static).update(
            Content.assemble(("Rewards", "bold"), (f"  {count}", "$text-muted"))
        )
        options = self.query_one(OptionList)
        options.clear_options()
        if not self.rewards:
            options.add_option(
                Option(Content.styled("(none yet: w on a mention or a customer)", "$text-muted"))
            )
            return
        options.add_options([Option(reward_line(r)) for r in self.rewards])
        options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.rewards):
            customer = self.rewards[event.option_index].customer_id
            if customer is not None:
                self.dismiss(customer)
            else:
                self.notify("Not linked to a customer: no history to open.", markup=False)
