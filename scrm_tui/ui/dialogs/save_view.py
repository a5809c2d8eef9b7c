"""Save the inbox's filter as a view (`V`): the agent names it; a name in use is explained."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from scrm_tui.core import sanitize
from scrm_tui.core.views import MAX_NAME
from scrm_tui.service.views import View, ViewNameTaken, ViewRefused, Views
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertInput
from scrm_tui.ui.widgets.keys_line import keys_line


class SaveViewScreen(ReportsFailures, Dialog[View | None]):
    """Enter saves (a second Enter replaces one of the agent's views of that name);
    Esc cancels."""

    CSS_PATH = dialog_css("save_view")

    def __init__(self, views: Views, source: str) -> None:
        super().__init__()
        self.views = views
        self.source = source
        self._replacing: str | None = None  # the name a second Enter replaces

    def compose(self) -> ComposeResult:
        with Vertical(id="save-view-box", classes="dialog-box"):
            yield Static(Content.styled("Save this filter as a view", "bold"))
            yield Static(
                Content.assemble("/", (sanitize.inline(self.source), "$accent")),
                id="save-view-filter",
            )
            yield InertInput(placeholder="its name", max_length=MAX_NAME, id="save-view-name")
            yield Static(id="save-view-message")
            yield Static(keys_line(("enter", "save"), ("esc", "cancel")), id="save-view-keys")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))

    def say(self, text: str, *, error: bool = True) -> None:
        message = self.query_one("#save-view-message", Static)
        message.set_class(error, "-error")
        message.update(Content(text))

    @on(Input.Changed)
    def _typed(self) -> None:
        self._replacing = None
        self.say("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._save(event.value.strip())

    @work(group="save-view", exclusive=True, exit_on_error=False)
    async def _save(self, name: str) -> None:
        try:
            view = await self.views.save(name, self.source, replace=name == self._replacing)
        except ViewRefused as refused:
            self.say(f"{refused}.")
            return
        except ViewNameTaken as taken:
            self._replacing = name
            self.say(
                f"You have a view '{sanitize.inline(taken.name)}' already "
                f"(/{sanitize.inline(taken.filter)}): Enter again replaces it."
            )
            return
        self.dismiss(view)
