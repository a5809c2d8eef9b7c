"""Charts of block characters that read by shape alone (NO_COLOR, 16 colours, 80×24):
rows of a series on a shared scale, a balance drawn above and below its zero line, and
bars of a share.

Why not a library: Textual's Sparkline scales each series to its own lowest and highest
value, so two rows cannot be compared and zero is nowhere; plotext needs a dozen rows
to be read (at 8 rows its bars lose the zero line and its markers overwrite each other)
and the dashboard has four at 80×24. What is left is a lookup of eight block heights.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

UP = " ▁▂▃▄▅▆▇█"  # an eighth more each, growing up from the cell's floor
DOWN = " ▔▀█"  # growing down from the cell's ceiling: a line, half, whole
ACROSS = " ▏▎▍▌▋▊▉█"  # growing right, for bars
UNKNOWN = "·"


def up(value: float | None, top: float) -> str:
    """One cell for `value` on a scale of 0..top; `·` where unknown, ` ` for nothing."""
    if value is None:
        return UNKNOWN
    if top <= 0 or value <= 0:
        return " "
    # Any value above zero shows at least an eighth: a quiet day is not an empty one.
    return UP[max(1, min(8, round(value / top * 8)))]


def row(values: Sequence[float | None], top: float, width: int = 1) -> str:
    """A sparkline: each value `width` cells wide, on the shared scale 0..top."""
    return "".join(up(v, top) * width for v in values)


def signed_rows(values: Sequence[float | None], top: float, width: int = 1) -> tuple[str, str]:
    """A balance on two rows either side of its zero line: above it what is above zero,
    below it what is below, each on the scale 0..top."""
    above, below = [], []
    for v in values:
        if v is None:
            above.append(UNKNOWN * width)
            below.append(" " * width)
            continue
        share = 0.0 if top <= 0 else min(1.0, abs(v) / top)
        if v >= 0:
            above.append(UP[max(1 if v > 0 else 0, round(share * 8))] * width)
            below.append(" " * width)
        else:
            above.append(" " * width)
            below.append(DOWN[max(1, math.ceil(share * 3))] * width)
    return "".join(above), "".join(below)


def bar(share: float, width: int) -> str:
    """A share (0..1) as a bar `width` cells long at most, in eighths of a cell."""
    eighths = round(max(0.0, min(1.0, share)) * width * 8)
    if share > 0 and eighths == 0:
        eighths = 1  # a share too small to draw is still there
    full, part = divmod(eighths, 8)
    return ("█" * full + (ACROSS[part] if part else "")).ljust(width)


def fit(values: Sequence[float | None], cells: int) -> tuple[list[float | None], int]:
    """Values grouped to fit in `cells` (the mean of each group, unknown if all are),
    and how many of them each group holds."""
    group = max(1, math.ceil(len(values) / max(1, cells)))
    out: list[float | None] = []
    for i in range(0, len(values), group):
        known = [v for v in values[i : i + group] if v is not None]
        out.append(sum(known) / len(known) if known else None)
    return out, group
