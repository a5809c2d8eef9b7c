"""What a customer's history says about them: advocacy and the sentiment trend."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from scrm_tui.core.models import NEUTRAL_BAND

WEEK_MS = 7 * 86_400_000
MIN_VOICES = 3  # fewer scored contacts than this say too little to label anyone


class Stance(StrEnum):
    ADVOCATE = "advocate"
    DETRACTOR = "detractor"
    MIXED = "mixed"
    QUIET = "too few contacts"


def stance(scores: Sequence[float]) -> Stance:
    """Advocate or detractor from the compound scores of everything they said.

    An advocate is mostly positive and rarely negative; a detractor is negative on
    balance or often enough to matter. Recent and old count the same: this is
    about the relationship, the trend line shows the direction.
    """
    return stance_of(
        len(scores),
        sum(1 for s in scores if s >= NEUTRAL_BAND),
        sum(1 for s in scores if s <= -NEUTRAL_BAND),
        sum(scores),
    )


def stance_of(count: int, positives: int, negatives: int, total: float) -> Stance:
    """`stance` from its tallies, which a store can sum without reading every score."""
    if count < MIN_VOICES:
        return Stance.QUIET
    positive = positives / count
    negative = negatives / count
    mean = total / count
    if negative >= 0.5 or mean <= -0.15:
        return Stance.DETRACTOR
    if positive >= 0.6 and negative <= 0.2 and mean >= 0.15:
        return Stance.ADVOCATE
    return Stance.MIXED


DAY_MS = 86_400_000


def mood_trend(points: Sequence[tuple[int, float]], now_ms: int) -> tuple[list[float], str]:
    """The trend to draw and what one step is: weeks (last 12) for a long history, days
    (last 14) for a young one, which would otherwise be one bar in a flat line."""
    oldest = min((at for at, _ in points), default=now_ms)
    steps, step_ms, label = trend_scale(oldest, now_ms)
    return weekly_trend(points, now_ms, steps, step_ms), label


def trend_scale(oldest_ms: int | None, now_ms: int) -> tuple[int, int, str]:
    """How many steps of what length the trend shows, and its label, for a history
    whose oldest scored item is `oldest_ms` (None: nothing scored)."""
    if oldest_ms is not None and now_ms - oldest_ms >= 4 * WEEK_MS:
        return 12, WEEK_MS, "mood by week, last 12"
    return 14, DAY_MS, "mood by day, last 14"


def weekly_trend(
    points: Sequence[tuple[int, float]], now_ms: int, weeks: int = 12, step_ms: int = WEEK_MS
) -> list[float]:
    """Mean compound per week (or `step_ms`) for the last `weeks` steps, oldest first;
    a silent step repeats the last known mood (0 before anything was said)."""
    steps: dict[int, tuple[float, int]] = {}
    for at_ms, score in points:
        age = (now_ms - at_ms) // step_ms
        if 0 <= age < weeks:
            total, count = steps.get(age, (0.0, 0))
            steps[age] = (total + score, count + 1)
    return trend_of(steps, weeks)


def trend_of(steps: dict[int, tuple[float, int]], weeks: int) -> list[float]:
    """The trend from (sum, count) per step, keyed by steps ago (0 the newest), oldest
    first; a silent step repeats the last known mood (0 before anything was said)."""
    trend: list[float] = []
    last = 0.0
    for ago in range(weeks - 1, -1, -1):
        total, count = steps.get(ago, (0.0, 0))
        last = total / count if count else last
        trend.append(last)
    return trend
