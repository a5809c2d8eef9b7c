"""The dashboard (`D`): how the brand is doing over a range, against the period before.

Every line is a figure or a table row that knows its records: `Enter` opens the inbox
filtered to exactly them, `?` shows how the figure is made and what went in. The
report is read off the key path, on a database connection of its own
(service/report.py), and names in it are strangers' text, drawn as Content (no markup).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from scrm_tui.core import sanitize
from scrm_tui.core.figures import Figure, Row, Section, Series, Table
from scrm_tui.core.ranges import PRESETS, Range, RangeError
from scrm_tui.service.advocacy import approve
from scrm_tui.service.inbox import Inbox, StoreError
from scrm_tui.service.report import (
    RISING_KEYS,
    SECTIONS,
    Dashboard,
    Preview,
    ReadAfterClose,
    Report,
    with_rising_terms,
)
from scrm_tui.ui.changes import DataChanged
from scrm_tui.ui.dialogs.range import RangeScreen
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.screens.figures import (
    VALUE,
    FigureList,
    FigureScreen,
    counting,
    figure_line,
    table_lines,
)
from scrm_tui.ui.styles import screen_css
from scrm_tui.ui.widgets.chart import Chart
from scrm_tui.ui.widgets.keys_footer import KeysFooter

REFRESH_S = 2.0  # at most one re-read this often while commits keep landing
# ... and a re-read rests at least this many times as long as the last read took: at 1M
# mentions a whole report costs seconds of CPU, and a collector committing every second
# would otherwise keep an open dashboard reading all the time (a third of a core at most).
REST_PER_READ = 2.0


class DashboardScreen(ReportsFailures, FigureScreen):
    """Dismissed with the records to open, or None."""

    CSS_PATH = screen_css("figures", "dashboard")

    BINDINGS = [
        Binding("question_mark", "explain", "How it's made", id="dashboard.explain"),
        *(
            Binding(str(n), f"range('{name}')", name, id=f"dashboard.range_{name}")
            for n, name in enumerate(PRESETS, start=1)
        ),
        Binding("r", "custom", "Custom range", id="dashboard.custom"),
        Binding(
            "a",
            "approve",
            "Approve advocate (again: take back)",
            show=False,
            id="dashboard.approve",
        ),
        Binding("escape", "back", "Back", id="dashboard.back"),
    ]

    def __init__(self, inbox: Inbox, range_name: str = "7d") -> None:
        super().__init__()
        self.dashboard = Dashboard(inbox)
        self.range_name = range_name
        self.report: Report | None = None
        self.lines: list[Figure | Row | None] = []  # what each option opens
        self.line_sections: list[Section] = []  # the section each option is in
        self._read_at = 0.0
        self._counting = ""  # the rising terms' progress, for the title line
        # The last rising terms' tables counted, and their range.
        self.rising: tuple[Range, tuple[Table, ...]] | None = None
        self._again: Timer | None = None
        self._rest = REFRESH_S  # after a read, before a re-read (REST_PER_READ)
        # Each section as last read (whatever its range), in the report's order: shown
        # dimmed, under "reading…", until the range being read brings its own.
        self._last: dict[str, Section] = {}
        self._keep: str | None = None  # the figure or row the cursor stays on
        self._placed: str | None = None  # where the last paint put the cursor
        self._left = False  # the screen is gone: late work draws nothing
        # Reads asked for and the last of them answered: a read is under way while they
        # differ (counted when asked: a worker may not have begun when a commit comes).
        self._asked = self._answered = 0
        self._missed = False  # a commit came while a read was under way
        # Why the last read failed (the server out of reach): said on the title line
        # until a read works; the next DataChanged (the server back) reads it all again.
        self._failed = ""

    @classmethod
    def key_sections(cls) -> list[tuple[str, type[DOMNode]]]:
        return [("dashboard", cls), ("figures", FigureList)]

    def compose(self) -> ComposeResult:
        yield Static(Content("Dashboard  loading…"), id="dash-status", classes="title-line")
        yield Chart(id="dash-chart")
        yield FigureList(id="dash-figures")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load(self.range_name)

    async def on_unmount(self) -> None:
        self._left = True  # a paint or count scheduled before Esc finds nothing to draw
        # Its reads stop first: a worker's next statement on a closed connection would
        # fail the app as it leaves (the app quit while a re-read was under way).
        self.workers.cancel_node(self)
        await self.dashboard.close()

    def on_data_changed(self, message: DataChanged) -> None:
        """Another process (or this one) stored or changed mentions: read the range
        again, at most every REFRESH_S, so a busy collector does not keep it reading."""
        self._schedule_reread()

    def _schedule_reread(self) -> None:
        if self._again is None:
            # Never 0: Textual's timer divides by its interval when it is stopped (the
            # screen left while a re-read is due).
            wait = max(0.05, self._read_at + self._rest - time.monotonic())
            self._again = self.set_timer(wait, self._reread, name="dashboard-refresh")

    def _reread(self) -> None:
        self._again = None
        if self._answered != self._asked:
            # A re-read would cancel the read under way (at 1M, commits every second
            # would never let a 90-day read end): one more follows it instead.
            self._missed = True
            return
        # After a failed read, read again in view: its sections were never all shown.
        self.load(self.range_name, quiet=not self._failed)

    def load(self, name: str, *, quiet: bool = False) -> None:
        try:
            period = self.dashboard.range(name)
        except RangeError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.range_name = name
        if not quiet:
            # The last range's terms, still counting, would share the cores with the
            # new range's figures (and slow them 2-3x at 1M): the new range counts its own.
            self.workers.cancel_group(self, "dashboard-terms")
            if self.report is not None and self.report.range != period:
                # The last range's figures stay, dimmed and closed, until the new land.
                self._lay_out([], list(self._last.values()), reading=False)
            shown = self.report.range if self.report is not None else period
            # The title names the range whose figures are on screen, and the one coming.
            self._status(shown, note="loading…" if shown == period else f"loading {name}…")
        self._read_at = time.monotonic()
        self._asked += 1
        self._read(period, self._asked, quiet=quiet)

    @work(exclusive=True, group="dashboard", exit_on_error=False)
    async def _read(self, period: Range, asked: int, *, quiet: bool) -> None:
        """Each section painted as soon as it is read, in order (a re-read of the same
        range, after a commit, paints once, when all are read: no flicker). A newer
        range cancels this worker: its read stops at its next statement."""
        read: list[Section] = []
        began = time.monotonic()
        try:
            async for section in self.dashboard.sections(period):
                if isinstance(section, Preview):  # the first section's cheap figures
                    if not quiet:
                        self._paint(period, read, section)
                    continue
                read.append(section)
                if not quiet and len(read) < len(SECTIONS):
                    self._paint(period, read)
        except ReadAfterClose:
            return  # the screen was left while this waited its turn
        except StoreError as error:
            # The server out of reach (the top line and a toast say so): the title says
            # these figures were not read, rather than "loading…" for ever.
            self._failed = sanitize.inline(str(error))
            self._status(period, note=f"not read: {self._failed}")
            return
        finally:
            if asked == self._asked:  # the newest read: none is under way any more
                self._answered = asked
        self._failed = ""
        self._read_at = time.monotonic()  # the next re-read rests after this one
        self._rest = max(REFRESH_S, REST_PER_READ * (self._read_at - began))
        if self._missed:
            self._missed = False
            self._schedule_reread()
        report = Report(period, period.previous(), tuple(read))
        self._last = {s.key: s for s in read}
        if self.rising is not None and self.rising[0] == period:
            report = with_rising_terms(report, self.rising[1])  # kept until counted anew
        self.show(report)
        # After the figures are on screen: counting splits texts on a thread that holds
        # the interpreter, and started at once it held back their frame (at 1M).
        self.call_after_refresh(self._start_terms, period)

    def _start_terms(self, period: Range) -> None:
        if not self._left and self.report is not None and self.report.range == period:
            self._count_terms(period)

    @work(exclusive=True, group="dashboard-terms", exit_on_error=False)
    async def _count_terms(self, period: Range) -> None:
        """The rising terms, after the figures: days not counted before are counted
        first (once: they are kept), and the line under the title says how far."""

        def progress(done: int, of: int) -> None:
            self._counting = f"counting terms, day {done} of {of}"
            self._status(period)

        try:
            tables = await self.dashboard.rising_terms(period, progress)
        except ReadAfterClose:
            return
        except StoreError:
            # Counted again with the next read (the server back): no stale progress.
            self._counting = ""
            self._status(period)
            return
        self._counting = ""
        self.rising = (period, tables)
        if self.report is not None and self.report.range == period:
            self.show(with_rising_terms(self._without_rising(self.report), tables))

    @staticmethod
    def _without_rising(report: Report) -> Report:
        return replace(
            report,
            sections=tuple(
                replace(s, tables=tuple(t for t in s.tables if t.key not in RISING_KEYS))
                for s in report.sections
            ),
        )

    def _status(self, period: Range, *, note: str = "") -> None:
        """The title line: what is under way (`loading 30d…` while another range is read
        and the figures below are the last one's, dimmed; the terms' count), then the
        range shown. What is under way comes first: at 80 columns a 90-day range's
        dates fill the line, and it is the end that is cut."""
        if self._left:
            return
        under_way = "  ".join(part for part in (note, self._counting) if part)
        text = Content.assemble(
            ("Dashboard", "bold"),
            (f"  {under_way}" if under_way else "", "$text-muted"),
            f"  {period.name} · {period.describe()}  vs the {_length(period)} before",
        )
        self.query_one("#dash-status", Static).update(text)

    def _paint(self, period: Range, read: list[Section], preview: Preview | None = None) -> None:
        """The sections of `period` read so far (and the cheap part of the next, its
        other figures "counting…"), then each one still to read as it was last read,
        dimmed and closed to Enter and `?`, under its title's "reading…"."""
        shown = [*read, preview.section] if preview is not None else read
        pending = [s for key, s in self._last.items() if key not in {r.key for r in shown}]
        report = Report(period, period.previous(), tuple(shown))
        if self.rising is not None and self.rising[0] == period:
            report = with_rising_terms(report, self.rising[1])
        self.report = report
        self._lay_out(report.sections, pending, reading=not pending, preview=preview)
        self._status(period, note=f"reading {len(read) + 1} of {len(SECTIONS)}…")

    def show(self, report: Report) -> None:
        self.report = report
        self._status(report.range)
        self._lay_out(report.sections, [], reading=False)

    def _lay_out(
        self,
        sections: Sequence[Section],
        stale: Sequence[Section],
        *,
        reading: bool,
        preview: Preview | None = None,
    ) -> None:
        """Fill the list: `sections` as read, then `stale` ones dimmed; `reading`: more
        sections follow, whose titles are not known yet (the first read of all);
        `preview`: the section of that key is its cheap part, the rest "counting…"."""
        if self._left:
            return
        options = self.query_one(OptionList)
        current = _identity(self._highlighted())
        if current is not None and current != self._placed:
            self._keep = current  # moved by the user since the last paint
        prompts: list[Option | None] = []
        self.lines = []
        self.line_sections = []

        def add(prompt: Content, opens: Figure | Row | None) -> None:
            prompts.append(Option(prompt, disabled=opens is None))
            self.lines.append(opens)

        for section in sections:
            part = preview if preview is not None and preview.section.key == section.key else None
            self._add_section(section, add, preview=part)
            self.line_sections += [section] * (len(self.lines) - len(self.line_sections))
        for section in stale:

            def dimmed(prompt: Content, opens: Figure | Row | None) -> None:
                add(prompt.stylize("dim"), None)

            add(
                Content.assemble(
                    (section.title, "bold underline dim"), ("  reading…", "$text-muted")
                ),
                None,
            )
            self._add_section(section, dimmed, title=False)
            self.line_sections += [section] * (len(self.lines) - len(self.line_sections))
        if reading:
            add(Content.styled("reading…", "$text-muted"), None)
            self.line_sections += [sections[-1]] * (len(self.lines) - len(self.line_sections))
        options.clear_options()
        options.add_options(prompts)
        chosen = [i for i, opens in enumerate(self.lines) if opens is not None]
        kept = [
            i for i in chosen if self._keep is not None and _identity(self.lines[i]) == self._keep
        ]
        options.highlighted = (kept or chosen)[0] if chosen else None
        self._placed = _identity(self._highlighted())
        if self._keep is None:
            self._keep = self._placed
        self._draw_chart()

    @staticmethod
    def _add_section(
        section: Section,
        add: Callable[[Content, Figure | Row | None], None],
        *,
        title: bool = True,
        preview: Preview | None = None,
    ) -> None:
        if title:
            add(Content.styled(section.title, "bold underline"), None)
        for figure in section.figures:
            if preview is not None and figure.key in preview.pending:
                # Still counted: closed to Enter and `?`, and never a number meanwhile.
                add(counting(figure.label, VALUE), None)
                continue
            add(figure_line(figure), figure)
            if figure.note:  # what the figure leaves out, under it
                add(Content.styled(" " * 2 + figure.note, "$text-muted"), None)
        for table in section.tables:
            add(Content.styled(table.label, "bold"), None)
            for prompt, row in table_lines(table):
                add(prompt, row)
        for label in preview.tables_pending if preview is not None else ():
            add(counting(label), None)
        if section.key == "awareness" and not any(
            t.key == "awareness.rising" for t in section.tables
        ):
            add(counting("Rising terms"), None)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._draw_chart()

    def _draw_chart(self) -> None:
        """The chart of the highlighted figure (its own series, else its section's
        first), or the report's first series for a section with none."""
        if self.report is None:
            return
        index = self.query_one(OptionList).highlighted
        section = self.line_sections[index] if index is not None else None
        opens = self.lines[index] if index is not None else None
        key = opens.key if isinstance(opens, Figure) else None
        every = [s for sec in self.report.sections for s in sec.series]
        near = list(section.series) if section is not None else []
        found = [s for s in near if s.key == key] or near or every
        series = found[0] if found else None
        chart = self.query_one(Chart)
        chart.show(series, "" if series is None else _chart_title(series, self.report.range))

    def action_approve(self) -> None:
        """`a` on a leaderboard row awaiting approval: their points count; on one counted on
        an agent's approval: it is taken back (recorded either way)."""
        opens = self._highlighted()
        if isinstance(opens, Row) and (opens.approve or opens.approved) is not None:
            author = opens.approve if opens.approve is not None else opens.approved
            assert author is not None
            self._approve(author, sanitize.inline(opens.cells[0]), opens.approve is not None)
        else:
            self.notify(
                "Only an advocate awaiting approval, or approved by an agent, can be changed.",
                markup=False,
            )

    @work(group="dashboard-approve", exclusive=True, exit_on_error=False)
    async def _approve(self, author_id: int, name: str, approved: bool) -> None:
        await approve(self.dashboard.inbox, author_id, approved)
        self.notify(
            f"{name} approved: their points count"
            if approved
            else f"{name}: approval taken back, their points no longer count",
            markup=False,
        )
        self.load(self.range_name, quiet=True)

    def action_range(self, name: str) -> None:
        self.load(name)

    def action_custom(self) -> None:
        def chosen(name: str | None) -> None:
            if name:
                self.load(name)

        self.app.push_screen(RangeScreen(self.dashboard), chosen)

    def action_back(self) -> None:
        self.dismiss(None)


def _identity(opens: Figure | Row | None) -> str | None:
    if isinstance(opens, Figure):
        return opens.key
    return None if opens is None else f"{opens.filter} {opens.cells[0]}"


def _length(period: Range) -> str:
    hours = period.hours
    return f"{hours} hours" if hours <= 48 else f"{hours // 24} days"


def _bucket(period: Range) -> str:
    return "hour" if period.hours <= 48 else "day (UTC)"


def _chart_title(series: Series, period: Range) -> str:
    """What the chart shows and how to read it without colour."""
    if series.low is not None:
        return "Mentions per day: the last 7 │ the next 7 forecast, its 80% interval around"
    per = f"{series.label} per {_bucket(period)}"
    if series.signed:
        return f"{per}: above the line positive, below it negative"
    if series.previous is not None:
        return f"{per}, and the {_length(period)} before it"
    return per
