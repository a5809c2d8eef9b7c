"""The dashboard's Awareness section: volume, authors, reach, net sentiment, top authors."""

from __future__ import annotations

from collections import defaultdict

from scrm_tui.core.figures import Figure, Row, Section, Series, Table
from scrm_tui.core.ranges import DAY_MS, HOUR_MS, Range
from scrm_tui.service.measures import (
    BRAND,
    BRAND_FILTER,
    Preview,
    Settings,
    Totals,
    label,
    mood_inputs,
    net_sentiment,
    signed,
)
from scrm_tui.store import advocacy as advocacy_store
from scrm_tui.store import rollups
from scrm_tui.store.conn import Connection

TOP_AUTHORS = 10


def _totals(cells: list[rollups.HourCell]) -> tuple[Totals, dict[str, Totals]]:
    whole = Totals()
    by_channel: dict[str, Totals] = defaultdict(Totals)
    for cell in cells:
        whole.add(cell)
        by_channel[cell.channel].add(cell)
    return whole, by_channel


async def _awareness(conn: Connection, period: Range, settings: Settings, now_ms: int) -> Section:
    return await _awareness_read(conn, period, settings, with_authors=True)


async def _awareness_preview(
    conn: Connection, period: Range, settings: Settings, now_ms: int
) -> Preview:
    """Awareness without what needs its distinct authors (most of its time at 90 days:
    190k authors, for the range and the period before): the volume and moods first."""
    section = await _awareness_read(conn, period, settings, with_authors=False)
    pending = frozenset({"awareness.authors", "awareness.reach"})
    return Preview(section, pending, ("By network", "Top authors by reach"))


async def _awareness_read(
    conn: Connection, period: Range, settings: Settings, *, with_authors: bool
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
