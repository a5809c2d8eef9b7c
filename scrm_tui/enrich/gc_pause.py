"""Python's cyclic garbage collector held off while a match runs."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # runs under way, in every thread
_resume = False  # whether the collector was on when the first of them began


@contextmanager
def paused() -> Iterator[None]:
    """Within: no cyclic collection. A match allocates tens of thousands of short-lived
    rows (a common name's holders), which set off collections that walk every object
    the process holds: at a million customers a fifth of a match's CPU on average, and
    half of it for the slowest. What a match leaves behind is freed by reference
    counting (it makes no cycles); the collector resumes once the last run ends."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
