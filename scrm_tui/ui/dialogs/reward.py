"""Record a reward (`w`) given to a mention's author or a customer: a kind and a note."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Select, Static

from scrm_tui.service.advocacy import REWARD_KINDS
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertInput
from scrm_tui.ui.widgets.keys_line import keys_line


@dataclass(frozen=True)
class RewardEntry:
    kind: str  # one of REWARD_KINDS
    note: str


class RewardScreen(Dialog[RewardEntry | None]):
    """The kind (swag first) and a note; Enter or Ctrl+S saves, Esc writes nothing."""

    CSS_PATH = dialog_css("reward")

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="reward.save"),
    ]

    def __init__(self, whom: str) -> None:
        super().__init__()
        self.whom = whom  # strangers' text, shown inert

    def compose(self) -> ComposeResult:
        with Vertical(id="reward-box", classes="dialog-box"):
            yield Static(Content.assemble("Reward for ", (self.whom, "bold")), id="reward-title")
            yield Select(
                [(kind, kind) for kind in REWARD_KINDS],
                value=REWARD_KINDS[0],
                allow_blank=False,
                id="reward-kind",
            )
            yield InertInput(placeholder="note: what and why (optional)", id="reward-note")
            yield Static(
                keys_line(("enter", "save"), ("esc", "cancel"), ("shift+tab", "kind")),
                id="reward-keys",
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#reward-note", Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        kind = str(self.query_one("#reward-kind", Select).value)
        note = self.query_one("#reward-note", Input).value.strip()
        self.dismiss(RewardEntry(kind, note))
