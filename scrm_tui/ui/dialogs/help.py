"""The `?` help screen, built from the bindings actually in force (your [keys] too)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from scrm_tui.ui.dialogs.base import Dialog
from scrm_tui.ui.keymap import declared, in_force, screen_sections
from scrm_tui.ui.styles import dialog_css

NO_KEY = "—"  # a binding whose keys your [keys] gave to another one


def show_help(screen: Screen[Any]) -> None:
    """`?` on `screen`: its keys, section by section, then those that work everywhere."""
    app = screen.app
    sections = [(title, declared(cls)) for title, cls in screen_sections(type(screen), type(app))]
    app.push_screen(HelpScreen(sections))


class HelpScreen(Dialog[None]):
    CSS_PATH = dialog_css("help")

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close", id="help.close"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Sequence[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog-box"):
            yield Static(Content("Keys  (Esc closes)"), id="help-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action", "Where")
        keymap: Mapping[str, str] = getattr(self.app, "keymap", {})
        seen: set[tuple[str, str]] = set()
        for where, section in self.sections:
            bindings = [b if isinstance(b, Binding) else Binding(*b) for b in section]
            for binding, keys in zip(bindings, in_force(bindings, keymap), strict=True):
                if not binding.description:
                    continue
                shown = self._keys(binding, keys)
                if (shown, where) in seen:
                    continue
                seen.add((shown, where))
                table.add_row(shown, binding.description, where)
        table.focus()

    def _keys(self, binding: Binding, keys: list[str]) -> str:
        """A binding's keys (j, down) as the footer shows them ("j ↓")."""
        shown = (self.app.get_key_display(replace(binding, key=key)) for key in keys)
        return "  ".join(shown) or NO_KEY
