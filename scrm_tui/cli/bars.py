"""Progress bars on the terminal for the long commands (catch-up, imports, re-scoring)."""

from __future__ import annotations

import sys
from collections.abc import Callable


def draw_bar(label: str, done: int, total: int, unit: str = "") -> None:
    """One line on the terminal: `importing [#########.........]  61% 61,000/100,000`."""
    width = 30
    filled = width * done // max(total, 1)
    percent = 100 * done // max(total, 1)
    bar = "#" * filled + "." * (width - filled)
    print(
        f"\r{label} [{bar}] {percent:3d}% {done:,}/{total:,}{unit}",
        end="",
        file=sys.stderr,
        flush=True,
    )


class Bars:
    """The catch-up's bars on a terminal, each on its own line under the one before:
    `indexing [###.....]  10% 1,000/10,000 customers`, then `re-matching ... authors`."""

    UNITS = {
        "detecting": " mentions",
        "indexing": " customers",
        "pairing": " customers",
        "re-matching": " authors",
        "counting terms": " days",
    }

    def __init__(self, shown: str | None = None, *, drawn: bool = True) -> None:
        self.shown = shown  # the bar on the current line, if any
        self.drawn = drawn  # False: only remember how far each got (not a terminal)
        self.done: dict[str, int] = {}

    def bar(self, label: str) -> Callable[[int, int], None]:
        def show(done: int, total: int) -> None:
            self.done[label] = done
            if not self.drawn:
                return
            if self.shown is not None and self.shown != label:
                print(file=sys.stderr)
            self.shown = label
            draw_bar(label, done, total, self.UNITS[label])

        return show
