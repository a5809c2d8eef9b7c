"""The inert text area (see inert.py), apart: Textual's TextArea is imported only when
a form that writes text is first opened, not for the inbox's first frame."""

from __future__ import annotations

from typing import Any

from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult

from scrm_tui.core import sanitize
from scrm_tui.ui.widgets.inert import _AltIsACommand


class InertTextArea(_AltIsACommand, TextArea):
    """A text area: controls become visible symbols; newlines and tabs stay."""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(sanitize.editable(text, multiline=True), **kwargs)

    def load_text(self, text: str) -> None:
        super().load_text(sanitize.editable(text, multiline=True))

    def edit(self, edit: Edit) -> EditResult:
        # Every change (a key, a paste, insert, replace) is an Edit through here.
        edit.text = sanitize.editable(edit.text, multiline=True)
        return super().edit(edit)
