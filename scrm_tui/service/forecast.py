"""The dashboard's "What is coming": the next 7 days' mentions of the brand, with an
interval, forecast from the daily volume the hourly rollups already hold.

Days are the 24-hour spans that end at the last whole hour before now (the hour under
way is not over), so every day of history is complete and the forecast's days follow
on from it. The model and its interval are core/smoothing.py's.
"""

from __future__ import annotations

from scrm_tui.core import smoothing
from scrm_tui.core.figures import Figure, Section, Series
from scrm_tui.core.ranges import DAY_MS, HOUR_MS, Range
from scrm_tui.service.measures import BRAND, BRAND_FILTER, Settings
from scrm_tui.store import forecast as store
from scrm_tui.store import rollups
from scrm_tui.store.conn import Connection

HISTORY_DAYS = 12 * 7  # enough weeks to learn the cycle, few enough to follow change

FORMULA = (
    "exponential smoothing of the brand's mentions per day with a weekly season "
    "(additive Holt-Winters, no trend: a level and 7 day offsets, weights α and γ "
    "chosen for the least one-day error over the history)"
)
INTERVAL = (
    f"{smoothing.COVERAGE:.0%} interval: the 10th to 90th percentile of "
    f"{smoothing.PATHS:,} simulated weeks, each day's error drawn from the history's "
    "own one-day errors"
)


async def section(conn: Connection, period: Range, settings: Settings, now_ms: int) -> Section:
    """Forecast from the end of the range, or from now if that comes first: a past
    range shows what was coming after it."""
    end = min(now_ms, period.end_ms) // HOUR_MS * HOUR_MS
    hour = await rollups.first_hour(conn, BRAND)
    first = None if hour is None else hour * HOUR_MS
    # The first day holds the first mention, and listening may have begun within it.
    have = 0 if first is None else max(0, (end - first) // DAY_MS)
    count = min(have, HISTORY_DAYS)
    history = await store.days(conn, BRAND, end, count) if count else []
    found = smoothing.forecast(history)
    learned = Range(end - count * DAY_MS, end, "history")
    where = learned.filter(BRAND_FILTER) if count else None
    last_week = sum(history[-7:]) if count >= 7 else None
    starts = tuple(end + h * DAY_MS for h in range(smoothing.HORIZON))
    inputs = (
        ("days of history", f"{count:,} (24 hours each, to {learned.describe().split(' – ')[1]})"),
        *(
            (
                ("α (level), γ (week)", f"{found.alpha:g}, {found.gamma:g}"),
                ("one-day errors drawn from", f"{found.errors:,}"),
            )
            if found is not None
            else ()
        ),
    )
    short = (
        ""
        if found is not None
        else f"too little history: a forecast needs {smoothing.MIN_HISTORY} whole days, "
        f"there {'is' if count == 1 else 'are'} {count}"
    )
    figures = (
        Figure(
            "forecast.next_7_days",
            "Next 7 days",
            None if found is None else round(found.total),
            last_week,
            formula=f"Σ of the next 7 days' forecasts: {FORMULA}; {INTERVAL}; "
            "the period before is the last 7 days' mentions",
            inputs=inputs,
            filter=where,
            estimated=True,
            note=short,
            interval=None if found is None else (found.total_low, found.total_high),
        ),
        Figure(
            "forecast.next_day",
            "Next 24 hours",
            None if found is None else round(found.mean[0]),
            history[-1] if count else None,
            formula=f"the next day's forecast: {FORMULA}; {INTERVAL}; "
            "the period before is the last 24 hours' mentions",
            inputs=inputs,
            filter=where,
            estimated=True,
            interval=None if found is None else (found.low[0], found.high[0]),
        ),
    )
    series = Series(
        "forecast.volume",
        "Forecast mentions",
        starts,
        (None,) * len(starts) if found is None else found.mean,
        previous=tuple(float(v) for v in history[-7:]) if count >= 7 else None,
        low=None if found is None else found.low,
        high=None if found is None else found.high,
    )
    notes = (short,) if short else ()
    return Section("forecast", "What is coming", figures, (series,), (), notes)
