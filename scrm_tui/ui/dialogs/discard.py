"""Discarding an outbox item (`x` in the outbox): y discards, n or Esc keeps."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from scrm_tui.core.models import OutboxItem
from scrm_tui.ui.cells import one_line
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.outbox_words import KINDS, summary, where
from scrm_tui.ui.styles import dialog_css


class ConfirmDiscard(Dialog[bool]):
    """y discards, n or Esc keeps: discarding cannot be undone."""

    CSS_PATH = dialog_css("discard")

    BINDINGS = [
        Binding("y", "dismiss(True)", "Discard", id="discard.yes"),
        Binding("n,escape", "dismiss(False)", "Keep", id="discard.no"),
    ]

    def __init__(self, item: OutboxItem) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        if item.kind == "reply" and len(item.mention_ids) == 1:
            after = "Its text goes back to your draft for that mention (r there to edit it)."
        elif item.kind == "post":
            after = "Its text goes back to your macro draft (R in the inbox)."
        elif item.kind == "webhook":
            after = "The team's webhook will not hear about this; the escalation stays."
        else:
            after = "It will not be sent."
        with Vertical(id="discard-box", classes="dialog-box"):
            yield Static(
                Content.assemble(
                    (f"Discard #{item.id}?", "bold"),
                    f"  {KINDS.get(item.kind, item.kind)} · {where(item)} · {item.state.value}",
                ),
                id="discard-title",
            )
            yield Static(Content.styled(one_line(summary(item), 90), "$text-muted"))
            yield Static(Content(after), id="discard-after")
            yield Static(
                Content.assemble(
                    ("y", "bold"), " discard  ", ("n", "bold"), "/", ("esc", "bold"), " keep it"
                ),
                id="discard-keys",
            )
