"""The 7-day volume forecast ("What is coming"): on known series it says what a person
would (a constant stays constant, a week's cycle comes round again), with too little
history it says so and shows unknown, its interval covers what came, and on a real
database its history and its "period before" are what the mentions say."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest

from scrm_tui.core import smoothing
from scrm_tui.core.query import parse
from scrm_tui.core.ranges import DAY_MS, HOUR_MS, parse_range
from scrm_tui.service import report
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.report_format import render
from scrm_tui.store.db import fetch_one
from tests.conftest import NOW, mention
from tools.gen_demo_forecast import poisson

# The figures are the same on either engine: each test that opens an inbox runs on both.
pytestmark = pytest.mark.both_engines

WEEK = (100, 110, 105, 120, 90, 40, 30)  # a working week, then a quiet weekend


def test_a_constant_volume_is_forecast_constant_with_no_spread() -> None:
    found = smoothing.forecast([50] * 28)
    assert found is not None
    assert found.mean == pytest.approx((50,) * 7)
    assert found.total == pytest.approx(350)
    # Every past error was 0: nothing to spread the interval.
    assert (found.total_low, found.total_high) == pytest.approx((350, 350))
    assert found.low == pytest.approx((50,) * 7) and found.high == pytest.approx((50,) * 7)


def test_a_weekly_cycle_comes_round_again() -> None:
    history = list(WEEK) * 6 + list(WEEK[:3])  # ends on a Wednesday-like day
    found = smoothing.forecast(history)
    assert found is not None
    following = [WEEK[(len(history) + h) % 7] for h in range(7)]
    assert found.mean == pytest.approx(following)
    assert found.total == pytest.approx(sum(WEEK))


def test_a_lasting_change_is_followed_and_a_one_day_burst_is_not() -> None:
    step = smoothing.forecast([50] * 21 + [100] * 14)
    assert step is not None and step.mean == pytest.approx((100,) * 7, rel=0.05)
    burst = smoothing.forecast([50] * 27 + [400] + [50] * 2)
    assert burst is not None and burst.mean == pytest.approx((50,) * 7, rel=0.1)
    assert burst.total_high > 350  # the interval still knows bursts happen


def test_too_little_history_is_unknown() -> None:
    assert smoothing.forecast([50] * 13) is None
    assert smoothing.forecast([50] * 14) is not None


def test_the_interval_covers_about_as_often_as_it_says() -> None:
    """Rolling origins over a noisy year (a weekly cycle, a trend, Poisson noise): the
    80% interval holds the day that came in 70 to 90 days out of 100."""
    rng = random.Random(7)
    year = [poisson(rng, WEEK[d % 7] * (1 + d / 365)) for d in range(365)]
    inside = total = 0
    for origin in range(56, 365 - 7, 3):
        found = smoothing.forecast(year[origin - 56 : origin], seed=origin)
        assert found is not None
        for h in range(7):
            inside += found.low[h] <= year[origin + h] <= found.high[h]
            total += 1
    assert 0.7 <= inside / total <= 0.9


def _day_posts(days: int, per_day: int, first: int = 0) -> list:  # type: ignore[type-arg]
    """`per_day` mentions in each of the `days` 24-hour spans before NOW's hour."""
    return [
        mention(first + d * per_day + k, f"Kestrel day {d} post {k}", minutes_ago=d * 1440 + 30 + k)
        for d in range(days)
        for k in range(per_day)
    ]


async def _count(box: Inbox, start_ms: int, end_ms: int) -> int:
    """Mentions posted in [start, end), from the mentions table alone."""
    row = await fetch_one(
        box.db.reader,
        "SELECT count(*) FROM mentions WHERE created_ms >= ? AND created_ms < ?",
        (start_ms, end_ms),
    )
    assert row is not None
    return int(row[0])


