"""Canned responses (`Ctrl+T` in the composer): fuzzy search by name, preview, insert."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from scrm_tui.core import sanitize
from scrm_tui.core.templates import Template, fill, rank
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertInput

Filled = tuple[str, tuple[str, ...]]


class TemplatePicker(Dialog[Filled | None]):
    """Type to narrow, ↑/↓ to choose, Enter inserts the filled text, Esc goes back."""

    CSS_PATH = dialog_css("templates")

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back", id="templates.back"),
        Binding("down", "move(1)", "Next", show=False, id="templates.next"),
        Binding("up", "move(-1)", "Previous", show=False, id="templates.previous"),
        Binding("enter", "choose", "Insert", id="templates.insert"),
    ]

    def __init__(
        self,
        templates: list[Template],
        values: dict[str, str | None],
        channel: str,
        error: str | None = None,
    ) -> None:
        super().__init__()
        self.templates = templates
        self.values = values
        self.channel = channel
        self.error = error
        self.shown: list[Template] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="templates-box", classes="dialog-box"):
            yield Static(Content.styled("Insert a canned response", "bold"), id="templates-title")
            if self.error:
                yield Static(Content.styled(sanitize.inline(self.error), "$warning"))
            yield InertInput(placeholder="search templates by name", id="templates-search")
            yield OptionList(id="templates-list")
            yield Static(id="templates-preview")

    def on_mount(self) -> None:
        self._show("")
        self.query_one(Input).focus()

    @on(Input.Changed, "#templates-search")
    def _search(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, query: str) -> None:
        self.shown = rank(self.templates, query, self.channel)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(Content(sanitize.inline(t.name))) for t in self.shown)
        if self.shown:
            options.highlighted = 0
        self._preview()

    @on(OptionList.OptionHighlighted)
    def _preview(self) -> None:
        preview = self.query_one("#templates-preview", Static)
        template = self._current()
        if template is None:
            preview.update(Content.styled("No template matches.", "$text-muted"))
            return
        filled = fill(template.text, self.values)
        preview.update(Content(sanitize.block(filled.text)))

    def _current(self) -> Template | None:
        index = self.query_one(OptionList).highlighted
        if index is None or index >= len(self.shown):
            return None
        return self.shown[index]

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    @on(OptionList.OptionSelected)
    def action_choose(self) -> None:
        template = self._current()
        if template is None:
            return
        filled = fill(template.text, self.values)
        self.dismiss((filled.text, filled.missing))

    @on(Input.Submitted, "#templates-search")
    def _submitted(self) -> None:
        self.action_choose()
