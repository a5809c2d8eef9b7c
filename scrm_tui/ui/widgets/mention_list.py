"""The mention stream: draws only the visible rows of a StreamWindow, line by line.

A million mentions cost the same as a hundred: nothing here is one widget per row,
rows come from the window in pages, and each drawn line is cached by its content.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Callable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from scrm_tui.core import sanitize
from scrm_tui.core.models import MentionRow, SentimentLabel, Status
from scrm_tui.core.timefmt import age
from scrm_tui.service.window import StreamWindow
from scrm_tui.ui.keys import InOrderKeys

CHANNEL_BADGES = {
    "mastodon": "mast",
    "bluesky": "bsky",
    "hackernews": "hn",
    "reddit": "rddt",
    "github": "gh",
    "rss": "rss",
    "x": "x",
}
# Shape carries the meaning, colour only repeats it (NO_COLOR, 16 colours).
SENTIMENT_GLYPHS = {
    SentimentLabel.POSITIVE: "▲",
    SentimentLabel.NEGATIVE: "▼",
    SentimentLabel.NEUTRAL: "·",
}
UNREAD_MARK = "●"
DONE_MARK = "✓"
_CACHE_LINES = 600
# Keys typed while a new result loads wait for it, but never longer than this.
_KEY_WAIT = 5.0


def author_label(row: MentionRow) -> str:
    """Display name if there is one, else the handle; always single-line and inert."""
    if row.author_name and row.author_name.strip():
        return " ".join(sanitize.inline(row.author_name).split())
    return sanitize.handle(row.author_handle)


class MentionList(InOrderKeys, ScrollView, can_focus=True):
    """Keyboard-driven list of mentions, newest first."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "first", "Newest", show=False, id="list.first"),
        Binding("G,end", "last", "Oldest", show=False, id="list.last"),
        Binding("pagedown,ctrl+f,space", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list.page_up"),
    ]

    COMPONENT_CLASSES = {
        "mention-list--cursor",
        "mention-list--unread",
        "mention-list--done",
        "mention-list--age",
        "mention-list--channel",
        "mention-list--positive",
        "mention-list--negative",
        "mention-list--neutral",
        "mention-list--customer",
        "mention-list--placeholder",
    }

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)
    unseen: reactive[int] = reactive(0)
    """Arrivals above the top of the view that the user has not scrolled up to see."""

    class Highlighted(Message):
        """The cursor is on a (possibly different) mention."""

        def __init__(self, row: MentionRow | None) -> None:
            self.row = row
            super().__init__()

    class Opened(Message):
        def __init__(self, row: MentionRow) -> None:
            self.row = row
            super().__init__()

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
        self.window: StreamWindow | None = None
        self._lines: OrderedDict[tuple[object, ...], Strip] = OrderedDict()
        self._highlighted_id: int | None = None
        self._ready = asyncio.Event()

    # ---------------------------------------------------------------- state

    @property
    def selected(self) -> MentionRow | None:
        return self.window.get(self.cursor) if self.window else None

    def expect_window(self) -> None:
        """A new result is loading: keys typed from now on wait for it."""
        self._ready.clear()

    def window_failed(self) -> None:
        self._ready.set()

    async def key_barrier(self) -> None:
        if not self._ready.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), _KEY_WAIT)

    def set_window(self, window: StreamWindow) -> None:
        """Show a new result (first page already loaded); the cursor goes to the top."""
        self._ready.set()
        self.window = window
        self._lines.clear()
        self.unseen = 0
        self._sync_size()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = 0
        self.refresh()

    def _sync_size(self) -> None:
        rows = self.window.size if self.window else 0
        self.virtual_size = Size(self.scrollable_content_region.width, rows)

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
        row_id = row.id if row else None
        if row_id != self._highlighted_id:
            self._highlighted_id = row_id
            self.post_message(self.Highlighted(row))

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        if self.window:
            self.cursor = self.window.size - 1

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

    def _need_rows(self) -> None:
        """Ask for the rows around the view if the window does not hold them yet."""
        window = self.window
        if window is None:
            return
        top = round(self.scroll_offset.y)
        start = min(top, self.cursor) - window.page
        stop = max(top + self._height, self.cursor + 1) + window.page
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

    async def load_count(self) -> None:
        """Learn the exact size, so the scrollbar and `G` span the whole result."""
        window = self.window
        if window is not None:
            await window.load_count()
            if window is self.window:
                self._sync_size()
                self.refresh()

    def receive(self, arrivals: list[MentionRow]) -> int:
        """Place newly stored rows while keeping the user's place; returns how many.

        The selected mention stays selected. If the view is at the very top, new rows
        appear there (the stream visibly moves) as long as the selection stays on
        screen; otherwise the view keeps showing the same rows and `unseen` counts
        what arrived above it.
        """
        window = self.window
        if not arrivals or window is None:
            return 0
        top = round(self.scroll_offset.y)
        top_row = window.get(top)
        cursor_row = window.get(self.cursor)
        added = window.apply_arrivals(arrivals)
        if not added:
            return 0

        def newer_than(anchor: MentionRow | None) -> int:
            if anchor is None:
                return len(added)
            return sum(1 for row in added if row.sort_key > anchor.sort_key)

        above_top = newer_than(top_row)
        new_cursor = self.cursor + newer_than(cursor_row)
        pinned = top == 0 and new_cursor < self._height
        self._sync_size()
        new_top = 0 if pinned else top + above_top
        if not pinned:
            self.unseen += above_top
        self.scroll_to(y=new_top, animate=False, immediate=True)
        # The same mention is still selected: move the index without announcing.
        self.set_reactive(MentionList.cursor, new_cursor)
        self.refresh()
        self._need_rows()
        return len(added)

    def refresh_rows(self, positions: list[int]) -> None:
        for position in positions:
            self.refresh_line(position)

    # ---------------------------------------------------------------- drawing

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        window = self.window
        row = window.get(index) if window else None
        if row is None:
            if window is not None and index < window.size:
                self._need_rows()
                style = self.get_component_rich_style("mention-list--placeholder")
                return Strip([Segment(set_cell_size("  …", width), style)], width)
            return Strip.blank(width, self.rich_style)
        now = int(self.clock() * 1000)
        when = age(now, row.created_ms)
        selected = index == self.cursor
        key = (row, width, selected, when, self.has_focus)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._render_row(row, width, when, selected)
            self._lines[key] = strip
            if len(self._lines) > _CACHE_LINES:
                self._lines.popitem(last=False)
        else:
            self._lines.move_to_end(key)
        return strip

    def _render_row(self, row: MentionRow, width: int, when: str, selected: bool) -> Strip:
        style_of = self.get_component_rich_style
        base = self.rich_style
        if row.status is Status.DONE:
            base += style_of("mention-list--done")
        elif not row.is_read:
            base += style_of("mention-list--unread")

        def part(text: str, cells: int, extra: Style | None = None) -> Segment:
            style = base if extra is None else base + extra
            if selected:
                # The cursor wins over the column colours, so it reads as one bar.
                style += style_of("mention-list--cursor")
            return Segment(set_cell_size(text, cells), style)

        mark = DONE_MARK if row.status is Status.DONE else (" " if row.is_read else UNREAD_MARK)
        label = row.label
        author_cells = 22 if width >= 120 else 16
        author = author_label(row)
        customer = row.customer_name is not None
        fixed = 2 + 4 + 5 + 2 + author_cells + 1
        segments = [
            part(f"{mark} ", 2),
            part(f"{when:>3} ", 4, style_of("mention-list--age")),
            part(
                CHANNEL_BADGES.get(row.channel, row.channel[:4]),
                5,
                style_of("mention-list--channel"),
            ),
            part(f"{SENTIMENT_GLYPHS[label]} ", 2, style_of(f"mention-list--{label.value}")),
        ]
        if customer:
            # A known customer is marked with ◆ so it reads without colour too.
            segments.append(part("◆" + author, author_cells, style_of("mention-list--customer")))
        else:
            segments.append(part(author, author_cells))
        segments.append(part(" ", 1))
        snippet_cells = max(width - fixed, 0)
        segments.append(part(sanitize.first_line(row.snippet), snippet_cells))
        total = sum(cell_len(segment.text) for segment in segments)
        if total < width:
            segments.append(Segment(" " * (width - total), base))
        return Strip(segments, width).crop(0, width)

    def on_resize(self, event: events.Resize) -> None:
        self._lines.clear()
        self._sync_size()
        self._need_rows()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def refresh_ages(self) -> None:
        """Ages are drawn relative to now: repaint so '3m' becomes '4m'."""
        self.refresh()
