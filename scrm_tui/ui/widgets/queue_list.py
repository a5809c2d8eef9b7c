"""A long queue (escalations) in columns over a Window: only the visible rows are drawn."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from scrm_tui.ui.widgets.windowed_list import WindowedList


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int | None  # None: takes the room the others leave
    grow: int = 0  # up to this much wider when the flexible column has room to spare


FLEX_MIN = 60  # the flexible column keeps this much before others grow into the room

# One cell as plain data: its text and a component class (or None).
Cell = tuple[str, str | None]


def column_widths(spec: Sequence[Column], width: int) -> list[int]:
    """Each column's width without its one-space gap, for a list `width` cells wide
    (one more is kept for the scrollbar and its gap)."""
    fixed = sum(c.width + 1 for c in spec if c.width is not None)
    room = max(8, width - fixed - 2)
    widths = []
    for c in spec:
        extra = min(c.grow, max(0, room - FLEX_MIN)) if c.width is not None else 0
        room -= extra
        widths.append(c.width + extra if c.width is not None else 0)
    return [w if c.width is not None else room for c, w in zip(spec, widths, strict=True)]


class QueueHeader(Widget):
    """The column labels above a QueueList, sized as its rows are."""

    DEFAULT_CSS = "QueueHeader { height: 1; text-style: bold; }"

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spec = tuple(columns)

    def render(self) -> Content:
        widths = column_widths(self.spec, self.size.width)
        return Content(
            "".join(" " + set_cell_size(c.label, w) for c, w in zip(self.spec, widths, strict=True))
        )


class QueueList(WindowedList):
    """One line per row, in columns; `cells(row)` says what each column shows."""

    COMPONENT_CLASSES = {
        "queue-list--cursor",
        "queue-list--placeholder",
        "queue--late",
        "queue--warn",
        "queue--ok",
        "queue--muted",
    }
    PLACEHOLDER_CLASS = "queue-list--placeholder"

    class Highlighted(Message):
        def __init__(self, row: Any | None) -> None:
            self.row = row
            super().__init__()

    class Opened(Message):
        def __init__(self, row: Any) -> None:
            self.row = row
            super().__init__()

    def __init__(
        self,
        columns: Sequence[Column],
        cells: Callable[[Any], tuple[Cell, ...]],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.spec = tuple(columns)
        self.cells = cells

    def row_state(self, row: Any) -> Hashable:
        # Ages and SLAs move with the clock: the cells are part of what is drawn.
        return self.cells(row)

    def render_row(self, row: Any, width: int, selected: bool, state: Hashable) -> Strip:
        cells: tuple[Cell, ...] = state  # type: ignore[assignment]
        base = self.rich_style
        cursor = self.get_component_rich_style("queue-list--cursor") if selected else None
        line = base + cursor if cursor is not None else base
        segments = []
        for (text, kind), cell_width in zip(cells, column_widths(self.spec, width), strict=True):
            style: Style = line + self.get_component_rich_style(kind) if kind else line
            if cell_len(text) > cell_width:
                text = set_cell_size(text, max(cell_width - 1, 0)) + "…"
            segments.append(Segment(" " + set_cell_size(text, cell_width), style))
        return Strip(segments, width).crop(0, width).extend_cell_length(width, line)
