"""Spike alerts: test the running hour and raise it once for every terminal, explain a
spike (burst terms, first posts, mood, customers affected), and the dashboard's
"Spikes" section. The arithmetic is core/spikes.py; the reads store/spikes.py.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrm_tui.core import spikes as math
from scrm_tui.core.figures import Figure, Row, Section, Table
from scrm_tui.core.ranges import HOUR_MS, Range
from scrm_tui.core.terms import ALPHA, burst, filter_for, words_in
from scrm_tui.core.timefmt import from_ms
from scrm_tui.service.measures import BRAND, BRAND_FILTER, Settings
from scrm_tui.store import rollups
from scrm_tui.store import spikes as store
from scrm_tui.store import terms as term_store
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, StoreError

if TYPE_CHECKING:
    from scrm_tui.service.inbox import Inbox

Raised = store.Raised
RECENT_HOURS = 6  # the top line shows spikes raised for the last six hours
FIRST_POSTS = 5
TERMS = 8
MIN_TERM = 3  # a burst term is in at least this many of the hour's mentions


def hour_range(hour: int, hours: int = 1) -> Range:
    """The spike's hours as a range: its `filter()` is the inbox filter for exactly
    the mentions the rollup counted (`after:` ≥, `before:` <, snoozed too)."""
    return Range(hour * HOUR_MS, (hour + hours) * HOUR_MS, "spike")


def when(hour: int) -> str:
    """`Mon 16 Nov 14:00 UTC`."""
    moment = from_ms(hour * HOUR_MS)
    return moment.strftime("%a ") + f"{moment.day} " + moment.strftime("%b %H:00 UTC")


async def test_now(conn: Connection, now_ms: int, watch_set: str = BRAND) -> list[math.Test]:
    """Test the running hour as it fills, and the hour before (which may have ended
    between two looks): ~30 rollup rows, whatever the size of the database."""
    hour = now_ms // HOUR_MS
    wanted = sorted({*math.needed(hour), *math.needed(hour - 1)})
    counts = await store.counts(conn, watch_set, wanted)
    first = await rollups.first_hour(conn, watch_set)
    found = (math.judge(h, counts, first) for h in (hour - 1, hour))
    return [t for t in found if t is not None]


async def check(db: Database, now_ms: int, by: str, watch_set: str = BRAND) -> list[store.Raised]:
    """Raise the spikes among the running hour and the one before that no process has
    raised yet (the write happens only then); returns those this call raised. A window
    that overlaps one raised already is the same burst going on: not raised again."""
    found = [t for t in await test_now(db.reader, now_ms, watch_set) if t.spike]
    if not found:
        return []
    low = found[0].hour - max(math.WIDTHS) + 1
    windows = [
        (r.hour - r.hours + 1, r.hour)
        for r in await store.raised(db.reader, watch_set, low, found[-1].hour + 1)
    ]
    raised = []
    for t in found:
        start = t.hour - t.hours + 1
        if any(first <= t.hour and start <= last for first, last in windows):
            continue
        row = store.Raised(watch_set, t.hour, t.hours, t.n, t.baseline, t.p, now_ms, by)
        if await store.record(db, row):
            raised.append(row)
        windows.append((start, t.hour))
    return raised


def describe(raised: store.Raised) -> str:
    """`scrm watch`'s line for a spike it raised."""
    first = raised.hour - raised.hours + 1
    span = "hour" if raised.hours == 1 else f"{raised.hours} hours"
    return (
        f"spike: {raised.n:,} mentions in the {span} from {when(first)} where "
        f"{raised.baseline:.1f} are usual (p = {raised.p:.0e}); ! in the inbox explains it"
    )


@dataclass(frozen=True)
class Recent:
    """A spike of the last few hours, as the top line says it."""

    hour: int  # the window's last hour
    hours: int
    n: int  # the window's mentions now
    baseline: float

    @property
    def start(self) -> int:
        return self.hour - self.hours + 1

    def all_words(self) -> tuple[str, str, str]:
        """From the longest to the shortest: `⚡ spike 14:00: 70 (7 usual) !`."""
        at = from_ms(self.start * HOUR_MS).strftime("%H:00")
        return (
            f"⚡ spike {at}: {self.n:,} mentions ({self.baseline:.0f} usual), ! shows it",
            f"⚡ spike {at}: {self.n:,} ({self.baseline:.0f} usual) !",
            "⚡ spike !",
        )


