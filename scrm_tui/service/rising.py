"""Rising terms: words and #tags more frequent in a range than in the periods before it.

burst = (mentions holding the term in the range + α) / (its mentions per range-length
over the BASELINE periods before, or over the history there is + α). Whole UTC days are
counted once and kept (store/terms.py); the part days at a range's ends are read from
the mentions each time, so the counts are exact for any range on whole hours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import aiosqlite

from scrm_tui.core.ranges import Range
from scrm_tui.core.terms import ALPHA, Rising, burst, words_in
from scrm_tui.store import terms as store
from scrm_tui.store.db import Database

DAY_MS = store.DAY_MS
BASELINE = 4  # periods of the range's length before it
MIN_COUNT = 3  # mentions in the range: fewer is noise, however new
LIMIT = 10

Progress = Callable[[int, int], None]


async def counts(
    db: Database,
    watch_set: str,
    start_ms: int,
    end_ms: int,
    ignore: frozenset[str],
    progress: Progress | None = None,
) -> Counter[str]:
    """Mentions holding each term in [start, end) (whole hours), counting and keeping
    any whole day not counted yet (`progress(done, of)` after each)."""
    first_day = -(-start_ms // DAY_MS)
    end_day = end_ms // DAY_MS

    def words(text: str) -> set[str]:
        return words_in(text, ignore)

    found: Counter[str] = Counter()
    edges: tuple[tuple[int, int], ...]
    if first_day < end_day:
        stale = await store.stale_days(db, watch_set, range(first_day, end_day))
        for done, day in enumerate(stale, start=1):
            await store.recount_day(db, watch_set, day, words)
            if progress is not None:
                progress(done, len(stale))
        found += await store.kept_counts(db.reader, watch_set, first_day, end_day)
        edges = ((start_ms, first_day * DAY_MS), (end_day * DAY_MS, end_ms))
    else:
        edges = ((start_ms, end_ms),)
    for low, high in edges:
        if low < high:
            part, _ = await store.count_span(db.reader, watch_set, low, high, words)
            found += part
    return found


async def rising(
    db: Database,
    watch_set: str,
    period: Range,
    ignore: frozenset[str],
    progress: Progress | None = None,
    limit: int = LIMIT,
) -> list[Rising]:
    """The terms of `period` with the highest burst over the BASELINE periods before
    it, each seen in at least MIN_COUNT mentions, with the newest mention holding it."""
    now = await counts(db, watch_set, period.start_ms, period.end_ms, ignore, progress)
    start, periods = _baseline(period, await store.first_mention_ms(db.reader, watch_set))
    before = (
        await counts(db, watch_set, start, period.start_ms, ignore, progress)
        if periods > 0
        else Counter[str]()
    )
    return await _examples(db.reader, watch_set, rank(now, before, periods, limit), period)


async def rising_negative(
    conn: aiosqlite.Connection,
    watch_set: str,
    period: Range,
    ignore: frozenset[str],
    limit: int = LIMIT,
) -> list[Rising]:
    """As `rising`, over a competitor's negative mentions only: what its unhappy
    customers talk about more than before, each term said mostly in complaints (in
    more than half of the range's mentions that hold it: "the" and "and" are said
    everywhere). Read whole from those mentions (through the competitors' index, never
    the brand's rows) in the caller's snapshot: they are few, so no day is kept."""

    def words(text: str) -> set[str]:
        return words_in(text, ignore)

    span = period.start_ms, period.end_ms
    now, _ = await store.count_span(conn, watch_set, *span, words, negative=True)
    said, _ = await store.count_span(conn, watch_set, *span, words)
    now = Counter({term: n for term, n in now.items() if 2 * n > said[term]})
    first = await store.first_mention_ms(conn, watch_set, negative=True)
    start, periods = _baseline(period, first)
    before = Counter[str]()
    if periods > 0:
        before, _ = await store.count_span(
            conn, watch_set, start, period.start_ms, words, negative=True
        )
    ranked = rank(now, before, periods, limit)
    return await _examples(conn, watch_set, ranked, period, negative=True)


def _baseline(period: Range, first_ms: int | None) -> tuple[int, float]:
    """Where the baseline starts, and how many range-lengths it holds: the BASELINE
    periods before, or as much of them as there is history (a brand watched for ten
    days has ten days of baseline, not 28)."""
    length = period.end_ms - period.start_ms
    start = period.start_ms - BASELINE * length
    if first_ms is not None:
        start = max(start, first_ms - first_ms % DAY_MS)
    return start, (period.start_ms - start) / length


def rank(now: Counter[str], before: Counter[str], periods: float, limit: int) -> list[Rising]:
    """The terms with the highest burst, each in at least MIN_COUNT mentions of the
    range; `periods`: how many range-lengths `before` counts."""

    def base(term: str) -> float:
        return before[term] / periods if periods > 0 else 0.0

    return sorted(
        (
            Rising(term, n, base(term), burst(n, base(term), ALPHA))
            for term, n in now.items()
            # A word found only as its #tag (kestreldown in #KestrelDown) shows as the tag.
            if n >= MIN_COUNT and burst(n, base(term), ALPHA) > 1 and now.get(f"#{term}") != n
        ),
        key=lambda r: (-r.ratio, -r.count, r.term),
    )[:limit]


async def _examples(
    conn: aiosqlite.Connection,
    watch_set: str,
    ranked: list[Rising],
    period: Range,
    *,
    negative: bool = False,
) -> list[Rising]:
    """Each term with the newest mention of the range that holds it."""
    out = []
    for item in ranked:
        found = await store.example(
            conn, watch_set, item.term, period.start_ms, period.end_ms, negative=negative
        )
        if found is not None:
            item = Rising(item.term, item.count, item.baseline, item.ratio, *found)
        out.append(item)
    return out
