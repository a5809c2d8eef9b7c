"""A figure on the dashboard: its value, the period before, how it is made and its records.

Every number scrm reports is a Figure, so that each can say its formula and inputs
(`?`) and open exactly the records behind it (`Enter`, an inbox filter). An unknown is
`None` and is shown as `—`, never as 0.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    key: str  # "awareness.volume": stable, for JSON and tests
    label: str  # "Mentions"
    value: float | None
    previous: float | None = None  # the same figure over the period before
    unit: str = ""  # "", "%", "h", "$"
    formula: str = ""  # how it is made, in words and symbols (`?`)
    inputs: tuple[tuple[str, str], ...] = ()  # what went in, as shown (`?`)
    filter: str | None = None  # the inbox filter for the records behind it (`Enter`)
    estimated: bool = False  # labelled "estimated" wherever it is shown
    signed: bool = False  # a balance (net sentiment): shown +31 / −12
    screen: str | None = None  # records that are not mentions: the screen that lists them
    note: str = ""  # what is left out or shown apart
    customers: tuple[int, ...] | None = None  # records that are customers: their ids
    interval: tuple[float, float] | None = None  # a forecast's low and high (`690–940`)

    @property
    def change(self) -> float | None:
        """Value minus the previous period's; unknown if either is."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def shown(self, value: float | None = None) -> str:
        """`1,234`, `42%`, `+12`, `—` (unknown)."""
        number = self.value if value is None else value
        text = show_number(number, self.unit)
        if self.signed and number is not None and number > 0:
            return "+" + text
        return text.replace("-", "−") if self.signed else text

    def change_shown(self) -> str:
        """`+12`, `−2.4pp`, or `—` when there is nothing to compare. A share's change is
        in percentage points (40% → 42% is +2pp, not +2% nor +5%)."""
        delta = self.change
        if delta is None:
            return "—"
        sign = "+" if delta > 0 else "−" if delta < 0 else "±"
        if self.unit == "%":
            return sign + show_number(abs(delta), "%").removesuffix("%") + "pp"
        return sign + show_number(abs(delta), self.unit)

    def interval_shown(self) -> str:
        """`690–940`, or "" for a figure with no interval."""
        if self.interval is None:
            return ""
        low, high = self.interval
        return f"{show_number(round(low), self.unit)}–{show_number(round(high), self.unit)}"


def show_number(value: float | None, unit: str = "") -> str:
    """`1,234`, `42.5%`, `$1,200`; a duration (unit "s") as `45m`, `3.5h`, `2.1d`."""
    if value is None:
        return "—"
    if unit == "s":
        if value < 3600:
            return f"{value / 60:.0f}m"
        if value < 86400:
            return f"{value / 3600:.1f}h"
        return f"{value / 86400:.1f}d"
    if unit == "$":
        return f"${value:,.0f}"
    whole = float(value).is_integer() or abs(value) >= 10 or unit == ""
    text = f"{value:,.0f}" if whole else f"{value:,.1f}"
    return f"{text}{unit}" if unit in ("%", "h") else text


@dataclass(frozen=True)
class Series:
    """Values per bucket (a day, an hour) for a chart; None where unknown."""

    key: str
    label: str
    starts_ms: tuple[int, ...]
    values: tuple[float | None, ...]
    filter: str | None = None
    previous: tuple[float | None, ...] | None = None  # the period before, bucket by bucket
    low: tuple[float, ...] | None = None  # a forecast's interval, bucket by bucket
    high: tuple[float, ...] | None = None
    signed: bool = False  # a balance (net sentiment): above and below zero both mean


@dataclass(frozen=True)
class Row:
    """One line of a ranked table (top authors, networks): cells and its records."""

    cells: tuple[str, ...]
    filter: str | None = None
    customer: int | None = None  # a row that is one customer: Enter opens them
    approve: int | None = None  # an author awaiting an agent's approval: `a` gives it
    approved: int | None = None  # an author counted on an agent's approval: `a` takes it back


@dataclass(frozen=True)
class Table:
    key: str
    label: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str = ""  # e.g. "networks without follower counts are shown apart"
    bars: int | None = None  # a column of counts whose shares are drawn as bars


def right_aligned(table: Table) -> tuple[bool, ...]:
    """Per column: whether its cells are numbers (`1,234`, `+31`, `$900`, `2.0h`, `—`),
    so a rendering lines them up on the right. The first column names the row."""
    return tuple(
        i > 0 and all(_numeric(row.cells[i]) for row in table.rows)
        for i in range(len(table.columns))
    )


def _numeric(cell: str) -> bool:
    return not cell or cell[0].isdigit() or cell[0] in "+−-$—"


@dataclass(frozen=True)
class Section:
    """One page of the dashboard (awareness, sales, the industry, the team...)."""

    key: str
    title: str
    figures: tuple[Figure, ...] = ()
    series: tuple[Series, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = field(default=())


def cells(text: str) -> int:
    """Terminal columns `text` takes: wide (CJK, emoji) 2, combining marks 0. For the
    plain-text report's columns; the TUI measures with Textual's own."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width
