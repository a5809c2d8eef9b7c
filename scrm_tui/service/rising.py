"""Rising terms: words and #tags more frequent in a range than in the periods before it.

burst = (mentions holding the term in the range + α) / (its mentions per range-length
over the BASELINE periods before, or over the history there is + α). Whole UTC days are
counted once and kept (store/terms.py), and so are the whole hours of the part days at
a range's ends, so the counts are exact for any range on whole hours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cache

from stop_words import get_stop_words

from scrm_tui.core.ranges import Range
from scrm_tui.core.terms import ALPHA, Rising, burst, fold, words_in
from scrm_tui.store import terms as store
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database
from scrm_tui.store.terms import Scope

DAY_MS = store.DAY_MS
HOUR_MS = store.HOUR_MS
BASELINE = 4  # periods of the range's length before it
MIN_COUNT = 3  # mentions in the range: fewer is noise, however new
LIMIT = 10

Progress = Callable[[int, int], None]

# The languages of the function words that never rise: those the demo's posts are in and
# python-stop-words lists (its lists for Arabic, Hebrew, Japanese, Chinese and Korean are
# left out: the search index does not split those scripts into words the same way).
STOP_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv")


@cache
def stop_words() -> frozenset[str]:
    """Function words ("the", "und", "que"), folded as the search index folds them: said
    in every post at every time, they are never news however the baseline counts them."""
    return frozenset(fold(w) for lang in STOP_LANGUAGES for w in get_stop_words(lang))


async def counts(
    db: Database,
    scope: Scope | str,
    start_ms: int,
    end_ms: int,
    ignore: frozenset[str],
    progress: Progress | None = None,
) -> Counter[str]:
    """Mentions of the scope (a watch set's, store/terms.Scope) holding each term in
    [start, end) (whole hours), counting and keeping any whole day not counted yet
    (`progress(done, of)` after each)."""
    first_day = -(-start_ms // DAY_MS)
    end_day = end_ms // DAY_MS

    def words(text: str) -> set[str]:
        return words_in(text, ignore)

    found: Counter[str] = Counter()
    edges: tuple[tuple[int, int], ...]
    if first_day < end_day:
        stale = await store.stale_days(db, scope, range(first_day, end_day))
        for done, day in enumerate(stale, start=1):
            await store.recount_day(db, scope, day, words)
            if progress is not None:
                progress(done, len(stale))
        found += await store.kept_counts(db.reader, scope, first_day, end_day)
        edges = ((start_ms, first_day * DAY_MS), (end_day * DAY_MS, end_ms))
    else:
        edges = ((start_ms, end_ms),)
    # The part days at the two ends: whole hours, each counted once and kept like a day
    # (an hour that moves, the one under way, is counted again: an hour of texts).
    for low, high in edges:
        first_hour, end_hour = -(-low // HOUR_MS), high // HOUR_MS
        if first_hour < end_hour:
            hours = range(first_hour, end_hour)
            for hour in await store.stale_days(db, scope, hours, store.HOUR):
                await store.recount_day(db, scope, hour, words, store.HOUR)
            found += await store.kept_counts(db.reader, scope, first_hour, end_hour, store.HOUR)
            rest: tuple[tuple[int, int], ...] = (
                (low, first_hour * HOUR_MS),
                (end_hour * HOUR_MS, high),
            )
        else:
            rest = ((low, high),)
        for part_low, part_high in rest:  # off whole hours: read each time
            if part_low < part_high:
                part, _ = await store.count_span(db.reader, scope, part_low, part_high, words)
                found += part
    return found


async def rising(
    db: Database,
    scope: Scope | str,
    period: Range,
    ignore: frozenset[str],
    progress: Progress | None = None,
    limit: int = LIMIT,
    *,
    said: Counter[str] | None = None,
) -> list[Rising]:
    """The terms of `period` with the highest burst over the BASELINE periods before
    it, each seen in at least MIN_COUNT mentions, with the newest mention holding it.
    `said`: each term's mentions of every mood in the range, for a negative scope: a
    term must be in more than half of them (said mostly in complaints)."""
    start, periods = _baseline(period, await store.first_mention_ms(db.reader, scope))
    if periods <= 0:  # nothing before the range: every term would be a burst
        return []
    now = await counts(db, scope, period.start_ms, period.end_ms, ignore, progress)
    if said is not None:
        now = Counter({term: n for term, n in now.items() if 2 * n > said[term]})
    before = await counts(db, scope, start, period.start_ms, ignore, progress)
    return await _examples(db.reader, scope, rank(now, before, periods, limit), period)


async def first_mention_ms(db: Database, scope: Scope | str) -> int | None:
    """When the scope's first mention was posted: a range starting before that day has no
    baseline, and no term can be said to rise in it."""
    return await store.first_mention_ms(db.reader, scope)


def has_baseline(period: Range, first_ms: int | None) -> bool:
    """Whether any whole day of history comes before the range."""
    return _baseline(period, first_ms)[1] > 0


async def rising_negative(
    db: Database,
    watch_set: str,
    period: Range,
    ignore: frozenset[str],
    progress: Progress | None = None,
    limit: int = LIMIT,
) -> list[Rising]:
    """As `rising`, over a competitor's negative mentions only, by words (no #tags):
    what its unhappy customers talk about more than before, each word said mostly in
    complaints (in more than half of the range's mentions that hold it: "the" and "and"
    are said everywhere). Days are counted once and kept, as the brand's are."""
    complaints = Scope(watch_set, negative=True, tags=False)
    if not has_baseline(period, await first_mention_ms(db, complaints)):
        return []  # nothing to compare with: no day is counted for nothing
    said = await counts(
        db, Scope(watch_set, tags=False), period.start_ms, period.end_ms, ignore, progress
    )
    return await rising(db, complaints, period, ignore, progress, limit, said=said)


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
    range and none a function word; `periods`: how many range-lengths `before` counts."""
    stop = stop_words()

    def base(term: str) -> float:
        return before[term] / periods if periods > 0 else 0.0

    return sorted(
        (
            Rising(term, n, base(term), burst(n, base(term), ALPHA))
            for term, n in now.items()
            # A word found only as its #tag (kestreldown in #KestrelDown) shows as the tag.
            if n >= MIN_COUNT
            and burst(n, base(term), ALPHA) > 1
            and now.get(f"#{term}") != n
            and term not in stop
        ),
        key=lambda r: (-r.ratio, -r.count, r.term),
    )[:limit]


async def _examples(
    conn: Connection, scope: Scope | str, ranked: list[Rising], period: Range
) -> list[Rising]:
    """Each term with the newest mention of the range (in the scope) that holds it."""
    out = []
    for item in ranked:
        found = await store.example(conn, scope, item.term, period.start_ms, period.end_ms)
        if found is not None:
            item = Rising(item.term, item.count, item.baseline, item.ratio, *found)
        out.append(item)
    return out
