"""A keyboard list over a Window of rows: draws only visible lines, never a widget per row.

A million rows cost the same as a hundred: rows come from the window in pages and
each drawn line is cached by its content. Subclasses say how a row looks.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from rich.cells import set_cell_size
from rich.segment import Segment
from textual import events, work
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from scrm_tui.service.window import LiveWindow, Remap, Window
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.keys import InOrderKeys
from scrm_tui.ui.widgets.list_repaint import same_lines, thumb

_CACHE_LINES = 600
_NOT_DRAWN = object()  # a row state no row has
# Keys typed while a new result loads wait for it: a key applied to the list being
# replaced lands in the wrong place. A starved machine can take several seconds for a
# first page, so only a load that has hung gives the keyboard back this way.
_KEY_WAIT = 30.0


class WindowedList(ReportsFailures, InOrderKeys, ScrollView, can_focus=True):
    """Cursor, scrolling, paging and live arrivals; `render_row` draws one row."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "first", "Newest", show=False, id="list.first"),
        Binding("G,end", "last", "Oldest", show=False, id="list.last"),
        Binding("pagedown,ctrl+f,space", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list.page_up"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)
    unseen: reactive[int] = reactive(0, repaint=False)  # the screen shows it, not the list
    """Arrivals above the top of the view that the user has not scrolled up to see."""

    # Each subclass defines its own Highlighted(row) and Opened(row) messages, so
    # handlers are named after it (on_mention_list_highlighted...).
    Highlighted: Callable[[Any], Message]
    Opened: Callable[[Any], Message]

    PLACEHOLDER_CLASS = "windowed-list--placeholder"

    def render_row(self, row: Any, width: int, selected: bool, state: Hashable) -> Strip:
        raise NotImplementedError

    def row_state(self, row: Any) -> Hashable:
        """Anything besides the row itself that changes how it is drawn (e.g. its age)."""
        return None

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.clock = clock
        self.window: Window[Any] | None = None
        self._lines: OrderedDict[tuple[object, ...], Strip] = OrderedDict()
        # What each row was last drawn with besides itself (row_state: its age...), so
        # the clock repaints only the rows that read differently now.
        self._drawn: dict[Any, Hashable] = {}
        self._highlighted_id: int | None = None
        self._pass: tuple[int, int] | None = None  # (width, top) while render_lines runs
        self._ready = asyncio.Event()

    # ---------------------------------------------------------------- state

    @property
    def selected(self) -> Any | None:
        return self.window.get(self.cursor) if self.window else None

    def expect_window(self) -> None:
        """A new result is loading: keys typed from now on wait for it."""
        self._ready.clear()

    def window_failed(self) -> None:
        self._ready.set()
        self.refresh()  # the rows it has, in the style of its focus now

    def hold_keys(self) -> None:
        """Keys typed from now on wait (for a move under way, as `n` makes)."""
        self._ready.clear()

    def release_keys(self) -> None:
        self._ready.set()
        self.refresh()  # a focus that came meanwhile is drawn (see on_focus)

    def window_moved(self) -> None:
        """The window now holds other rows (or renumbered them): draw them afresh."""
        if self.window is not None and self.window.renumbered:
            self.window.renumbered = False
            self._lines.clear()
        self._sync_size()
        self.refresh()

    async def key_barrier(self) -> None:
        if not self._ready.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), _KEY_WAIT)

    def set_window(self, window: Window[Any], cursor: int = 0) -> None:
        """Show a new result (its rows at `cursor` already loaded); the cursor goes
        there (the top by default), without a stop on the way."""
        self._ready.set()
        self.window = window
        self._lines.clear()
        self.unseen = 0
        self._sync_size()
        self.scroll_to(y=max(cursor - self._height // 2, 0), animate=False, immediate=True)
        self.cursor = cursor
        self.refresh()

    def _sync_size(self, repaint: bool = True) -> None:
        """The scrollable size is the window's; `repaint=False`: the lines on screen
        are known to show what they showed (only the scrollbar moves)."""
        rows = self.window.size if self.window else 0
        size = Size(self.scrollable_content_region.width, rows)
        was = self.virtual_size
        if size == was:
            return
        height = self._height
        # (A width the list cannot scroll across is only a number: the width measured
        # before the scrollbar came differs from the one now, and changes nothing.)
        width_same = size.width == was.width or self.styles.overflow_x == "hidden"
        if width_same and (rows > height) == (was.height > height):
            # A row more or less (an arrival) leaves the scrollbar as it was, shown or
            # not: no layout of the whole screen, which would cost an arrival several
            # times what drawing it does. The bar's thumb is told the new length.
            self.set_reactive(WindowedList.virtual_size, size)
            self._tell_bar(rows=rows)
            if repaint:
                self.refresh()
            return
        self.virtual_size = size

    @property
    def _height(self) -> int:
        return max(self.scrollable_content_region.height, 1)

    # ---------------------------------------------------------------- cursor

    def validate_cursor(self, value: int) -> int:
        size = self.window.size if self.window else 0
        return max(0, min(value, size - 1)) if size else 0

    def watch_cursor(self, old: int, new: int) -> None:
        top = round(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + self._height:
            self.scroll_to(y=new - self._height + 1, animate=False, immediate=True)
        self.refresh_line(old)
        self.refresh_line(new)
        self._need_rows()
        self._announce()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if round(new) == 0:
            self.unseen = 0
        self._need_rows()

    def _announce(self) -> None:
        row = self.selected
        row_id = row.uid if row else None
        if row_id != self._highlighted_id:
            self._highlighted_id = row_id
            self.post_message(self.Highlighted(row))

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self._go_far(0)

    def action_last(self) -> None:
        if self.window:
            self._go_far(self.window.size - 1)

    def _go_far(self, index: int) -> None:
        """Move the cursor to `index`; rows not held yet are read first, so the cursor
        and its rows reach the screen in one frame (not a frame of "…" rows, then a
        second one, 17 ms later at the earliest, with the rows). Keys typed meanwhile
        wait for it, as for a new result."""
        window = self.window
        if window is None or window.covers(*self._wanted_at(index)):
            self.cursor = index
            return
        self.hold_keys()
        self._load_then_move(window, index)

    def _wanted_at(self, index: int) -> tuple[int, int]:
        """The rows `_wanted` would ask for with the cursor at `index`, shown as it
        would scroll there (the far end at the bottom line, the top at the top)."""
        page = self.window.page if self.window else 0
        top = round(self.scroll_offset.y)
        if index < top:
            top = index
        elif index >= top + self._height:
            top = index - self._height + 1
        return min(top, index) - page, max(top + self._height, index + 1) + page

    # In the group of `_load`: one load at a time (a plain Window has no lock of its
    # own); one that replaces this one still leaves the cursor at `index`, its rows
    # drawn as they come.
    @work(group="list-load", exclusive=True, exit_on_error=False)
    async def _load_then_move(self, window: Window[Any], index: int) -> None:
        try:
            await window.ensure(*self._wanted_at(index))
        finally:
            if window is self.window:
                if window.renumbered:
                    window.renumbered = False
                    self._lines.clear()
                self._sync_size()
                self.cursor = index
            self.release_keys()

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_offset.y + self._height, animate=False, immediate=True)
        self.cursor += self._height

    def action_page_up(self) -> None:
        self.scroll_to(y=max(self.scroll_offset.y - self._height, 0), animate=False, immediate=True)
        self.cursor -= self._height

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.cursor = round(self.scroll_offset.y) + offset.y
            row = self.selected
            if event.chain == 2 and row is not None:
                self.post_message(self.Opened(row))

    # ---------------------------------------------------------------- loading

    def _wanted(self) -> tuple[int, int]:
        """The rows the view needs held: those on screen and the cursor, a page around."""
        page = self.window.page if self.window else 0
        top = round(self.scroll_offset.y)
        return min(top, self.cursor) - page, max(top + self._height, self.cursor + 1) + page

    def _need_rows(self) -> None:
        """Ask for the rows around the view if the window does not hold them yet."""
        window = self.window
        if window is None:
            return
        start, stop = self._wanted()
        if not window.covers(start, stop):
            self._load(start, stop)

    @work(group="list-load", exclusive=True, exit_on_error=False)
    async def _load(self, start: int, stop: int) -> None:
        window = self.window
        if window is None:
            return
        if await window.ensure(start, stop):
            if window is not self.window:
                return
            if window.renumbered:
                window.renumbered = False
                self._lines.clear()
            self._sync_size()
            self.refresh()
            self._announce()

    async def load_count(self, floored: Callable[[], None] | None = None) -> None:
        """Learn the exact size, so the scrollbar and `G` span the whole result;
        `floored()`: a lower bound is known first (the window's `floor`)."""
        window = self.window
        if window is not None:
            await window.load_count(floored)
            if window is self.window:
                self._sync_size()
                self.refresh()

    async def take_arrivals(self, newest: Any = None) -> int:
        """Take in what was stored since the last look (up to `newest`, when the caller
        knows it), keeping the user's place; returns how many rows arrived.

        The selected row stays selected, on the same line. If the view is at the very
        top, new rows appear there (the stream visibly moves) as long as the selection
        stays on screen; otherwise `unseen` counts what arrived above the view.
        """
        window = self.window
        if not isinstance(window, LiveWindow):
            return 0
        remap = await window.take_arrivals(self._keep, self._height + window.page, newest)
        if remap is None or window is not self.window or not remap.added:
            return 0
        self._place(window, remap)
        return remap.added

    async def resync(self, came: list[Any]) -> None:
        """Rows left the list or came back into it (`came`), anywhere: read it again
        around the selected row, which stays selected, on its line."""
        window = self.window
        if not isinstance(window, LiveWindow):
            return
        remap = await window.resync(self._keep, self._height + window.page, came)
        if window is self.window:
            self._place(window, remap)

    def drop(self, uids: set[Any]) -> None:
        """Rows that left the list here and now (snoozed): the rows below move up, the
        cursor stays on its line (on the row that was below it)."""
        window = self.window
        if window is None:
            return
        gone = window.drop(uids)
        if not gone:
            return
        above = sum(1 for position in gone if position < self.cursor)
        self._sync_size()
        self.set_reactive(WindowedList.cursor, max(self.cursor - above, 0))
        self.cursor = self.cursor  # announce the row now under the cursor
        self.refresh()
        self._need_rows()

    def _keep(self) -> list[int]:
        """The positions to keep in place, best first: the selected row if it is on
        screen, else the top line."""
        top = round(self.scroll_offset.y)
        on_screen = top <= self.cursor < top + self._height
        return [self.cursor, top] if on_screen else [top, self.cursor]

    def _place(self, window: LiveWindow[Any], remap: Remap[Any]) -> None:
        """Show the window as `remap` changed it, the selected row on its line."""
        # From here to the end nothing awaits: keys see the list before or after, whole.
        top = round(self.scroll_offset.y)
        height = self._height
        # A selected row that left moves as its nearest held neighbour did, which may
        # be past either end of what is left (the first rows gone): keep it in the list.
        cursor = 0 if remap.was_empty else self.validate_cursor(remap.index(self.cursor))
        if top == 0 and cursor < height:
            new_top = 0
        else:
            if top <= self.cursor < top + height:
                new_top = max(cursor - (self.cursor - top), 0)
            else:
                new_top = remap.index(top)
            self.unseen += remap.arrived_above(new_top)
        if window.renumbered:
            window.renumbered = False
            self._lines.clear()
        # Arrivals above the view (the user reading further down) or below it leave
        # every line on screen as it was: only the scrollbar and the `↑ new` count
        # move, and the list is not drawn again.
        same = same_lines(remap, top, new_top, height)
        self._sync_size(repaint=not same)
        # The same row is still selected: move the index without announcing. (Before
        # scrolling, which asks for the rows around the cursor: the new one.)
        self.set_reactive(WindowedList.cursor, cursor)
        if same:
            self._shift_view(new_top)
        else:
            self.scroll_to(y=new_top, animate=False, immediate=True)
        start, stop = self._wanted()
        window.trim(start, stop)
        if new_top > 0:
            # What arrived above the view is counted (`unseen`), not held: however
            # much piles up while the user reads, the window holds what is around the
            # view, and `g` reads the newest again.
            window.forget_above(start)
        if not same:
            self.refresh()
        self._need_rows()
        self._announce()  # only if the selection is a different row (a first one)

    def _shift_view(self, top: int) -> None:
        """Move the view's offset to `top` with nothing drawn again but the scrollbar
        (a scroll repaints every line: here each line already shows its row)."""
        self.set_reactive(ScrollView.scroll_y, float(top))
        self.set_reactive(ScrollView.scroll_target_y, float(top))
        self._tell_bar(top=top)

    def _tell_bar(self, *, rows: int | None = None, top: int | None = None) -> None:
        """Give the scrollbar the list's length or the view's top, and draw it again only
        if its thumb moves: a row more among a thousand moves it by nothing, and a bar
        drawn again makes the frame take in every widget between it and the top line."""
        if not self.show_vertical_scrollbar:
            return
        bar = self.vertical_scrollbar
        was = thumb(bar)
        if rows is not None:
            bar.set_reactive(ScrollBar.window_virtual_size, rows)
        if top is not None:
            bar.set_reactive(ScrollBar.position, float(top))
        if thumb(bar) != was:
            bar.refresh()

    def refresh_rows(self, positions: list[int]) -> None:
        for position in positions:
            self.refresh_line(position)

    def refresh_changed_states(self) -> None:
        """Repaint the rows on screen whose row_state reads differently now than when
        they were drawn ('3m' become '4m'); a row an hour old reads '1h' for an hour
        and costs nothing meanwhile."""
        window = self.window
        if window is None:
            return
        drawn, self._drawn = self._drawn, {}  # rows scrolled away are forgotten
        top = round(self.scroll_offset.y)
        for index in range(top, top + self._height):
            row = window.get(index)
            if row is None:
                continue
            was = drawn.get(row.uid, _NOT_DRAWN)
            if self.row_state(row) != was:
                self.refresh_line(index)  # render_line notes the state it draws
            else:
                self._drawn[row.uid] = was

    # ---------------------------------------------------------------- drawing

    def render_lines(self, crop: Region) -> list[Strip]:
        # The width and top are the same for every line of one pass, and measuring the
        # width (scrollbars, gutter) costs more than drawing a line from the cache.
        self._pass = (self.scrollable_content_region.width, round(self.scroll_offset.y))
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def render_line(self, y: int) -> Strip:
        width, top = self._pass or (
            self.scrollable_content_region.width,
            round(self.scroll_offset.y),
        )
        index = top + y
        window = self.window
        row = window.get(index) if window else None
        if row is None:
            if window is not None and index < window.size:
                self._need_rows()
                style = self.get_component_rich_style(self.PLACEHOLDER_CLASS)
                return Strip([Segment(set_cell_size("  …", width), style)], width)
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        if len(self._drawn) > _CACHE_LINES:
            self._drawn.clear()  # bounded: a row it forgot is drawn again at the next look
        extra = self._drawn[row.uid] = self.row_state(row)
        key = (row, width, selected, extra, self.has_focus)
        strip = self._lines.get(key)
        if strip is None:
            strip = self.render_row(row, width, selected, extra)
            self._lines[key] = strip
            if len(self._lines) > _CACHE_LINES:
                self._lines.popitem(last=False)
        else:
            self._lines.move_to_end(key)
        return strip

    def on_resize(self, event: events.Resize) -> None:
        self._lines.clear()
        self._sync_size()
        self._need_rows()

    def on_focus(self) -> None:
        # A new result on its way (Enter in the filter) redraws every line when it
        # comes: drawing the old rows in the focused style first is wasted meanwhile.
        if self._ready.is_set():
            self.refresh()

    def on_blur(self) -> None:
        self.refresh()
