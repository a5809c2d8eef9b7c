"""Resolving an escalation (`x` in the queue): a note of what was done."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static, TextArea

from scrm_tui.core.models import Escalation
from scrm_tui.ui.cells import one_line
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.escalation_words import who_of
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertTextArea


class ResolveScreen(Dialog[str | None]):
    """How it was resolved: Ctrl+S resolves with this note, Esc cancels."""

    CSS_PATH = dialog_css("resolve")

    BINDINGS = [
        Binding("ctrl+s", "save", "Resolve", id="resolve.save"),
    ]

    def __init__(self, escalation: Escalation) -> None:
        super().__init__()
        self.escalation = escalation

    def compose(self) -> ComposeResult:
        esc = self.escalation
        with Vertical(id="resolve-box", classes="dialog-box"):
            yield Static(
                Content.assemble(
                    (f"Resolve #{esc.id}", "bold"),
                    f"  {esc.priority} · {one_line(esc.team, 30)} · {who_of(esc)}",
                ),
                id="resolve-title",
            )
            yield Static(
                Content.styled(one_line(esc.note or esc.snippet, 90) or "(no note)", "$text-muted"),
                id="resolve-subject",
            )
            yield Static(Content.styled("What was done (may be left blank)", "bold"))
            yield InertTextArea(id="resolve-note", soft_wrap=True, show_line_numbers=False)
            yield Static(
                Content.assemble(("ctrl+s", "bold"), " resolve  ", ("esc", "bold"), " cancel"),
                id="resolve-keys",
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one(TextArea))

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())
