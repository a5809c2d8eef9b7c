"""Ask before `U` undoes the agent's last action: what it was, when, and how many."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from scrm_tui.core import sanitize
from scrm_tui.core.timefmt import ago
from scrm_tui.service.bulk import Action
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.keys_line import keys_line


def what_it_was(action: Action, now_ms: int) -> str:
    """`assigned 1,200 mentions to dana · 4m ago, stopped part-way`: the action in a
    line (its words hold names and tags others typed: made inert)."""
    when = ago(now_ms, action.started_ms)
    if action.stopped or action.finished_ms is None:
        when += ", stopped part-way"
    if action.left < action.count:
        when += f", undone part-way ({action.count - action.left:,} of {action.count:,})"
    return f"{sanitize.inline(action.summary)} · {when}"


class ConfirmUndo(Dialog[bool]):
    """y or Enter undoes, n or Esc keeps it."""

    CSS_PATH = dialog_css("undo")

    BINDINGS = [
        Binding("y,enter", "dismiss(True)", "Undo", id="undo.yes"),
        Binding("n,escape", "dismiss(False)", "Keep", id="undo.no"),
    ]

    def __init__(self, action: Action, now_ms: int) -> None:
        super().__init__()
        self.action_ = action
        self.now_ms = now_ms

    def compose(self) -> ComposeResult:
        left = self.action_.left
        what = "it back as it was" if left == 1 else f"all {left:,} mentions back as they were"
        with Vertical(id="undo-box", classes="dialog-box"):
            yield Static(Content.styled("Undo your last action?", "bold"), id="undo-title")
            yield Static(Content(what_it_was(self.action_, self.now_ms)), id="undo-what")
            yield Static(
                Content(f"Puts {what}. A mention someone else has changed since is left as it is."),
                id="undo-after",
            )
            yield Static(keys_line(("y", "undo"), ("n", "keep")), id="undo-keys")
