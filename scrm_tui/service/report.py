"""The dashboard's figures and `scrm report`: one Report per range, read in one snapshot.

Each section is built from the hourly rollups and small indexed reads (store/rollups.py),
never from scanning the range's mentions, and each figure carries its formula, its
inputs and the inbox filter for the records behind it (core/figures.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scrm_tui.core.config import Config
from scrm_tui.core.figures import Figure, Row, Section, Table
from scrm_tui.core.ranges import PRESETS, Range, parse_range
from scrm_tui.core.terms import ALPHA, filter_for
from scrm_tui.core.timefmt import iso_from_ms
from scrm_tui.service import advocacy, forecast, industry, rising, sales, spikes
from scrm_tui.service.awareness import _awareness, _awareness_preview
from scrm_tui.service.measures import BRAND, BRAND_FILTER, Preview, SectionBuilder, Settings

# The Team section's reads of response times, for tests/service/test_team_waits.py: re-exported.
from scrm_tui.service.team_report import _read_responses as _read_responses
from scrm_tui.service.team_report import _Responses as _Responses
from scrm_tui.service.team_report import _team
from scrm_tui.service.team_report import _walked_responses as _walked_responses
from scrm_tui.store import terms as terms_store
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database
from scrm_tui.store.readers import Readers, ReadersClosed

if TYPE_CHECKING:
    from scrm_tui.service.inbox import Inbox


@dataclass(frozen=True)
class Report:
    range: Range
    previous: Range
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def figure(self, key: str) -> Figure:
        section, _, _ = key.partition(".")
        return next(f for f in self.section(section).figures if f.key == key)


async def build(
    db: Database,
    period: Range,
    settings: Settings | None = None,
    now_ms: int | None = None,
    *,
    with_rising: bool = True,
) -> Report:
    """The report for `period` against the period before it, read on connections of
    its own (both cores: read_sections); `now_ms` (default: the range's end) is when
    "open now" and "late now" are judged. `with_rising=False` leaves out the rising
    terms, which may have days to count first (the dashboard adds them when they are
    ready: with_rising_terms)."""
    settings = settings or Settings()
    now_ms = period.end_ms if now_ms is None else now_ms
    readers = Readers(db.target)
    try:
        read = read_sections(readers, period, settings, now_ms, first_alone=False)
        async with contextlib.aclosing(read) as sections:
            whole = [s async for s in sections if isinstance(s, Section)]  # no previews asked
            report = Report(period, period.previous(), tuple(whole))
    finally:
        await readers.close()
    if with_rising:
        report = with_rising_terms(report, await rising_terms(db, period, settings))
    return report


async def read_sections(
    readers: Readers,
    period: Range,
    settings: Settings,
    now_ms: int,
    *,
    first_alone: bool = True,
    previews: bool = False,
) -> AsyncGenerator[Section | Preview, None]:
    """Each section of SECTIONS but the rising terms, in order, as soon as it and those
    before it are built. They are built in lanes, one per connection, all the
    connections at one commit (Readers.snapshot): each lane takes the next section not
    yet taken, and SQLite steps on two threads at once. `first_alone`: the other lanes
    start once the first section is built, so that it comes as soon as it can (the
    dashboard's first paint). `previews`: a first section with a cheap part (PREVIEWS)
    yields it first, read on the second connection while the first builds the whole.
    A reader that stops (a range replaced by the next key) interrupts its statements
    inside SQLite: close it (contextlib.aclosing)."""
    async with readers.snapshot() as conns:
        loop = asyncio.get_running_loop()
        built: list[asyncio.Future[Section]] = [loop.create_future() for _ in SECTIONS]
        queue = iter(enumerate(SECTIONS))  # shared: each lane takes the next

        async def lane(conn: Connection) -> None:
            for index, make in queue:
                try:
                    built[index].set_result(await make(conn, period, settings, now_ms))
                except Exception as error:  # the reader hears it at this section, in order
                    built[index].set_exception(error)
                    return

        preview = PREVIEWS.get(SECTIONS[0]) if previews and len(conns) > 1 else None
        lanes = [loop.create_task(lane(conns[0]))]
        try:
            cheap = None
            if preview is not None:
                cheap = await preview(conns[1], period, settings, now_ms)
            elif first_alone:
                await asyncio.wait({built[0]})  # its error, if any, is raised in order below
            # The other lanes start before anything is handed out (painted).
            lanes += [loop.create_task(lane(conn)) for conn in conns[1:]]
            if cheap is not None and not built[0].done():
                yield cheap
            for future in built:
                yield await future
        finally:
            for task in lanes:
                task.cancel()
            await asyncio.gather(*lanes, return_exceptions=True)
            for future in built:  # a lane's error that no one reached is not logged
                if future.done() and not future.cancelled():
                    future.exception()


async def rising_terms(
    db: Database, period: Range, settings: Settings, progress: rising.Progress | None = None
) -> tuple[Table, ...]:
    """The rising terms of the range as tables, each row opening its mentions: the
    brand's, and the words rising in competitors' complaints (if any is watched)."""
    found = await rising.rising(db, BRAND, period, settings.ignore, progress)
    first_ms = await rising.first_mention_ms(db, BRAND)
    where = period.filter(BRAND_FILTER)
    brand = Table(
        "awareness.rising",
        "Rising terms",
        ("term", "mentions", "before", "burst", "example"),
        tuple(
            Row(
                (
                    r.term,
                    f"{r.count:,}",
                    f"{r.baseline:,.1f}",
                    f"{r.ratio:.1f}×",
                    " ".join(r.example.split())[:60],
                ),
                f"{where} {filter_for(r.term)}",
            )
            for r in found
        ),
        note=f"burst = (mentions in the range + {ALPHA:g}) / (mentions per range-length over "
        f"the {rising.BASELINE} ranges before, or the history there is, + {ALPHA:g}); at "
        f"least {rising.MIN_COUNT} mentions; the watch terms' words and function words "
        "(the, und, que…) are left out"
        if rising.has_baseline(period, first_ms)
        else "no mentions before this range to compare with"
        + (f": the first is from {iso_from_ms(first_ms)[:10]}" if first_ms is not None else "")
        + "; no term can be said to rise, a shorter range has a baseline",
    )
    complaints = await industry.rising_complaints(db, period, settings, progress)
    return (brand,) if complaints is None else (brand, complaints)


async def count_terms_ahead(
    db: Database, settings: Settings, now_ms: int, progress: rising.Progress | None = None
) -> None:
    """The rising terms' past days counted and kept before anyone asks (`scrm catch-up`,
    the collector): those of the longest range and its baseline, which hold every
    shorter range's, each day in a small write transaction of its own
    (store/terms.recount_day), so the first `D` finds them counted."""
    first = await terms_store.first_mention_ms(db.reader, BRAND)
    if first is None:
        return  # nothing stored yet: no day to count
    # The longest range with history before it (one with none ranks, and so counts,
    # nothing): with its baseline it spans every shorter range's days.
    for name in sorted(PRESETS, key=PRESETS.__getitem__, reverse=True):
        period = parse_range(name, now_ms)
        if rising.has_baseline(period, first):
            await rising_terms(db, period, settings, progress)
            return


# The tables rising_terms makes, each placed in the section its key names.
RISING_KEYS = ("awareness.rising", industry.RISING_KEY)


def with_rising_terms(report: Report, tables: Sequence[Table]) -> Report:
    """The report with the rising terms' tables in their sections."""
    sections = tuple(
        replace(s, tables=(*s.tables, *(t for t in tables if t.key.startswith(f"{s.key}."))))
        for s in report.sections
    )
    return replace(report, sections=sections)


class ReadAfterClose(Exception):
    """A dashboard's read was asked for after it was closed (its screen left)."""


class Dashboard:
    """The dashboard's reads, on database connections of their own: a 90-day report
    never holds up the inbox's live updates or its reading pane, a range's read never
    waits behind the one it replaces (each read has its own connections, and the
    replaced one is stopped inside SQLite: store/readers.py), and the rising terms
    (which may count days first) never hold up the figures."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.readers = Readers(inbox.db.target)
        self._terms_db: Database | None = None
        self._settings: tuple[Config, Settings] | None = None
        self._closed = False

    def range(self, name: str) -> Range:
        """`24h`, `7d`... or START..END, ending now (RangeError says what is accepted)."""
        return parse_range(name, self.inbox.now_ms())

    @property
    def settings(self) -> Settings:
        """As the inbox is configured now (its zone read from disk once per config)."""
        config = self.inbox.config
        if self._settings is None or self._settings[0] is not config:
            self._settings = (
                config,
                Settings.of(config, self.inbox.watch_words, self.inbox.brand_accounts),
            )
        return self._settings[1]

    async def sections(self, period: Range) -> AsyncGenerator[Section | Preview, None]:
        """Every section but the rising terms (rising_terms), each as soon as it is
        read, the first one's cheap part before it (read_sections)."""
        if self._closed:
            raise ReadAfterClose("the dashboard was closed")
        read = read_sections(
            self.readers, period, self.settings, self.inbox.now_ms(), previews=True
        )
        try:
            async with contextlib.aclosing(read) as sections:
                async for section in sections:
                    yield section
        except ReadersClosed:
            raise ReadAfterClose("the dashboard was closed") from None

    @property
    def connections(self) -> int:
        """Database connections the dashboard holds open now."""
        return self.readers.connections + (self._terms_db is not None)

    async def rising_terms(
        self, period: Range, progress: rising.Progress | None = None
    ) -> tuple[Table, ...]:
        if self._closed:
            raise ReadAfterClose("the dashboard was closed")
        if self._terms_db is None:
            self._terms_db = await self.inbox.db.with_own_reader()
        return await rising_terms(self._terms_db, period, self.settings, progress)

    async def close(self) -> None:
        """For good: a read asked for later raises ReadAfterClose rather than opening
        connections no one would close; reads under way are stopped inside SQLite."""
        self._closed = True
        await self.readers.close()
        if self._terms_db is not None:
            await self._terms_db.close()
        self._terms_db = None


# A section's cheap part, painted first while the rest is counted (read_sections).
PreviewBuilder = Callable[[Connection, Range, Settings, int], Awaitable[Preview]]
PREVIEWS: dict[SectionBuilder, PreviewBuilder] = {_awareness: _awareness_preview}

# The dashboard's sections, in the order it shows them: each a module of its own
# (service/measures.py says what one is).
SECTIONS: tuple[SectionBuilder, ...] = (
    _awareness,
    sales.section,
    industry.section,
    _team,
    advocacy.section,
    spikes.section,
    forecast.section,
)
__all__ = [
    "RISING_KEYS",
    "SECTIONS",
    "Dashboard",
    "Preview",
    "ReadAfterClose",
    "Report",
    "Settings",
    "build",
    "count_terms_ahead",
    "with_rising_terms",
]
