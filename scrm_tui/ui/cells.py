"""Text fitted to a number of terminal cells, for columns drawn as plain Content."""

from __future__ import annotations

from rich.cells import cell_len


def fit(text: str, width: int, *, right: bool = False) -> str:
    """`text` cut with … or padded to `width` cells (wide characters count as two),
    on the left or, with `right`, the right."""
    if cell_len(text) > width:
        while text and cell_len(text) > width - 1:
            text = text[:-1]
        text += "…"
    gap = " " * max(width - cell_len(text), 0)
    return gap + text if right else text + gap
