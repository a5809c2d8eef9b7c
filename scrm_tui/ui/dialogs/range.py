"""The dashboard's own range (`r`): START..END in UTC, a mistake said under it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from scrm_tui.core.ranges import RangeError
from scrm_tui.service.report import Dashboard
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertInput


class RangeScreen(Dialog[str | None]):
    """`r`: a custom range, START..END in UTC; a mistake is said under it."""

    CSS_PATH = dialog_css("range")

    def __init__(self, dashboard: Dashboard) -> None:
        super().__init__()
        self.dashboard = dashboard

    def compose(self) -> ComposeResult:
        with Vertical(id="range-box", classes="dialog-box"):
            yield Static(Content.styled("Range (UTC), START..END:", "bold"), id="range-title")
            yield InertInput(placeholder="2026-11-01..2026-11-30", id="range-input")
            yield Static(id="range-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            self.dashboard.range(event.value)
        except RangeError as error:
            self.query_one("#range-error", Static).update(Content.styled(str(error), "$error"))
            return
        self.dismiss(event.value.strip())
