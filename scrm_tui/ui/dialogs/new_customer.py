"""Name a new customer before it is made from an author (`a` in the link pane)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertInput
from scrm_tui.ui.widgets.keys_line import keys_line


class NewCustomerScreen(Dialog[str | None]):
    """The author's name, ready to correct; Enter creates, Esc goes back (nothing made)."""

    CSS_PATH = dialog_css("new_customer")

    def __init__(self, name: str, who: Content) -> None:
        super().__init__()
        self.default_name = name
        self.who = who

    def compose(self) -> ComposeResult:
        with Vertical(id="new-customer-box", classes="dialog-box"):
            yield Static(
                Content.assemble(("New customer for ", "bold"), self.who), id="new-customer-title"
            )
            yield InertInput(
                value=self.default_name, placeholder="the customer's name", id="new-customer-name"
            )
            yield Static(id="new-customer-message")
            yield Static(keys_line(("enter", "create"), ("esc", "cancel")), id="new-customer-keys")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))

    @on(Input.Submitted, "#new-customer-name")
    def _create(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        if not name:
            self.query_one("#new-customer-message", Static).update(
                Content.styled("A customer needs a name.", "$text-error")
            )
            return
        self.dismiss(name)
