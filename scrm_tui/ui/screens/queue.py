"""The base of the queue screens (escalations, the outbox, sources, the review queue): a
status line, the rows re-read on a timer, and a detail pane for the highlighted row."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import DataTable, Static

from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.styles import screen_css
from scrm_tui.ui.widgets.keys_footer import KeysFooter
from scrm_tui.ui.widgets.queue_list import Cell, Column, QueueHeader, QueueList
from scrm_tui.ui.widgets.queue_table import QueueTable
from scrm_tui.ui.widgets.windowed_list import WindowedList

__all__ = ["Cell", "Column", "QueueScreen", "WindowedQueueScreen"]


Row = TypeVar("Row")


class QueueScreen(ReportsFailures, Screen[None], Generic[Row]):
    """A live view of a short list (escalations, the outbox, sources): a status line, a
    keyed table re-read on a timer, and a detail pane for the highlighted row.

    Element ids are `<PREFIX>-status`, `-table`, `-detail` and `-detail-text`; a
    subclass sets COLUMNS and implements `reload()` (a worker)."""

    CSS_PATH = screen_css("queue")

    PREFIX = ""
    NAME = ""  # for the title and the help screen
    REFRESH_S = 1.0
    COLUMNS: tuple[Column, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(
            Content(f"{self.NAME}  loading…"), id=f"{self.PREFIX}-status", classes="title-line"
        )
        yield QueueTable(self.COLUMNS, id=f"{self.PREFIX}-table")
        with VerticalScroll(id=f"{self.PREFIX}-detail", classes="queue-detail"):
            yield Static(id=f"{self.PREFIX}-detail-text")
        yield KeysFooter()

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, Row] = {}  # what the table shows, by row key
        self.loaded = False

    @property
    def table(self) -> QueueTable:
        return self.query_one(QueueTable)

    @property
    def selected(self) -> Row | None:
        key = self.table.selected_key
        return self.rows.get(key) if key is not None else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.set_class(self.app.no_color, "-no-color")
        self.focus_list()
        self.reload()
        # Other agents and processes change these lists, and ages move with the clock:
        # re-read (they are short) and update only what differs.
        self.set_interval(self.REFRESH_S, self.reload, name=f"{self.PREFIX}-refresh")

    def focus_list(self) -> None:
        self.table.focus()

    def reload(self) -> object:
        """Read the list again (a worker in each subclass)."""
        raise NotImplementedError

    def action_back(self) -> None:
        self.dismiss(None)

    @classmethod
    def key_sections(cls) -> list[tuple[str, type[DOMNode]]]:
        """Where this screen's keys come from, titled as `?` lists them."""
        return [(cls.NAME.lower(), cls), ("table", QueueTable)]

    def action_help(self) -> None:
        from scrm_tui.ui.dialogs.help import show_help

        show_help(self)


class WindowedQueueScreen(QueueScreen[Row]):
    """A queue too long to read whole (escalations, the outbox): the table is a window
    over every row, re-read around the selected one on each refresh and counted,
    never read whole. Element ids as QueueScreen's, with `<PREFIX>-header`."""

    def compose(self) -> ComposeResult:
        yield Static(
            Content(f"{self.NAME}  loading…"), id=f"{self.PREFIX}-status", classes="title-line"
        )
        yield QueueHeader(self.COLUMNS, id=f"{self.PREFIX}-header")
        yield QueueList(self.COLUMNS, self._row_cells, id=f"{self.PREFIX}-table")
        with VerticalScroll(id=f"{self.PREFIX}-detail", classes="queue-detail"):
            yield Static(id=f"{self.PREFIX}-detail-text")
        yield KeysFooter()

    def _row_cells(self, row: Row) -> tuple[Cell, ...]:
        raise NotImplementedError

    @property
    def queue(self) -> QueueList:
        return self.query_one(QueueList)

    @property
    def selected(self) -> Row | None:
        row: Row | None = self.queue.selected
        return row

    def focus_list(self) -> None:
        self.queue.focus()

    @classmethod
    def key_sections(cls) -> list[tuple[str, type[DOMNode]]]:
        return [(cls.NAME.lower(), cls), ("list", WindowedList)]

    def on_queue_list_highlighted(self, message: QueueList.Highlighted) -> None:
        self._show_detail()
