"""`z`: until when to snooze (`2h`, `tomorrow 9:00`, `mon`), shown as understood before
Enter confirms; on a snoozed mention, Enter with nothing typed wakes it now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from scrm_tui.service.snooze import SnoozeTimeError, Until
from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.styles import dialog_css
from scrm_tui.ui.widgets.inert import InertInput
from scrm_tui.ui.widgets.keys_line import keys_line

WAKE: Literal["wake"] = "wake"
PLACEHOLDER = "2h, 30m, 3d, tomorrow 9:00, mon, 2026-12-24 9:00"


class SnoozeScreen(Dialog[Until | Literal["wake"] | None]):
    """Dismissed with the moment to snooze until, WAKE, or None (Esc: nothing changes)."""

    CSS_PATH = dialog_css("snooze")

    def __init__(
        self, read: Callable[[str], Until], count: int, snoozed_until: str | None = None
    ) -> None:
        super().__init__()
        self.read = read
        self.count = count
        self.snoozed_until = snoozed_until  # `Mon 7 Dec 09:00 (in 3d 17h)`, when snoozed

    def compose(self) -> ComposeResult:
        what = "this mention" if self.count == 1 else f"{self.count:,} mentions"
        with Vertical(id="snooze-box", classes="dialog-box"):
            if self.snoozed_until is None:
                title = Content(f"Snooze {what} until…")
            else:
                title = Content(f"Snoozed until {self.snoozed_until}")
            yield Static(title, id="snooze-title")
            yield InertInput(placeholder=PLACEHOLDER, id="snooze-when")
            yield Static(self._idle(), id="snooze-message")
            keys = (("enter", "wake now" if self.snoozed_until else "snooze"), ("esc", "cancel"))
            yield Static(keys_line(*keys), id="snooze-keys")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))

    def _idle(self) -> Content:
        """What the message line says while nothing is typed."""
        if self.snoozed_until is not None:
            return Content("Enter wakes it now (unread for everyone), or type a new time.")
        return Content("It leaves the inbox and comes back, unread, when it is due.")

    def _say(self, content: Content, *, error: bool = False) -> None:
        message = self.query_one("#snooze-message", Static)
        message.set_class(error, "-error")
        message.update(content)

    def _understood(self, text: str) -> Until | None:
        """What `text` means, said under the input; or what is wrong and where."""
        try:
            until = self.read(text)
        except SnoozeTimeError as error:
            self._say(Content(str(error)), error=True)
            return None
        self._say(Content.assemble("until ", (until.shown, "bold")))
        return until

    @on(Input.Changed, "#snooze-when")
    def _typed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self._understood(event.value)
        else:
            self._say(self._idle())

    @on(Input.Submitted, "#snooze-when")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            if (until := self._understood(event.value)) is not None:
                self.dismiss(until)
        elif self.snoozed_until is not None:
            self.dismiss(WAKE)
        else:
            self._say(Content(f"Say until when: {PLACEHOLDER}"), error=True)
