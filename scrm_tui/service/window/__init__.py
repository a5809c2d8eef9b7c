"""A long list (the inbox, a customer's timeline) as a window of rows, loaded by page.

The list on screen may stand for a million rows; a Window keeps only a contiguous
run of a few thousand (positions `lo`..`hi`) and extends it at either edge with
keyset pages, which cost the same at any depth. Only a jump far from the window
(a scrollbar drag, `G`) pays for an OFFSET query, read from the nearer end.

A LiveWindow (the inbox) also takes in what is stored while it is shown. A few new
rows are merged into place; a large arrival is counted in SQL and the window is read
again around the row the user is on, so taking it in costs what the screen shows,
not what arrived.
"""

from __future__ import annotations

from scrm_tui.service.window.base import COUNT_CAP, FOLD, KEEP, PAGE, Key, Row, Window
from scrm_tui.service.window.live import LiveWindow, Remap
from scrm_tui.service.window.stream import StreamWindow

__all__ = [
    "COUNT_CAP",
    "FOLD",
    "KEEP",
    "PAGE",
    "Key",
    "LiveWindow",
    "Remap",
    "Row",
    "StreamWindow",
    "Window",
]
