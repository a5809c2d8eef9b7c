"""The dashboard's figures and `scrm report`: one Report per range, read in one snapshot.

Each section is built from the hourly rollups and small indexed reads (store/rollups.py),
never from scanning the range's mentions, and each figure carries its formula, its
inputs and the inbox filter for the records behind it (core/figures.py).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import math
from collections import defaultdict
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import aiosqlite

from scrm_tui.core.config import Config
from scrm_tui.core.figures import Figure, Row, Section, Series, Table, show_number
from scrm_tui.core.ranges import DAY_MS, HOUR_MS, PRESETS, Range, parse_range
from scrm_tui.core.terms import ALPHA, filter_for
from scrm_tui.core.timefmt import iso_from_ms
from scrm_tui.service import advocacy, forecast, industry, rising, sales, spikes
from scrm_tui.service.measures import (
    BRAND,
    BRAND_FILTER,
    SectionBuilder,
    Settings,
    Totals,
    by,
    label,
    mood_inputs,
    net_sentiment,
    percentile,
    signed,
)
from scrm_tui.store import advocacy as advocacy_store
from scrm_tui.store import rollups, waits
from scrm_tui.store import terms as terms_store
from scrm_tui.store.db import Database
from scrm_tui.store.readers import Readers, ReadersClosed

if TYPE_CHECKING:
    from scrm_tui.service.inbox import Inbox

TOP_AUTHORS = 10


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


@dataclass(frozen=True)
class Preview:
    """A section's cheap figures, painted while the rest of it is read: the figures
    whose keys are `pending` and the tables named in `tables_pending` are still being
    counted (shown as such, never as a number). The whole section follows."""

    section: Section
    pending: frozenset[str]
    tables_pending: tuple[str, ...] = ()


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
    readers = Readers(db.path)
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

        async def lane(conn: aiosqlite.Connection) -> None:
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
        self.readers = Readers(inbox.db.path)
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


def _totals(cells: list[rollups.HourCell]) -> tuple[Totals, dict[str, Totals]]:
    whole = Totals()
    by_channel: dict[str, Totals] = defaultdict(Totals)
    for cell in cells:
        whole.add(cell)
        by_channel[cell.channel].add(cell)
    return whole, by_channel


async def _awareness(
    conn: aiosqlite.Connection, period: Range, settings: Settings, now_ms: int
) -> Section:
    return await _awareness_read(conn, period, settings, with_authors=True)


async def _awareness_preview(
    conn: aiosqlite.Connection, period: Range, settings: Settings, now_ms: int
) -> Preview:
    """Awareness without what needs its distinct authors (most of its time at 90 days:
    190k authors, for the range and the period before): the volume and moods first."""
    section = await _awareness_read(conn, period, settings, with_authors=False)
    pending = frozenset({"awareness.authors", "awareness.reach"})
    return Preview(section, pending, ("By network", "Top authors by reach"))


async def _awareness_read(
    conn: aiosqlite.Connection, period: Range, settings: Settings, *, with_authors: bool
) -> Section:
    before = period.previous()
    cells = await rollups.hours(conn, BRAND, period.start_ms, period.end_ms)
    old_cells = await rollups.hours(conn, BRAND, before.start_ms, before.end_ms)
    now, channels = _totals(cells)
    old, _ = _totals(old_cells)
    reach = await rollups.reach(conn, BRAND, period.start_ms, period.end_ms) if with_authors else []
    old_reach = (
        await rollups.reach(conn, BRAND, before.start_ms, before.end_ms) if with_authors else []
    )
    authors = sum(r.authors for r in reach)
    followers = sum(r.followers for r in reach)
    counted = [r for r in reach if r.with_followers]
    apart = [r for r in reach if r.with_followers < r.authors]
    where = period.filter(BRAND_FILTER)
    figures = (
        Figure(
            "awareness.volume",
            "Mentions",
            now.n,
            old.n,
            formula="mentions posted in the range (by their time on the network)",
            inputs=(("range", period.describe()),),
            filter=where,
        ),
        Figure(
            "awareness.authors",
            "Unique authors",
            authors if with_authors else None,
            sum(r.authors for r in old_reach) if with_authors else None,
            formula="distinct accounts with at least one mention in the range",
            filter=where,
        ),
        Figure(
            "awareness.reach",
            "Estimated reach",
            followers if counted else None,
            sum(r.followers for r in old_reach)
            if any(r.with_followers for r in old_reach)
            else None,
            formula="Σ followers of the distinct authors, each counted once "
            "(an estimate: followers overlap, and not all see a post)",
            inputs=tuple((label(r.channel), f"{r.followers:,}") for r in counted),
            filter=where,
            estimated=True,
            note=_apart(apart, channels),
        ),
        Figure(
            "awareness.net_sentiment",
            "Net sentiment",
            net_sentiment(now.pos, now.neg),
            net_sentiment(old.pos, old.neg),
            formula="(positive − negative) / (positive + negative) × 100",
            signed=True,
            inputs=mood_inputs(now),
            filter=f"{where} s:pos,neg",
        ),
        Figure(
            "awareness.unscored",
            "Unscored",
            now.unscored,
            old.unscored,
            formula="mentions in a language no scorer reads: in no mood figure",
            filter=f"{where} s:unscored",
        ),
    )
    series = _daily(period, cells, old_cells)
    if not with_authors:
        return Section("awareness", "Awareness", figures, series)
    networks = Table(
        "awareness.networks",
        "By network",
        ("network", "mentions", "authors", "reach (est.)", "net sentiment"),
        tuple(
            Row(
                (
                    label(r.channel),
                    f"{channels[r.channel].n:,}",
                    f"{r.authors:,}",
                    f"{r.followers:,}"
                    if r.with_followers == r.authors
                    else _partial(r, channels[r.channel]),
                    signed(net_sentiment(channels[r.channel].pos, channels[r.channel].neg)),
                ),
                f"{where} ch:{r.channel}",
            )
            for r in sorted(reach, key=lambda r: -channels[r.channel].n)
        ),
        bars=1,
    )
    own = await advocacy_store.author_ids(conn, settings.accounts)
    top = await rollups.top_authors(
        conn, BRAND, period.start_ms, period.end_ms, TOP_AUTHORS, leave_out=own
    )
    leaders = Table(
        "awareness.top_authors",
        "Top authors by reach",
        ("author", "network", "followers", "mentions", "customer"),
        tuple(
            Row(
                (
                    a.name or a.handle,
                    label(a.channel),
                    f"{a.followers:,}",
                    f"{a.mentions:,}",
                    a.customer or "",
                ),
                f"{where} author:{a.author_id}",
            )
            for a in top
        ),
        note="authors on networks without follower counts, and the brand's own accounts, "
        "are not ranked here",
    )
    return Section("awareness", "Awareness", figures, series, (networks, leaders))


def _apart(apart: list[rollups.Reach], channels: dict[str, Totals]) -> str:
    """What the reach leaves out, by network: `Hacker News: 12 authors, 340 points`."""
    parts = []
    for r in apart:
        missing = r.authors - r.with_followers
        points = channels[r.channel].points
        extra = f", {points:,} points" if points else ""
        parts.append(f"{label(r.channel)}: {missing:,} authors{extra}")
    if not parts:
        return ""
    return "no follower counts, shown apart: " + "; ".join(parts)


def _partial(reach: rollups.Reach, totals: Totals) -> str:
    if reach.with_followers:
        return f"{reach.followers:,} (+{reach.authors - reach.with_followers} unknown)"
    return f"{totals.points:,} points" if totals.points else "—"


def _daily(
    period: Range, cells: list[rollups.HourCell], old_cells: list[rollups.HourCell]
) -> tuple[Series, ...]:
    """Volume and net sentiment per bucket: hours for a range of two days or less,
    UTC days otherwise (the first and last may be part days); the volume with the
    period before's, each of its buckets moved on by the range's length."""
    step = HOUR_MS if period.hours <= 48 else DAY_MS
    first = period.start_ms - period.start_ms % step
    starts = tuple(range(first, period.end_ms, step))
    length = period.end_ms - period.start_ms
    before = dict.fromkeys(starts, 0)
    for cell in old_cells:
        at = cell.hour * HOUR_MS + length
        before[at - at % step] += cell.n
    volume = dict.fromkeys(starts, 0)
    pos = dict.fromkeys(starts, 0)
    neg = dict.fromkeys(starts, 0)
    for cell in cells:
        at = cell.hour * HOUR_MS
        bucket = at - at % step
        volume[bucket] += cell.n
        pos[bucket] += cell.pos
        neg[bucket] += cell.neg
    return (
        Series(
            "awareness.volume",
            "Mentions",
            starts,
            tuple(volume[s] for s in starts),
            previous=tuple(before[s] for s in starts),
        ),
        Series(
            "awareness.net_sentiment",
            "Net sentiment",
            starts,
            tuple(net_sentiment(pos[s], neg[s]) for s in starts),
            signed=True,
        ),
    )


# ------------------------------------------------------------------ the team


@dataclass
class _Answers:
    """Response times of a group of answered mentions: how many, p50, p90 (seconds),
    and how many came within the SLA."""

    n: int = 0
    p50: float | None = None
    p90: float | None = None
    within: int = 0

    @classmethod
    def of(cls, waits: list[float], sla: float) -> _Answers:
        """From every wait of the group (sorted here, in place)."""
        waits.sort()
        return cls(
            len(waits),
            percentile(waits, 50),
            percentile(waits, 90),
            bisect.bisect_right(waits, sla),
        )

    def figures(self) -> tuple[str, str, str, str]:
        share = self.within / self.n * 100 if self.n else None
        return (
            f"{self.n:,}",
            show_number(self.p50, "s"),
            show_number(self.p90, "s"),
            "—" if share is None else f"{share:.0f}%",
        )


@dataclass
class _Responses:
    """A range's answered mentions: everyone's waits, per agent and per network."""

    everyone: _Answers
    agents: dict[str, _Answers]
    channels: dict[str, _Answers]
    total: int  # mentions in the range, answered or not
    read: str = ""  # how the waits were read, for `?`

    @property
    def rate(self) -> float | None:
        return self.everyone.n / self.total * 100 if self.total else None

    @property
    def within(self) -> float | None:
        return self.everyone.within / self.everyone.n * 100 if self.everyone.n else None


# A walk along a group's waits in order passes over those of other ranges too: when the
# range holds fewer than 1 in WALK_SHARE of everyone's answers (24 hours or 7 days of a
# long history), its own waits are read and sorted instead (fewer rows either way).
WALK_SHARE = 8


async def _responses(conn: aiosqlite.Connection, period: Range, settings: Settings) -> _Responses:
    n, total = await waits.everyone(conn, BRAND, period.start_ms, period.end_ms)
    on_hours = period.start_ms % HOUR_MS == 0 and period.end_ms % HOUR_MS == 0  # as counted
    if settings.hours is None and on_hours and n * WALK_SHARE >= total:
        counts = await waits.counts(conn, BRAND, period.start_ms, period.end_ms)
        found = await _walked_responses(conn, period, settings.response_sla_s, counts)
        found.read = "in order, as the database keeps them"
    else:
        found = await _read_responses(conn, period, settings)
        found.read = (
            "each of the range's, timed on the team's clock (slower at a million)"
            if settings.hours is not None
            else "each of the range's, read and sorted"
        )
    found.total = sum(c.n for c in await rollups.hours(conn, BRAND, period.start_ms, period.end_ms))
    return found


async def _walked_responses(
    conn: aiosqlite.Connection, period: Range, sla: float, counts: dict[str, int]
) -> _Responses:
    """Waits around the clock, from each group's waits in order (schema step 38): the
    exact p50 and p90 are two walks, the answers within the SLA one count, and no wait
    reaches Python (262k at 90 days, 1M: 0.35 s a period when they did)."""
    found = _Responses(_Answers(), {}, {}, 0)
    start, end = period.start_ms, period.end_ms
    # The longest wait in ms still within the SLA in seconds, as `wait / 1000 <= sla`.
    limit_ms = math.floor(sla * 1000)
    while (limit_ms + 1) / 1000 <= sla:
        limit_ms += 1
    while limit_ms / 1000 > sla:
        limit_ms -= 1
    for group, n in counts.items():
        ranks = [max(0, math.ceil(p / 100 * n) - 1) for p in (50, 90)]
        p50, p90 = [await waits.nth(conn, BRAND, group, start, end, k, n) for k in ranks]
        within = await waits.at_most(conn, BRAND, group, start, end, limit_ms, n, p50)
        answers = _Answers(n, p50 / 1000, p90 / 1000, within)
        if group == waits.EVERYONE:
            found.everyone = answers
        elif group.startswith(waits.AGENT):
            found.agents[group.removeprefix(waits.AGENT)] = answers
        elif group.startswith(waits.NETWORK):
            found.channels[group.removeprefix(waits.NETWORK)] = answers
    return found


async def _read_responses(
    conn: aiosqlite.Connection, period: Range, settings: Settings
) -> _Responses:
    """Each of the range's answers timed, then sorted: a short range, or business hours
    (no order kept ahead fits a clock that stops at night)."""
    hours, zone, sla = settings.hours, settings.zone, settings.response_sla_s
    rows = await rollups.answered(conn, BRAND, period.start_ms, period.end_ms)
    if hours is None:
        everyone = [max(0.0, (answered - arrived) / 1000) for _, arrived, answered, _ in rows]
    else:
        everyone = [hours.elapsed_s(arrived, answered, zone) for _, arrived, answered, _ in rows]
    # Grouped once, the waits of each group appended in one pass.
    agents: dict[str, list[float]] = defaultdict(list)
    channels: dict[str, list[float]] = defaultdict(list)
    for (channel, _, _, agent), wait in zip(rows, everyone, strict=True):
        agents[agent].append(wait)
        channels[channel].append(wait)
    return _Responses(
        _Answers.of(everyone, sla),
        {agent: _Answers.of(group, sla) for agent, group in agents.items()},
        {channel: _Answers.of(group, sla) for channel, group in channels.items()},
        0,
    )


async def _team(
    conn: aiosqlite.Connection, period: Range, settings: Settings, now_ms: int
) -> Section:
    """Response times from each mention's arrival to its first answer, the share
    answered within the SLA, the response rate, and the escalations open and late."""
    now = await _responses(conn, period, settings)
    old = await _responses(conn, period.previous(), settings)
    hours = settings.hours
    where = period.filter(BRAND_FILTER)
    clock = f"business hours ({hours})" if hours is not None else "hours around the clock"
    sla = show_number(settings.response_sla_s, "s")
    answered = now.everyone.n
    counted = (("answered mentions", f"{answered:,}"), ("waits read", now.read))
    open_now, late_now = await _escalations(conn, settings, now_ms)
    waits = (
        (50, "median wait from a mention's arrival to its first answer"),
        (90, "9 in 10 first answers came within this"),
    )
    figures = (
        *(
            Figure(
                f"team.first_response_p{p}",
                f"First response p{p}",
                getattr(now.everyone, f"p{p}"),
                getattr(old.everyone, f"p{p}"),
                unit="s",
                formula=f"{what}, in {clock}",
                inputs=counted,
                filter=f"{where} is:answered",
            )
            for p, what in waits
        ),
        Figure(
            "team.within_sla",
            "Within SLA",
            now.within,
            old.within,
            unit="%",
            formula=f"answered within the response SLA ({sla}, in {clock}) / answered × 100",
            inputs=(("within", f"{now.everyone.within:,}"), ("answered", f"{answered:,}")),
            filter=f"{where} is:answered",
        ),
        Figure(
            "team.response_rate",
            "Response rate",
            now.rate,
            old.rate,
            unit="%",
            formula="mentions answered / mentions in the range × 100 "
            "(Enter opens the ones not answered)",
            inputs=(("answered", f"{answered:,}"), ("mentions", f"{now.total:,}")),
            filter=f"{where} -is:answered",
        ),
        Figure(
            "team.escalations_open",
            "Escalations open",
            open_now,
            formula="escalations not resolved, now (whatever the range)",
            screen="escalations",
        ),
        Figure(
            "team.escalations_late",
            "Escalations late",
            late_now,
            formula="open escalations past their priority's SLA ([escalation] sla), now",
            screen="escalations",
        ),
    )
    columns = ("answered", "p50", "p90", "within SLA")
    by_agent = Table(
        "team.agents",
        "By agent (who sent the first answer)",
        ("agent", *columns),
        tuple(
            Row((name, *group.figures()), by("responder", name, where))
            for name, group in sorted(now.agents.items(), key=lambda kv: -kv[1].n)
        ),
    )
    by_network = Table(
        "team.networks",
        "By network",
        ("network", *columns),
        tuple(
            Row((label(ch), *group.figures()), f"{where} is:answered ch:{ch}")
            for ch, group in sorted(now.channels.items(), key=lambda kv: -kv[1].n)
        ),
    )
    return Section("team", "The team", figures, (), (by_agent, by_network))


async def _escalations(
    conn: aiosqlite.Connection, settings: Settings, now_ms: int
) -> tuple[int, int]:
    """Open escalations now, and how many of them are past their priority's SLA."""
    rows = await rollups.open_escalations(conn)
    late = sum(
        1
        for priority, created in rows
        if now_ms - created > settings.escalation_sla_s.get(priority, math.inf) * 1000
    )
    return len(rows), late


# A section's cheap part, painted first while the rest is counted (read_sections).
PreviewBuilder = Callable[[aiosqlite.Connection, Range, Settings, int], Awaitable[Preview]]
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
