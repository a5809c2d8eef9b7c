"""A week's daily volume forecast: exponential smoothing with a weekly season, and an
interval drawn from simulated weeks that reuse the history's own one-day errors.

This is additive Holt-Winters without a trend (ETS(A,N,A)): a level and seven day
offsets, each nudged by every day's error (a burst's only up to a bound). The
interval is the bootstrap one (Hyndman & Athanasopoulos, Forecasting: Principles and
Practice, 5.5): many weeks are simulated forward, each day's error drawn from the
past one-day errors, and the interval is their 10th to 90th percentile. A few lines
of plain Python: statsmodels would add ~300 MB (scipy, pandas, numpy) and 1.3 s of
import for the same model.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

SEASON = 7  # days: the week's cycle
MIN_HISTORY = 2 * SEASON  # a first week to start the season, a second to learn errors
HORIZON = 7
COVERAGE = 0.8  # the interval's share: 10th to 90th percentile
PATHS = 2000  # simulated weeks
# Candidate smoothing weights; the pair with the least one-day squared error is used.
ALPHAS = (0.05, 0.1, 0.2, 0.3, 0.5)
GAMMAS = (0.05, 0.1, 0.2, 0.3)
CLIP = 2.5  # errors beyond this many σ move the level and the week no further


@dataclass(frozen=True)
class Forecast:
    """The next HORIZON days: each day's forecast and interval, and the week's total."""

    mean: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    total: float
    total_low: float
    total_high: float
    alpha: float
    gamma: float
    errors: int  # the past one-day errors the interval is drawn from


@dataclass(frozen=True)
class _Fit:
    level: float
    season: tuple[float, ...]  # offset of each position mod SEASON
    errors: tuple[float, ...]  # one-day errors, from the second week on
    sse: float


def _fit(values: Sequence[float], alpha: float, gamma: float) -> _Fit:
    level = sum(values[:SEASON]) / SEASON
    season = [v - level for v in values[:SEASON]]
    errors: list[float] = []
    scale: float | None = None  # a running mean absolute error
    for t in range(SEASON, len(values)):
        i = t % SEASON
        error = values[t] - (level + season[i])
        errors.append(error)
        used = error
        # A burst (an outage, a launch) is one day's news, not a new level: the update
        # takes an error clipped at CLIP × σ (robust Holt-Winters, Gelper, Fried & Croux
        # 2010); the interval still draws on the whole error.
        if scale is not None:
            # 1.25 × mean absolute error ≈ σ; never below a count's own noise (√level),
            # or a quiet history would never let a lasting change in.
            bound = CLIP * max(1.25 * scale, math.sqrt(max(level, 1.0)))
            used = max(-bound, min(bound, error))
            scale = 0.9 * scale + 0.1 * abs(used)
        elif len(errors) == SEASON:
            scale = sum(abs(e) for e in errors) / SEASON
        level += alpha * used
        season[i] += gamma * used
    return _Fit(level, tuple(season), tuple(errors), sum(e * e for e in errors))


def forecast(values: Sequence[float], *, seed: int = 0) -> Forecast | None:
    """The next HORIZON days after `values` (one a day, oldest first); None with fewer
    than MIN_HISTORY days. The same history always gives the same interval (seeded)."""
    if len(values) < MIN_HISTORY:
        return None
    alpha, gamma = min(
        ((a, g) for a in ALPHAS for g in GAMMAS), key=lambda ag: _fit(values, *ag).sse
    )
    fit = _fit(values, alpha, gamma)
    n = len(values)
    mean = tuple(max(0.0, fit.level + fit.season[(n + h) % SEASON]) for h in range(HORIZON))
    rng = random.Random(seed)
    days: list[list[float]] = [[] for _ in range(HORIZON)]
    totals = []
    for _ in range(PATHS):
        level, season = fit.level, list(fit.season)
        total = 0.0
        for h in range(HORIZON):
            i = (n + h) % SEASON
            error = rng.choice(fit.errors)
            day = max(0.0, level + season[i] + error)  # a day never has fewer than none
            days[h].append(day)
            total += day
            level += alpha * error
            season[i] += gamma * error
        totals.append(total)
    tail = (1 - COVERAGE) / 2
    return Forecast(
        mean,
        tuple(quantile(d, tail) for d in days),
        tuple(quantile(d, 1 - tail) for d in days),
        sum(mean),
        quantile(totals, tail),
        quantile(totals, 1 - tail),
        alpha,
        gamma,
        len(fit.errors),
    )


def quantile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    at = q * (len(ordered) - 1)
    below = int(at)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (at - below)
