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
    if len(scores) < MIN_VOICES:
        return Stance.QUIET
    positive = sum(1 for s in scores if s >= NEUTRAL_BAND) / len(scores)
    negative = sum(1 for s in scores if s <= -NEUTRAL_BAND) / len(scores)
    mean = sum(scores) / len(scores)
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
    if now_ms - oldest >= 4 * WEEK_MS:
        return weekly_trend(points, now_ms, 12), "mood by week, last 12"
    return weekly_trend(points, now_ms, 14, DAY_MS), "mood by day, last 14"


def weekly_trend(
    points: Sequence[tuple[int, float]], now_ms: int, weeks: int = 12, step_ms: int = WEEK_MS
) -> list[float]:
    """Mean compound per week (or `step_ms`) for the last `weeks` steps, oldest first;
    a silent step repeats the last known mood (0 before anything was said)."""
    sums = [0.0] * weeks
    counts = [0] * weeks
    for at_ms, score in points:
        age = (now_ms - at_ms) // step_ms
        if 0 <= age < weeks:
            slot = weeks - 1 - age
            sums[slot] += score
            counts[slot] += 1
    trend: list[float] = []
    last = 0.0
    for total, count in zip(sums, counts, strict=True):
        last = total / count if count else last
        trend.append(last)
    return trend
