"""The dashboard's chart: the series behind the highlighted figure, drawn in block
characters that read by shape alone (core/blocks.py says why not a chart library).

Volume is drawn on one scale with the period before it, a balance (net sentiment)
above and below its zero line, and the forecast between its 80% interval's rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import RenderResult
from textual.content import Content
from textual.widget import Widget

from scrm_tui.core import blocks
from scrm_tui.core.figures import Series
from scrm_tui.core.ranges import DAY_MS

LABEL = 9  # the row names' column: "before", "80% high"
ROWS = 5  # title, up to three rows, the days under them


class Chart(Widget):
    """Draws `series` to fit its width; redrawn when it or the width changes."""

    DEFAULT_CSS = """
    Chart { height: 5; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.series: Series | None = None
        self.title = ""

    def show(self, series: Series | None, title: str) -> None:
        if series != self.series or title != self.title:
            self.series, self.title = series, title
            self.refresh()

    def render(self) -> RenderResult:
        if self.series is None:
            return Content("")
        return Content("\n").join(lines(self.series, self.title, self.size.width))


def lines(series: Series, title: str, width: int) -> list[Content]:
    """The chart's rows, each at most `width` cells: its title, its rows, its days."""
    cells = max(1, width - LABEL)
    if series.low is not None and series.high is not None:
        return _forecast(series, title, cells)
    values, group = blocks.fit(series.values, cells)
    each = max(1, cells // len(values)) if values else 1
    out = [Content.styled(title, "bold")]
    if series.signed:
        top = max((abs(v) for v in values if v is not None), default=0.0)
        above, below = blocks.signed_rows(values, top, each)
        out += [_row(f"+{top:.0f}", above), _row(f"−{top:.0f}", below)]
    else:
        before, _ = blocks.fit(series.previous or (), cells)
        top = max((v for v in (*values, *before) if v is not None), default=0.0)
        out.append(_row(f"{top:,.0f}", blocks.row(values, top, each)))
        if series.previous is not None:
            out.append(_row("before", blocks.row(before, top, each)))
    out.append(_row("", _axis(series.starts_ms[::group], each)))
    return out


def _forecast(series: Series, title: str, cells: int) -> list[Content]:
    """The last days (as many as are forecast), a gap, then the forecast: its mean on
    the middle row, its interval's high above it and low below, one scale for all."""
    assert series.low is not None and series.high is not None
    past = list(series.previous or ())
    ahead = len(series.values)
    each = max(1, (cells - 1) // (len(past) + ahead))
    top = max((v for v in (*past, *series.high, *series.values) if v is not None), default=0.0)
    gap = " " * (each * len(past))
    mean = series.values
    step = series.starts_ms[1] - series.starts_ms[0] if len(series.starts_ms) > 1 else DAY_MS
    starts = tuple(series.starts_ms[0] - step * (len(past) - i) for i in range(len(past)))
    return [
        Content.styled(title, "bold"),
        _row("80% high", gap + "│" + blocks.row(series.high, top, each)),
        _row(f"{top:,.0f}", blocks.row(past, top, each) + "│" + blocks.row(mean, top, each)),
        _row("80% low", gap + "│" + blocks.row(series.low, top, each)),
        _row("", _axis(starts, each) + " " + _axis(series.starts_ms, each)),
    ]


def _row(name: str, drawn: str) -> Content:
    return Content.assemble((name.rjust(LABEL - 1)[: LABEL - 1] + " ", "$text-muted"), drawn)


def _axis(starts: tuple[int, ...], each: int) -> str:
    """Day numbers (or hours) under their columns where they fit, with room between."""
    if not starts:
        return ""
    hourly = len(starts) > 1 and starts[1] - starts[0] < DAY_MS
    text = [" "] * (each * len(starts))
    free = 0
    for i, start in enumerate(starts):
        at = datetime.fromtimestamp(start / 1000, UTC)
        label = f"{at.hour:02d}h" if hourly else f"{at.day}"
        if hourly and at.hour % 6:
            continue
        place = i * each
        if place < free or place + len(label) > len(text):
            continue
        text[place : place + len(label)] = label
        free = place + len(label) + 1
    return "".join(text)
