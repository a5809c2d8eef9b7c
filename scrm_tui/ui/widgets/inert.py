"""Editable widgets that can hold nothing a terminal would obey, and type no Alt keys.

Textual's Input and TextArea draw their text as it is: Rich strips only BEL, BS,
VT, FF and CR, so an ESC in a prefilled handle, a template value or a pasted line
would reach the terminal as an escape sequence. Every way text gets into these
widgets (the initial value, assignment, typing, paste, insert) goes through one
sanitising step, so what is shown, and later sent or saved, is inert.

An Alt+letter (which terminals send as ESC letter) is a command, never text: left
to Textual, both widgets would type the letter and a form's Alt binding (priority
on Alt+1 in the escalate form's note) would never run.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input

from scrm_tui.core import sanitize


class _AltIsACommand:
    def on_key(self, event: events.Key) -> None:
        # Runs before the widget's own key handler, which would type the letter.
        if event.key.startswith("alt+"):
            event.prevent_default()


class InertInput(_AltIsACommand, Input):
    """A one-line input: controls become visible symbols, line breaks become spaces."""

    def validate_value(self, value: str) -> str:
        # Textual calls this on every assignment to `value`; typing, paste, insert
        # and delete all end in one.
        return sanitize.editable(value, multiline=False)


def __getattr__(name: str) -> Any:
    # Textual's TextArea (and its document model) costs ~7 ms of CPU to import: only
    # the forms that write text need it, not the inbox's first frame.
    if name == "InertTextArea":
        from scrm_tui.ui.widgets.inert_area import InertTextArea

        return InertTextArea
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
