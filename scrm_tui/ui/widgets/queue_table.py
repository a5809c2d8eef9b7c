"""A small queue as a keyed table (sources): updated by key, so the cursor never jumps."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import DataTable

from scrm_tui.ui.widgets.queue_list import Cell, Column, column_widths


class QueueTable(DataTable[Text]):
    """A small queue shown as a table and updated by key, so the cursor never jumps.

    `sync(rows)` makes the table show exactly `rows`, in that order: changed cells
    are updated, new rows added and gone ones removed, as dolphie does. The first
    column shows each row's key (its number)."""

    COMPONENT_CLASSES = {"queue--late", "queue--warn", "queue--ok", "queue--muted"}
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("g", "scroll_top", "First", show=False, id="table.first"),
        Binding("G", "scroll_bottom", "Last", show=False, id="table.last"),
    ]

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", cell_padding=0, id=id)
        self.spec = tuple(columns)
        self._rows: list[tuple[str, tuple[Cell, ...]]] = []
        self._shown: dict[str, tuple[Cell, ...]] = {}
        self._built_for: int | None = None  # the width the columns were sized for

    # Every cell is one space then its text: the gap between columns is ours, so
    # that an 80-column terminal keeps room for the text column.
    def _widths(self) -> list[int]:
        return column_widths(self.spec, self.size.width)

    def _cell(self, cell: Cell, width: int) -> Text:
        text, style = cell
        rich_style = self.get_component_rich_style(style, partial=True) if style else ""
        rendered = Text(" " + text, style=rich_style, no_wrap=True, overflow="ellipsis", end="")
        rendered.truncate(width + 1, overflow="ellipsis")
        return rendered

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        row = min(self.cursor_row, self.row_count - 1)
        key = self.ordered_rows[row].key.value
        return str(key) if key is not None else None

    def sync(self, rows: list[tuple[str, tuple[Cell, ...]]]) -> None:
        self._rows = rows
        if not self.size.width:
            return  # not laid out yet: the first resize builds it
        if self._built_for != self.size.width:
            self._rebuild()
            return
        selected = self.selected_key
        index = self.cursor_row
        widths = self._widths()
        wanted = dict(rows)
        with self.app.batch_update():
            for key in [k for k in self._shown if k not in wanted]:
                self.remove_row(key)
                del self._shown[key]
            for key, cells in rows:
                old = self._shown.get(key)
                if old is None:
                    self.add_row(
                        *(self._cell(c, w) for c, w in zip(cells, widths, strict=True)), key=key
                    )
                elif old != cells:
                    for column, cell, new, width in zip(self.spec, old, cells, widths, strict=True):
                        if cell != new:
                            self.update_cell(key, column.key, self._cell(new, width))
                self._shown[key] = cells
            order = {key: i for i, (key, _) in enumerate(rows)}
            current = [str(row.key.value) for row in self.ordered_rows]
            if current != [key for key, _ in rows]:
                self.sort(self.spec[0].key, key=lambda cell: order[cell.plain.strip()])
            self._restore(selected, index)

    def _rebuild(self) -> None:
        """Size the columns for this width and fill them (on first show and on resize)."""
        selected = self.selected_key
        index = self.cursor_row
        widths = self._widths()
        with self.app.batch_update():
            self.clear(columns=True)
            for column, width in zip(self.spec, widths, strict=True):
                self.add_column(Text(" " + column.label), width=width + 1, key=column.key)
            self._shown = {}
            for key, cells in self._rows:
                self.add_row(
                    *(self._cell(c, w) for c, w in zip(cells, widths, strict=True)), key=key
                )
                self._shown[key] = cells
            self._built_for = self.size.width
            self._restore(selected, index)
        if self.row_count:  # the screen's detail pane follows the (new) cursor row
            row_key = self.ordered_rows[self.cursor_row].key
            self.post_message(self.RowHighlighted(self, self.cursor_row, row_key))

    def _restore(self, key: str | None, index: int) -> None:
        """The cursor stays on the same item; if it went, on the row that took its place."""
        if not self.row_count:
            return
        if key is not None and key in self._shown:
            row = self.get_row_index(key)
        else:
            row = min(index, self.row_count - 1)
        if row != self.cursor_row:
            self.move_cursor(row=row, animate=False)

    def on_resize(self, event: Resize) -> None:
        if self._built_for != self.size.width and self.size.width:
            self._rebuild()
