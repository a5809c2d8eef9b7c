"""Backtest of the 7-day volume forecast (core/smoothing.py) against naive baselines.

Rolling origin: at every day with at least 14 days behind it and 7 ahead, forecast the
next 7 days from the (at most 84) days before, and compare with what came. Printed per
series: MAPE of the days (days with mentions), MASE (mean absolute error over the
seasonal naive's in-sample one-day error, Hyndman's scale), the error of the week's
total, and how often the 80% intervals held the day and the week that came.

    .venv/bin/python bench/forecast_bench.py

Series: the demo as seeded (its 14 days after the forecast's five weeks), the demo's
own 14 days as targets (the outage, the release, the price rise), and a synthetic year
(seeded: a weekly cycle, a trend, noise and six bursts).
"""

from __future__ import annotations

import json
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrm_tui.core import smoothing  # noqa: E402
from scrm_tui.service.forecast import HISTORY_DAYS  # noqa: E402
from tools.gen_demo_forecast import poisson  # noqa: E402

FIXTURES = ROOT / "scrm_tui" / "fixtures"
H = smoothing.HORIZON
Method = Callable[[Sequence[float]], list[float]]


def naive(history: Sequence[float]) -> list[float]:
    """Tomorrow and every day after like today."""
    return [history[-1]] * H


def seasonal_naive(history: Sequence[float]) -> list[float]:
    """Each day like the same day last week."""
    return [history[-7 + h] for h in range(H)]


def smoothed(history: Sequence[float]) -> list[float]:
    found = smoothing.forecast(history)
    assert found is not None
    return list(found.mean)


def demo_days() -> tuple[list[float], int]:
    """Mentions per 24 hours ending at the demo's reference time, oldest first, from
    every demo file; and where mentions.jsonl (the demo's own 14 days) begins."""
    reference = json.loads((FIXTURES / "demo.json").read_text())["reference_time"]
    end = datetime.fromisoformat(reference.replace("Z", "+00:00")).timestamp()
    counts: dict[int, int] = {}
    own_first = 0.0
    for path in sorted(FIXTURES.glob("mentions*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            at = datetime.fromisoformat(json.loads(line)["created_at"].replace("Z", "+00:00"))
            back = int((end - at.timestamp()) // 86400)
            counts[back] = counts.get(back, 0) + 1
            if path.name == "mentions.jsonl":
                own_first = max(own_first, back)
    # The oldest span holds the first mention and may be a part day: left out.
    oldest = max(counts) - 1
    days = [float(counts.get(b, 0)) for b in range(oldest, -1, -1)]
    return days, int(own_first) + 1


def synthetic_year(seed: int = 2026) -> list[float]:
    rng = random.Random(seed)
    week = (1.0, 1.1, 1.05, 1.15, 0.95, 0.45, 0.35)
    bursts = {rng.randrange(30, 360): rng.uniform(2, 4) for _ in range(6)}
    out = []
    for d in range(365):
        mean = 120 * week[d % 7] * (1 + 0.5 * d / 365) * math.exp(rng.gauss(0, 0.08))
        for start, size in bursts.items():
            if 0 <= d - start < 3:
                mean *= 1 + (size - 1) * 0.5 ** (d - start)  # a burst, then it fades
        out.append(float(poisson(rng, mean)))
    return out


def backtest(days: Sequence[float], first_target: int = smoothing.MIN_HISTORY) -> None:
    origins = range(max(smoothing.MIN_HISTORY, first_target), len(days) - H + 1)
    print(f"  {len(origins)} origins, {len(origins) * H} days forecast")
    results: dict[str, tuple[float, float, float]] = {}
    for name, method in (
        ("smoothing", smoothed),
        ("naive", naive),
        ("seasonal naive", seasonal_naive),
    ):
        apes, abs_errors, week_apes, scaled = [], [], [], []
        for t in origins:
            history = days[max(0, t - HISTORY_DAYS) : t]
            scale = statistics.fmean(
                abs(history[i] - history[i - 7]) for i in range(7, len(history))
            )
            guess = method(history)
            actual = days[t : t + H]
            for g, a in zip(guess, actual, strict=True):
                abs_errors.append(abs(g - a))
                scaled.append(abs(g - a) / scale if scale else math.nan)
                if a:
                    apes.append(abs(g - a) / a)
            week_apes.append(abs(sum(guess) - sum(actual)) / sum(actual))
        mape, mase, week = (
            statistics.fmean(apes) * 100,
            statistics.fmean(scaled),
            statistics.fmean(week_apes) * 100,
        )
        results[name] = (mape, mase, week)
        print(f"  {name:<15} MAPE {mape:5.1f}%   MASE {mase:4.2f}   week total error {week:5.1f}%")
    inside = weeks = total = 0
    cpu = time.process_time()
    for t in origins:
        found = smoothing.forecast(days[max(0, t - HISTORY_DAYS) : t], seed=t)
        assert found is not None
        actual = days[t : t + H]
        held = zip(found.low, actual, found.high, strict=True)
        inside += sum(lo <= a <= hi for lo, a, hi in held)
        weeks += found.total_low <= sum(actual) <= found.total_high
        total += 1
    cpu = (time.process_time() - cpu) / total * 1000
    print(
        f"  80% interval held the day {inside / total / H:.0%} of the time, "
        f"the week's total {weeks / total:.0%}; {cpu:.1f} ms CPU per forecast"
    )


def main() -> None:
    days, own = demo_days()
    print(f"demo as seeded: {len(days)} whole days (the last {own} the demo's own)")
    backtest(days)
    print("targets in the demo's own 14 days (the outage, the release, the price rise)")
    backtest(days, first_target=len(days) - own)
    print("synthetic year (seed 2026: weekly cycle, +50% trend, noise, 6 bursts)")
    backtest(synthetic_year())


if __name__ == "__main__":
    main()