async def test_the_forecast_on_a_database_is_what_the_mentions_say(inbox: Inbox) -> None:
    await inbox.ingest(_day_posts(21, 20))
    period = parse_range("7d", inbox.now_ms())
    built = await report.build(inbox.db, period, now_ms=inbox.now_ms())
    coming = built.section("forecast")
    week, day = coming.figures
    end = inbox.now_ms() // HOUR_MS * HOUR_MS  # the hour under way is not over
    # The period before is the mentions of the last 7 days and the last day, counted here.
    assert week.previous == await _count(inbox, end - 7 * DAY_MS, end) == 140
    assert day.previous == await _count(inbox, end - DAY_MS, end) == 20
    # Twenty a day for three weeks: twenty a day to come, and nothing to spread it.
    assert (week.value, week.interval) == (140, (140, 140))
    assert (day.value, day.interval) == (20, (20, 20))
    assert week.shown() == "140" and week.interval_shown() == "140–140"
    # Enter opens the history it learned from: whole days after the first mention's (in
    # which listening may have begun), here the last 20.
    assert dict(week.inputs)["days of history"].startswith("20 ")
    assert week.filter is not None
    assert await inbox.count(parse(week.filter)) == await _count(inbox, end - 20 * DAY_MS, end)
    [series] = coming.series
    assert series.values == pytest.approx((20,) * 7)
    assert series.starts_ms == tuple(end + h * DAY_MS for h in range(7))
    assert series.previous == (20,) * 7
    text = render(built, "text")
    assert "Next 7 days" in text and "(80% interval 140–140)" in text


async def test_with_less_than_two_weeks_it_says_so_and_shows_unknown(inbox: Inbox) -> None:
    await inbox.ingest(_day_posts(10, 5))
    built = await report.build(inbox.db, parse_range("7d", inbox.now_ms()))
    week, day = built.section("forecast").figures
    assert week.value is None and day.value is None and week.shown() == "—"
    assert week.interval is None
    assert "too little history" in week.note and "there are 9" in week.note
    assert "—" in render(built, "text").split("Next 7 days")[1].splitlines()[0]
    json_figure = next(
        f
        for s in json.loads(render(built, "json"))["sections"]
        for f in s["figures"]
        if f["key"] == "forecast.next_7_days"
    )
    assert json_figure["value"] is None and json_figure["interval"] is None


async def test_a_past_range_shows_what_was_coming_after_it(inbox: Inbox) -> None:
    """A custom range forecasts from its end: the days after it are not in the history."""
    await inbox.ingest(_day_posts(30, 4))
    start = (NOW - timedelta(days=20)).strftime("%Y-%m-%dT%H:00")
    stop = (NOW - timedelta(days=6)).strftime("%Y-%m-%dT%H:00")
    period = parse_range(f"{start}..{stop}", inbox.now_ms())
    built = await report.build(inbox.db, period, now_ms=inbox.now_ms())
    week, _ = built.section("forecast").figures
    assert week.previous == await _count(inbox, period.end_ms - 7 * DAY_MS, period.end_ms)
    assert week.value == 28
    days = int(dict(week.inputs)["days of history"].split()[0])
    assert days == 23  # 29 days and an hour after the first mention, less the 6 after it
    assert await inbox.count(parse(week.filter or "")) == await _count(
        inbox, period.end_ms - days * DAY_MS, period.end_ms
    )


async def test_the_volume_chart_carries_the_period_before(inbox: Inbox) -> None:
    await inbox.ingest(_day_posts(20, 3) + _day_posts(3, 7, first=5000))
    for name in ("24h", "7d"):
        period = parse_range(name, inbox.now_ms())
        built = await report.build(inbox.db, period)
        volume, net = built.section("awareness").series
        before = period.previous()
        assert volume.previous is not None and len(volume.previous) == len(volume.values)
        assert sum(v or 0 for v in volume.previous) == await _count(
            inbox, before.start_ms, before.end_ms
        )
        assert net.signed and not volume.signed
