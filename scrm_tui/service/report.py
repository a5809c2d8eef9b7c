"""The dashboard's figures and `scrm report`: one Report per range, read in one snapshot.

Each section is built from the hourly rollups and small indexed reads (store/rollups.py),
never from scanning the range's mentions, and each figure carries its formula, its
inputs and the inbox filter for the records behind it (core/figures.py).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiosqlite

from scrm_tui.core.figures import Figure, Row, Section, Series, Table
from scrm_tui.core.models import NETWORK_NAMES
from scrm_tui.core.ranges import DAY_MS, HOUR_MS, Range, parse_range
from scrm_tui.store import rollups
from scrm_tui.store.db import Database

if TYPE_CHECKING:
    from scrm_tui.service.inbox import Inbox

BRAND = ""  # the watch set of the brand's own terms (competitors have names)
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


@contextlib.asynccontextmanager
async def _snapshot(conn: aiosqlite.Connection) -> AsyncIterator[aiosqlite.Connection]:
    """Every read of one report sees the same commit: its figures add up."""
    await conn.execute("BEGIN")
    try:
        yield conn
    finally:
        await conn.execute("COMMIT")


async def build(db: Database, period: Range) -> Report:
    """The report for `period` against the period before it, on `db`'s reader."""
    async with _snapshot(db.reader) as conn:
        awareness = await _awareness(conn, period)
    return Report(period, period.previous(), (awareness,))


class Dashboard:
    """The dashboard's reads, on a database connection of their own: a 90-day report
    never holds up the inbox's live updates or its reading pane."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self._db: Database | None = None

    def range(self, name: str) -> Range:
        """`24h`, `7d`... or START..END, ending now (RangeError says what is accepted)."""
        return parse_range(name, self.inbox.now_ms())

    async def report(self, period: Range) -> Report:
        if self._db is None:
            self._db = await self.inbox.db.with_own_reader()
        return await build(self._db, period)

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None


def net_sentiment(pos: int, neg: int) -> float | None:
    """(positive − negative) / (positive + negative) × 100; unknown with neither."""
    return (pos - neg) / (pos + neg) * 100 if pos + neg else None


@dataclass
class _Totals:
    n: int = 0
    pos: int = 0
    neu: int = 0
    neg: int = 0
    unscored: int = 0
    points: int = 0

    def add(self, cell: rollups.HourCell) -> None:
        self.n += cell.n
        self.pos += cell.pos
        self.neu += cell.neu
        self.neg += cell.neg
        self.unscored += cell.unscored
        self.points += cell.points


def _totals(cells: list[rollups.HourCell]) -> tuple[_Totals, dict[str, _Totals]]:
    whole = _Totals()
    by_channel: dict[str, _Totals] = defaultdict(_Totals)
    for cell in cells:
        whole.add(cell)
        by_channel[cell.channel].add(cell)
    return whole, by_channel


def _label(channel: str) -> str:
    return NETWORK_NAMES.get(channel, channel)


async def _awareness(conn: aiosqlite.Connection, period: Range) -> Section:
    before = period.previous()
    cells = await rollups.hours(conn, BRAND, period.start_ms, period.end_ms)
    old_cells = await rollups.hours(conn, BRAND, before.start_ms, before.end_ms)
    now, channels = _totals(cells)
    old, _ = _totals(old_cells)
    reach = await rollups.reach(conn, BRAND, period.start_ms, period.end_ms)
    old_reach = await rollups.reach(conn, BRAND, before.start_ms, before.end_ms)
    authors = sum(r.authors for r in reach)
    followers = sum(r.followers for r in reach)
    counted = [r for r in reach if r.with_followers]
    apart = [r for r in reach if r.with_followers < r.authors]
    where = period.filter()
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
            authors,
            sum(r.authors for r in old_reach),
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
            inputs=tuple((_label(r.channel), f"{r.followers:,}") for r in counted),
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
            inputs=(
                ("positive", f"{now.pos:,}"),
                ("negative", f"{now.neg:,}"),
                ("neutral (not in it)", f"{now.neu:,}"),
                ("unscored (not in it)", f"{now.unscored:,}"),
            ),
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
    networks = Table(
        "awareness.networks",
        "By network",
        ("network", "mentions", "authors", "reach (est.)", "net sentiment"),
        tuple(
            Row(
                (
                    _label(r.channel),
                    f"{channels[r.channel].n:,}",
                    f"{r.authors:,}",
                    f"{r.followers:,}"
                    if r.with_followers == r.authors
                    else _partial(r, channels[r.channel]),
                    _signed(net_sentiment(channels[r.channel].pos, channels[r.channel].neg)),
                ),
                f"{where} ch:{r.channel}",
            )
            for r in sorted(reach, key=lambda r: -channels[r.channel].n)
        ),
    )
    top = await rollups.top_authors(conn, BRAND, period.start_ms, period.end_ms, TOP_AUTHORS)
    leaders = Table(
        "awareness.top_authors",
        "Top authors by reach",
        ("author", "network", "followers", "mentions", "customer"),
        tuple(
            Row(
                (
                    a.name or a.handle,
                    _label(a.channel),
                    f"{a.followers:,}",
                    f"{a.mentions:,}",
                    a.customer or "",
                ),
                f"{where} ch:{a.channel} from:{_quoted(a.handle)}",
            )
            for a in top
        ),
        note="authors on networks without follower counts are not ranked here",
    )
    series = _daily(period, cells)
    return Section("awareness", "Awareness", figures, series, (networks, leaders))


def _apart(apart: list[rollups.Reach], channels: dict[str, _Totals]) -> str:
    """What the reach leaves out, by network: `Hacker News: 12 authors, 340 points`."""
    parts = []
    for r in apart:
        missing = r.authors - r.with_followers
        points = channels[r.channel].points
        extra = f", {points:,} points" if points else ""
        parts.append(f"{_label(r.channel)}: {missing:,} authors{extra}")
    if not parts:
        return ""
    return "no follower counts, shown apart: " + "; ".join(parts)


def _partial(reach: rollups.Reach, totals: _Totals) -> str:
    if reach.with_followers:
        return f"{reach.followers:,} (+{reach.authors - reach.with_followers} unknown)"
    return f"{totals.points:,} points" if totals.points else "—"


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.0f}".replace("-", "−")


def _quoted(handle: str) -> str:
    return f'"{handle}"' if any(c in handle for c in ' ():"') else handle


def _daily(period: Range, cells: list[rollups.HourCell]) -> tuple[Series, ...]:
    """Volume and net sentiment per bucket: hours for a range of two days or less,
    UTC days otherwise (the first and last may be part days)."""
    step = HOUR_MS if period.hours <= 48 else DAY_MS
    first = period.start_ms - period.start_ms % step
    starts = tuple(range(first, period.end_ms, step))
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
        Series("awareness.volume", "Mentions", starts, tuple(volume[s] for s in starts)),
        Series(
            "awareness.net_sentiment",
            "Net sentiment",
            starts,
            tuple(net_sentiment(pos[s], neg[s]) for s in starts),
        ),
    )
