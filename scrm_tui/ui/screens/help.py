"""The `?` help screen, built from the bindings actually in force."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close", id="help.close"),
    ]

    def __init__(self, sections: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Content("Keys  (Esc closes)"), id="help-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action", "Where")
        seen: set[tuple[str, str]] = set()
        for where, bindings in self.sections:
            for binding in bindings:
                if not isinstance(binding, Binding):
                    binding = Binding(*binding)
                if not binding.description:
                    continue
                keys = self._keys(binding)
                if (keys, where) in seen:
                    continue
                seen.add((keys, where))
                table.add_row(keys, binding.description, where)
        table.focus()

    def _keys(self, binding: Binding) -> str:
        """All keys of a binding ("j,down") as the footer shows them ("j ↓")."""
        keys = [key.strip() for key in binding.key.split(",") if key.strip()]
        return "  ".join(self.app.get_key_display(replace(binding, key=key)) for key in keys)
