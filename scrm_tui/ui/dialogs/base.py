"""The base of every dialog: Escape dismisses it, one binding in one place."""

from __future__ import annotations

from pathlib import PurePath
from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import ModalScreen

from scrm_tui.ui.styles import DIALOGS_CSS

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal screen whose Escape cancels it: dismissed with None, nothing done. A
    dialog whose Escape says something else (Close, Keep, Back) binds escape itself;
    Textual lets that binding replace this one."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [DIALOGS_CSS]  # and each dialog its own

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)

    @classmethod
    def key_sections(cls) -> list[tuple[str, type[DOMNode]]]:
        """Where this dialog's keys come from, as `?` and the [keys] check read them: its
        own, then the Escape it keeps from this base unless it binds escape itself."""
        from scrm_tui.ui.keymap import declared, screen_title  # only when keys are read

        title = screen_title(cls)
        keys = {key.strip() for binding in declared(cls) for key in binding.key.split(",")}
        return [(title, cls)] if "escape" in keys else [(title, cls), (title, Dialog)]
