"""Spike alerts' arithmetic: an hour's mentions against the same hour's baseline.

An hour is a spike when P(X ≥ n | λ) < P_MAX for X ~ Poisson(λ), n its mentions, λ
the mean count of the same hour of day over the HISTORY_DAYS days before (floored at
FLOOR), and n also clearly exceeds the same hour a day before and a week before
(P(X ≥ n | that count, floored) < CONFIRM_P): a Monday is judged against last Monday
too, not only against a quiet Sunday. The two hours ending with it are tested the same
way (WIDTHS), for a rise spread over an afternoon. No I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

P_MAX = 1e-3
HISTORY_DAYS = 14
# Fewer days of history than this and the hour is not tested: a mean of one or two
# days is no baseline (a new install's second day would be "a spike" all day).
MIN_DAYS = 3
# λ is at least this many mentions an hour. A quiet hour's mean is mostly zeros (0.3),
# and then four posts are p < 10⁻³; replies come in threads, so a conversation of ten
# posts at night is no event. With 4 an hour needs 12 posts to be a spike.
FLOOR = 4.0
# "Clearly exceeded": the count is unlikely (p < 0.3%) under the same window of the
# day before, and of the week before, taken as its rate (floored as λ is). A ratio
# would miss bursts on busy hours, where 30% more is already far out of the ordinary.
CONFIRM_P = 0.003
# Until the history holds the week before, the weekly cycle is unknown (a busy Monday
# after a quiet weekend is no event): p must be under this instead of P_MAX.
YOUNG_P = 1e-5
# Spike hours at most this many hours apart are one event (a release day's evening).
GAP = 2
# Windows tested, in hours: the hour alone (a sudden burst), and the two hours ending
# with it (a rise spread over an afternoon, and one split by the clock's hour line).
WIDTHS = (1, 2)


def tail(n: int, lam: float) -> float:
    """P(X ≥ n) for X ~ Poisson(lam), summed on the side that converges quickly, in
    logs (lgamma) so that n in the thousands neither overflows nor underflows."""
    if n <= 0:
        return 1.0
    if lam <= 0:
        return 0.0

    def pmf(k: int) -> float:
        return math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))

    if n > lam:  # the upper tail: terms fall by lam / (k + 1) < 1 each step
        total, term, k = 0.0, pmf(n), n
        while term > total * 1e-17 and term > 0:
            total += term
            k += 1
            term *= lam / k
        return min(total, 1.0)
    below, term, k = 0.0, pmf(n - 1), n - 1  # 1 − P(X < n), summed downward from n − 1
    while k >= 0 and term > below * 1e-17:
        below += term
        term *= k / lam
        k -= 1
    return max(0.0, 1.0 - below)


@dataclass(frozen=True)
class Test:
    """One window tested (the hour, or the two hours ending with it): its count, the
    baseline and what it was confirmed against."""

    hour: int  # the window's last hour: created_ms // 3,600,000 (UTC)
    hours: int  # the window's length: 1, or 2 (a rise spread over two hours)
    n: int
    baseline: float  # λ: the same window's mean over the days before, floored
    days: int  # days of history in the baseline
    p: float  # P(X ≥ n | λ)
    day_before: int | None  # the same window 24 h earlier (None: before the history)
    week_before: int | None  # ... 168 h earlier

    @property
    def spike(self) -> bool:
        # Without a week of history a Monday is judged against a weekend: stricter.
        limit = P_MAX if self.week_before is not None else YOUNG_P
        return self.p < limit and all(
            tail(self.n, max(float(c), FLOOR * self.hours)) < CONFIRM_P
            for c in (self.day_before, self.week_before)
            if c is not None
        )

    @property
    def ratio(self) -> float:
        return self.n / self.baseline


def needed(hour: int) -> list[int]:
    """The hours a test of `hour` reads: its windows and theirs on the days before."""
    return [hour - 24 * d - i for d in range(HISTORY_DAYS + 1) for i in range(max(WIDTHS))]


def test(
    hour: int, counts: Mapping[int, int], first_hour: int | None, hours: int = 1
) -> Test | None:
    """Test the `hours` ending with `hour` against `counts` (hour → mentions; a missing
    hour had none), whose history starts at `first_hour`; None when there is too little
    history to judge."""
    if first_hour is None:
        return None

    def window(last: int) -> int:
        return sum(counts.get(last - i, 0) for i in range(hours))

    def known(last: int) -> bool:
        return last - hours + 1 >= first_hour

    before = [h for h in (hour - 24 * d for d in range(1, HISTORY_DAYS + 1)) if known(h)]
    if len(before) < MIN_DAYS:
        return None
    # The mean of every day undercounts a weekday by the weekend's quiet (~10%, many
    # false alarms at 100/h): the same weekday's mean, where known, is a floor too.
    weekdays = [h for h in before if (hour - h) % 168 == 0]
    same_day = sum(window(h) for h in weekdays) / len(weekdays) if weekdays else 0.0
    lam = max(FLOOR * hours, sum(window(h) for h in before) / len(before), same_day)
    n = window(hour)
    day, week = hour - 24, hour - 168
    return Test(
        hour,
        hours,
        n,
        lam,
        len(before),
        tail(n, lam),
        window(day) if known(day) else None,
        window(week) if known(week) else None,
    )


def judge(hour: int, counts: Mapping[int, int], first_hour: int | None) -> Test | None:
    """The hour's verdict: the window that makes it a spike (the surest), else its
    one-hour test; None when it cannot be tested yet."""
    tests = [t for w in WIDTHS if (t := test(hour, counts, first_hour, w)) is not None]
    found = [t for t in tests if t.spike]
    if found:
        return min(found, key=lambda t: t.p)
    return tests[0] if tests else None


def spikes(hours: Iterable[int], counts: Mapping[int, int], first_hour: int | None) -> list[Test]:
    """The spike hours among `hours`, oldest first."""
    found = (judge(h, counts, first_hour) for h in hours)
    return [t for t in found if t is not None and t.spike]


def events(found: Iterable[Test]) -> list[list[Test]]:
    """Spike hours grouped into events: hours at most GAP apart are one burst (an
    outage that lasts four hours is one event of four hours)."""
    grouped: list[list[Test]] = []
    for t in sorted(found, key=lambda t: t.hour):
        if grouped and t.hour - grouped[-1][-1].hour <= GAP:
            grouped[-1].append(t)
        else:
            grouped.append([t])
    return grouped
