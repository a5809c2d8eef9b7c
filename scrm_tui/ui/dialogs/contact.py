"""Log an offline contact (`o`) or write a note (`n`) in the customer view."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Select, Static, TextArea

from scrm_tui.core.timefmt import TimestampError, parse_when
from scrm_tui.service.inbox import OFFLINE_KINDS
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertInput, InertTextArea
from scrm_tui.ui.widgets.keys_line import keys_line

KIND_NAMES = {
    "call": "Phone call",
    "email": "E-mail",
    "meeting": "Meeting",
    "survey": "Survey answer",
    "letter": "Letter",
    "comment_card": "Comment card",
    "other": "Other contact",
}


@dataclass(frozen=True)
class ContactEntry:
    kind: str  # "note" or one of OFFLINE_KINDS
    summary: str
    direction: str | None = None
    at_ms: int | None = None


class ContactScreen(Dialog[ContactEntry | None]):
    """A small form; Ctrl+S saves, Esc cancels (nothing is written)."""

    CSS_PATH = dialog_css("contact")

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="contact.save"),
    ]

    def __init__(self, customer_name: str, now_ms: int, *, note: bool = False) -> None:
        super().__init__()
        self.customer_name = customer_name
        self.now_ms = now_ms
        self.note = note

    def compose(self) -> ComposeResult:
        title = "Note on " if self.note else "Log a contact with "
        with Vertical(id="contact-box", classes="dialog-box"):
            yield Static(Content.assemble(title, (self.customer_name, "bold")), id="contact-title")
            if not self.note:
                with Horizontal(id="contact-row"):
                    yield Select(
                        [(KIND_NAMES[k], k) for k in OFFLINE_KINDS],
                        value="call",
                        allow_blank=False,
                        id="contact-kind",
                    )
                    yield Select(
                        [("from them (in)", "in"), ("from us (out)", "out")],
                        value="in",
                        allow_blank=False,
                        id="contact-direction",
                    )
                    yield InertInput(
                        value="now",
                        placeholder="when: now, 2h ago, 2026-11-20 14:30",
                        id="contact-when",
                    )
            yield InertTextArea(id="contact-summary", soft_wrap=True, show_line_numbers=False)
            yield Static(id="contact-message")
            keys = [("ctrl+s", "save"), ("esc", "cancel")]
            if not self.note:  # a note is only what was said
                keys.append(("shift+tab", "when, direction, kind"))
            yield Static(keys_line(*keys), id="contact-keys")

    def on_mount(self) -> None:
        # What was said comes first: kind, direction and time default to the usual
        # (a call from them, now) and are a Shift+Tab away.
        self.set_focus(self.query_one(TextArea))

    def _say(self, text: str) -> None:
        self.query_one("#contact-message", Static).update(Content.styled(text, "$error"))

    def action_save(self) -> None:
        summary = self.query_one(TextArea).text.strip()
        if not summary:
            self._say("Write what was said first.")
            self.set_focus(self.query_one(TextArea))
            return
        if self.note:
            self.dismiss(ContactEntry("note", summary))
            return
        kind = self.query_one("#contact-kind", Select).value
        direction = self.query_one("#contact-direction", Select).value
        when = self.query_one("#contact-when", Input)
        try:
            at_ms = parse_when(when.value, self.now_ms)
        except TimestampError as error:
            self._say(f"When {error}.")
            self.set_focus(when)
            return
        self.dismiss(ContactEntry(str(kind), summary, str(direction), at_ms))
