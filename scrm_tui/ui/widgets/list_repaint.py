"""When a live list need not be drawn again: each line on screen shows the row it
showed, and the scrollbar's thumb stays where it was."""

from __future__ import annotations

from math import ceil
from typing import Any

from textual.scrollbar import ScrollBar, ScrollBarRender

from scrm_tui.service.window import Remap


def thumb(bar: ScrollBar) -> tuple[int, int] | None:
    """Where a vertical scrollbar's thumb is drawn, in eighths of a cell, as Textual's
    ScrollBarRender.render_bar places it (None: no thumb)."""
    size, virtual = bar.size.height, ceil(bar.window_virtual_size)
    window = ceil(bar.window_size) if bar.window_size < bar.window_virtual_size else 0
    if not (window and size and virtual and size != virtual):
        return None
    eighths = len(ScrollBarRender.VERTICAL_BARS)
    length = max(1, window / (virtual / size))
    start = int((size - length) * (bar.position / (virtual - window)) * eighths)
    return start, start + ceil(length * eighths)


def same_lines(remap: Remap[Any], top: int, new_top: int, height: int) -> bool:
    """Whether each line on screen shows, from `new_top`, the row it showed from
    `top` before the window took `remap`'s arrivals in."""
    window = remap.window
    for line in range(height):
        offset = top + line - remap.old_lo
        before = remap.old_rows[offset] if 0 <= offset < len(remap.old_rows) else None
        after = window.get(new_top + line)
        if (before is None) != (after is None):
            return False
        if before is None:
            if new_top + line < window.size:
                return False  # a row not held (drawn as `…`) may have come since
        elif after is None or before.uid != after.uid:
            return False
    return True
