"""Text fitted to its room: to a number of terminal cells for columns drawn as plain
Content, to a line or a few thousand characters for the queues' rows and panes."""

from __future__ import annotations

from rich.cells import cell_len

from scrm_tui.core import sanitize
from scrm_tui.core.timefmt import age

DETAIL_LIMIT = 4000  # characters of a note or post shown in a detail pane


def fit(text: str, width: int, *, right: bool = False) -> str:
    """`text` cut with … or padded to `width` cells (wide characters count as two),
    on the left or, with `right`, the right."""
    if cell_len(text) > width:
        while text and cell_len(text) > width - 1:
            text = text[:-1]
        text += "…"
    gap = " " * max(width - cell_len(text), 0)
    return gap + text if right else text + gap


def span(ms: int) -> str:
    """A duration as the lists show ages: 42s, 5m, 3h, 2d."""
    return age(max(ms, 0), 0) if ms >= 5000 else f"{max(ms, 0) // 1000}s"


def one_line(text: str | None, limit: int = 200) -> str:
    return sanitize.first_line(text or "", limit=max(limit, 400))[:limit]


def block(text: str | None, limit: int = DETAIL_LIMIT) -> str:
    text = text or ""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return sanitize.block(cut).strip()