async def latest(inbox: Inbox) -> Recent | None:
    """For an inbox's top line: raise a spike no process has raised yet (the collector
    does it too), then the newest of the last hours."""
    from scrm_tui.service.processes import process_id

    now = inbox.now_ms()
    # A read-only file or a long lock: the collector, or the next tick, raises it.
    with contextlib.suppress(StoreError):
        await check(inbox.db, now, f"{inbox.agent} {process_id()}")
    return await recent(inbox.db, now)


async def explain_hour(inbox: Inbox, hour: int, settings: Settings) -> Explanation | None:
    """Why `hour` is a spike, read from the inbox's database (see explain)."""
    return await explain(inbox.db, hour, settings)


async def recent(db: Database, now_ms: int, watch_set: str = BRAND) -> Recent | None:
    """The newest spike raised for the last RECENT_HOURS hours, with its count now."""
    hour = now_ms // HOUR_MS
    rows = await store.raised(db.reader, watch_set, hour - RECENT_HOURS + 1, hour + 1)
    if not rows:
        return None
    newest = rows[0]
    window = list(range(newest.hour - newest.hours + 1, newest.hour + 1))
    counts = await store.counts(db.reader, watch_set, window)
    n = sum(counts.values())
    return Recent(newest.hour, newest.hours, max(n, newest.n), newest.baseline)


# ------------------------------------------------------------------ explaining one


@dataclass(frozen=True)
class Term:
    term: str
    count: int  # mentions of the spike's hour holding it
    expected: float  # its share of the baseline's mentions × the spike's mentions
    ratio: float  # burst(): (count + α) / (expected + α)
    filter: str  # the spike's mentions holding it


@dataclass(frozen=True)
class Explanation:
    test: math.Test
    filter: str  # the inbox filter for exactly the hour's mentions
    terms: tuple[Term, ...]
    first: tuple[store.Post, ...]
    pos: int
    neu: int
    neg: int
    unscored: int
    customers: tuple[store.Affected, ...]
    raised: store.Raised | None

    @property
    def negative_share(self) -> float | None:
        """Negative / scored mentions × 100 (unscored apart: their mood is unknown)."""
        scored = self.pos + self.neu + self.neg
        return self.neg / scored * 100 if scored else None

    @property
    def value_at_stake(self) -> float | None:
        known = [c.lifetime_value for c in self.customers if c.lifetime_value is not None]
        return sum(known) if known else None


async def explain(
    db: Database, hour: int, settings: Settings, watch_set: str = BRAND
) -> Explanation | None:
    """Why `hour` is a spike: its test, burst terms against the same window of the days
    before, the first posts, its moods and the customers whose authors posted."""
    conn = db.reader
    counts = await store.counts(conn, watch_set, math.needed(hour))
    first_hour = await rollups.first_hour(conn, watch_set)
    test = math.judge(hour, counts, first_hour)
    if test is None or first_hour is None:
        return None
    start = hour - test.hours + 1
    span = hour_range(start, test.hours)
    offsets = range(test.hours)
    now_terms = await _terms(conn, watch_set, [start + i for i in offsets], settings.ignore)
    days = [d for d in range(1, math.HISTORY_DAYS + 1) if start - 24 * d >= first_hour]
    before = await _terms(
        conn, watch_set, [start - 24 * d + i for d in days for i in offsets], settings.ignore
    )
    # A term bursts when it grew more than the volume did: its expected count is its
    # share of the baseline's mentions times the spike's mentions ("the" grows with
    # any spike and stays at 1×; "connecting" in an outage does not).
    seen = sum(counts.get(start - 24 * d + i, 0) for d in days for i in offsets)
    where = span.filter(BRAND_FILTER if watch_set == BRAND else watch_set)

    def expected(term: str) -> float:
        return before[term] / seen * test.n if seen else 0.0

    ranked = sorted(
        (
            Term(t, n, expected(t), burst(n, expected(t), ALPHA), f"{where} {filter_for(t)}")
            for t, n in now_terms.items()
            if n >= MIN_TERM and burst(n, expected(t), ALPHA) > 1
        ),
        key=lambda t: (-t.ratio, -t.count, t.term),
    )[:TERMS]
    pos, neu, neg, unscored = await store.moods(conn, watch_set, start, hour + 1)
    first = await store.first_posts(conn, watch_set, span.start_ms, span.end_ms, FIRST_POSTS)
    customers = await store.affected(conn, watch_set, span.start_ms, span.end_ms)
    raised = await store.raised(conn, watch_set, hour, hour + 1)
    return Explanation(
        test,
        where,
        tuple(ranked),
        tuple(first),
        pos,
        neu,
        neg,
        unscored,
        tuple(customers),
        raised[0] if raised else None,
    )


