"""The screens of figures (the dashboard, a spike explained): a figure or a table row a
line, each knowing its records; Enter opens them, `?` says how the figure is made."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList

from scrm_tui.core import blocks, sanitize
from scrm_tui.core.figures import Figure, Row, Table, right_aligned
from scrm_tui.ui.cells import fit
from scrm_tui.ui.dialogs.explain import ExplainScreen
from scrm_tui.ui.styles import screen_css

LABEL = 18  # the figure's name column
VALUE = 12
CHANGE = 10


class FigureList(OptionList):
    """The figures and rows, one a line; Enter opens the highlighted one's records."""

    BINDINGS = [
        Binding("enter", "select", "Open records", id="dashboard.open"),
        Binding("j,down", "cursor_down", "Down", show=False, id="dashboard.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="dashboard.up"),
        Binding("g,home", "first", "First", show=False, id="dashboard.first"),
        Binding("G,end", "last", "Last", show=False, id="dashboard.last"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="dashboard.page_down"),
        Binding("pageup,b", "page_up", "Page up", show=False, id="dashboard.page_up"),
    ]


def figure_line(figure: Figure) -> Content:
    change = figure.change_shown()
    style = "" if figure.change is None else "$success" if figure.change > 0 else ""
    if figure.change is not None and figure.change < 0:
        style = "$warning"
    return Content.assemble(
        (fit(figure.label, LABEL), "bold"),
        fit(figure.shown(), VALUE, right=True),
        " ",
        (fit(change, CHANGE, right=True), style),
        f"  80% interval {figure.interval_shown()}" if figure.interval is not None else "",
    )


def counting(label: str, width: int = 0) -> Content:
    """A figure or table still being read: its name, then "counting…"."""
    if not width:
        return Content.assemble((label, "bold"), ("  counting…", "$text-muted"))
    return Content.assemble(
        (fit(label, LABEL), "bold"), (fit("counting…", width, right=True), "$text-muted")
    )


BAR = 6  # cells of a share's bar: the network table fits 80 columns with it


def table_lines(table: Table) -> list[tuple[Content, Row | None]]:
    """The header (no records) then each row, columns sized to the widest cell; a table
    that compares shares ends each row with its share's bar."""
    cells = [table.columns] + [tuple(sanitize.inline(c) for c in r.cells) for r in table.rows]
    if table.bars is not None:
        cells = _with_bars(cells, table.bars)
    widths = [min(max(cell_len(row[i]) for row in cells), 28) for i in range(len(cells[0]))]
    right = (*right_aligned(table), False)  # the bars, if any, start on the left
    out: list[tuple[Content, Row | None]] = []
    for index, row in enumerate(cells):
        # The header stays on the left, where the eye looks for a column's name.
        text = "  ".join(
            fit(cell, widths[i], right=index > 0 and right[i]) for i, cell in enumerate(row)
        )
        if index == 0:
            out.append((Content.styled(text.rstrip(), "$text-muted"), None))
        else:
            out.append((Content(text.rstrip()), table.rows[index - 1]))
    if not table.rows:
        out.append((Content.styled("(none in this range)", "$text-muted"), None))
    if table.note:
        out.append((Content.styled(f"({table.note})", "$text-muted"), None))
    return out


def _with_bars(cells: list[tuple[str, ...]], column: int) -> list[tuple[str, ...]]:
    """Each row with a last cell: its share of the column's total, as a bar and a %."""
    counts = [_count(row[column]) for row in cells[1:]]
    total = sum(counts)
    shares = [n / total if total else 0.0 for n in counts]
    header = (*cells[0], "share")  # of the counts before it: "share of mentions" cost 80 columns
    return [header] + [
        (*row, f"{blocks.bar(share, BAR)} {share:4.0%}")
        for row, share in zip(cells[1:], shares, strict=True)
    ]


def _count(cell: str) -> int:
    digits = cell.replace(",", "")
    return int(digits) if digits.isdigit() else 0


@dataclass(frozen=True)
class Opened:
    """What Enter asked for: the inbox filtered to `filter`, another `screen`, one
    `customer`, or a list of `customers` under `title`."""

    filter: str | None = None
    screen: str | None = None
    customer: int | None = None
    customers: tuple[int, ...] | None = None
    title: str = ""


class FigureScreen(Screen[Opened | None]):
    """A screen of figures and rows, one a line of its OptionList (`lines` says what
    each opens): Enter dismisses it with the line's records, `?` says how it is made."""

    CSS_PATH = screen_css("figures")

    lines: list[Figure | Row | None]

    def _highlighted(self) -> Figure | Row | None:
        index = self.query_one(OptionList).highlighted
        return self.lines[index] if index is not None and index < len(self.lines) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        records = records_of(self.lines[event.option_index])
        if records is not None:
            self.dismiss(records)

    def action_explain(self) -> None:
        opens = self._highlighted()
        if opens is not None:
            self.app.push_screen(ExplainScreen(opens))


def records_of(opens: Figure | Row | None) -> Opened | None:
    """What Enter on a figure or row opens (the dashboard, a spike): None for nothing."""
    if isinstance(opens, Figure) and opens.screen:
        return Opened(screen=opens.screen)
    if isinstance(opens, Figure) and opens.customers is not None:
        return Opened(customers=opens.customers, title=opens.label)
    if isinstance(opens, Row) and opens.customer is not None:
        return Opened(customer=opens.customer)
    if opens is not None and opens.filter:
        return Opened(filter=opens.filter)
    return None