async def _terms(
    conn: Connection, watch_set: str, hours: list[int], ignore: frozenset[str]
) -> Counter[str]:
    """Mentions holding each word or #tag over the given hours (read from the mentions
    of those hours: a spike's hour and its baseline hours are a few hundred posts)."""

    def words(text: str) -> set[str]:
        return words_in(text, ignore)

    found: Counter[str] = Counter()
    for h in hours:
        part, _ = await term_store.count_span(
            conn, watch_set, h * HOUR_MS, (h + 1) * HOUR_MS, words
        )
        found += part
    return found


# ------------------------------------------------------------------ the dashboard


async def section(conn: Connection, period: Range, settings: Settings, now_ms: int) -> Section:
    """The spikes in the range, recomputed from the rollups (the seeded or imported
    history too, which no live process tested), each row opening its mentions."""
    first_hour = await rollups.first_hour(conn, BRAND)
    start, end = period.start_ms // HOUR_MS, min(period.end_ms, now_ms + HOUR_MS) // HOUR_MS
    before = period.previous()
    counts = await store.span_counts(
        conn, BRAND, before.start_ms // HOUR_MS - math.HISTORY_DAYS * 24, end
    )
    found = math.events(math.spikes(range(start, end), counts, first_hour))
    old = math.events(math.spikes(range(before.start_ms // HOUR_MS, start), counts, first_hour))
    raised = {r.hour: r for r in await store.raised(conn, BRAND, start, end)}
    rows = []
    for event in reversed(found):  # newest first
        top = min(event, key=lambda t: t.p)
        first = event[0].hour - event[0].hours + 1  # the first window's first hour
        hours = event[-1].hour - first + 1
        mentions = sum(counts.get(h, 0) for h in range(first, event[-1].hour + 1))
        first_raised = min(
            (raised[t.hour].raised_ms for t in event if t.hour in raised), default=None
        )
        rows.append(
            Row(
                (
                    when(first),
                    f"{hours}",
                    f"{mentions:,}",
                    f"{top.n:,} vs {top.baseline:.1f}"
                    + (f" in {top.hours}h" if top.hours > 1 else ""),
                    f"{top.p:.0e}",
                    "—" if first_raised is None else from_ms(first_raised).strftime("%H:%M"),
                ),
                hour_range(first, hours).filter(BRAND_FILTER),
            )
        )
    spike_hours = sum(len(e) for e in found)
    # Enter opens every burst's mentions at once: each row's filter, OR-ed.
    every = " OR ".join(f"({row.filter})" for row in rows if row.filter)
    figures = (
        Figure(
            "spikes.events",
            "Bursts of mentions",
            len(found),
            len(old),
            filter=every or None,
            formula=f"bursts of spike hours (at most {math.GAP} h apart are one): an hour is "
            f"a spike if its n mentions (or the two hours' ending with it) have P(X ≥ n | λ) < "
            f"{math.P_MAX:g}, X ~ Poisson(λ), λ = mean of the same window over the "
            f"{math.HISTORY_DAYS} days before (at least {math.FLOOR:g}/h), and n is also "
            f"unlikely (p < {math.CONFIRM_P:g}) against the same window a day and a week before",
            inputs=(("spike hours", f"{spike_hours:,}"), ("range", period.describe())),
            note=f"hours with under {math.MIN_DAYS} days of history before them are not tested",
        ),
    )
    table = Table(
        "spikes.list",
        "Spikes (Enter opens the mentions)",
        ("from", "hours", "mentions", "surest window vs usual", "p", "raised"),
        tuple(rows),
        note="raised: when a live terminal or collector raised it (— : found in the "
        "history, e.g. the demo's seeded days)",
    )
    return Section("spikes", "Spikes", figures, (), (table,))


def as_section(e: Explanation) -> Section:
    """The spike screen's figures and tables: its mentions first (Enter opens them,
    ready for `T R`), the negative share, the customers affected and their value."""
    t = e.test
    first = t.hour - t.hours + 1
    span = "hour" if t.hours == 1 else f"{t.hours} hours"
    scored = e.pos + e.neu + e.neg
    ids = tuple(c.customer_id for c in e.customers)
    figures = (
        Figure(
            "spike.mentions",
            "Mentions",
            t.n,
            formula=f"mentions in the {span} from {when(first)}; a spike when P(X ≥ n | λ) < "
            f"{math.P_MAX:g} (Poisson), and unlikely too (p < {math.CONFIRM_P:g}) against "
            "the same window a day and a week before",
            inputs=(
                ("λ: usual for this window", f"{t.baseline:.1f} (mean of {t.days} days)"),
                ("P(X ≥ n | λ)", f"{t.p:.1e}"),
                ("a day before", "—" if t.day_before is None else f"{t.day_before:,}"),
                ("a week before", "—" if t.week_before is None else f"{t.week_before:,}"),
            ),
            filter=e.filter,
        ),
        Figure(
            "spike.negative",
            "Negative",
            e.negative_share,
            unit="%",
            formula="negative / (positive + neutral + negative) × 100",
            inputs=(
                ("negative", f"{e.neg:,}"),
                ("positive", f"{e.pos:,}"),
                ("neutral", f"{e.neu:,}"),
                ("unscored (not in it)", f"{e.unscored:,}"),
            ),
            filter=f"{e.filter} s:neg",
            note=f"{e.unscored:,} unscored (a language no scorer reads), counted apart"
            if e.unscored
            else "",
        ),
        Figure(
            "spike.customers",
            "Customers",
            len(e.customers),
            formula="customers whose linked authors (identity, auto or confirmed) posted in it",
            customers=ids,
        ),
        Figure(
            "spike.value",
            "Value at stake",
            e.value_at_stake,
            unit="$",
            formula="Σ lifetime value of those customers (unknown values left out)",
            inputs=(("customers", f"{len(ids):,}"), ("scored mentions", f"{scored:,}")),
            customers=ids,
        ),
    )
    terms = Table(
        "spike.terms",
        "Burst terms",
        ("term", "mentions", "expected", "burst"),
        tuple(
            Row(
                (term.term, f"{term.count:,}", f"{term.expected:.1f}", f"{term.ratio:.1f}×"),
                term.filter,
            )
            for term in e.terms
        ),
        note=f"burst = (mentions + {ALPHA:g}) / (expected + {ALPHA:g}); expected = the term's "
        f"share of the same window's mentions over the days before × {t.n:,}",
    )
    posts = Table(
        "spike.first",
        "First posts",
        ("time", "author", "post"),
        tuple(
            Row(
                (
                    from_ms(p.created_ms).strftime("%H:%M"),
                    p.handle,
                    " ".join(p.text.split())[:70],
                ),
                e.filter,
            )
            for p in e.first
        ),
    )
    customers = Table(
        "spike.affected",
        "Customers affected",
        ("customer", "lifetime value", "mentions"),
        tuple(
            Row(
                (
                    c.name,
                    "—" if c.lifetime_value is None else f"${c.lifetime_value:,.0f}",
                    f"{c.mentions:,}",
                ),
                customer=c.customer_id,
            )
            for c in e.customers
        ),
    )
    title = f"Spike: {when(first)}" + ("" if t.hours == 1 else f", {t.hours} hours")
    return Section("spike", title, figures, (), (terms, posts, customers))
