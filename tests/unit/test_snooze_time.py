"""`z` reads when a snooze ends as an agent types it, in their own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrm_tui.core.snooze_time import SnoozeTimeError, describe, parse_until

BERLIN = ZoneInfo("Europe/Berlin")
# A Thursday afternoon in Berlin.
NOW = datetime(2026, 12, 3, 15, 30, tzinfo=BERLIN)


def until(text: str, now: datetime = NOW, day_start: int = 9) -> datetime:
    return parse_until(text, now, day_start=day_start)


@pytest.mark.parametrize(
    ("typed", "wall_clock"),
    [
        ("2h", datetime(2026, 12, 3, 17, 30)),
        ("30m", datetime(2026, 12, 3, 16, 0)),
        ("3d", datetime(2026, 12, 6, 15, 30)),
        ("1w", datetime(2026, 12, 10, 15, 30)),
        ("1h30m", datetime(2026, 12, 3, 17, 0)),
        ("in 2 hours", datetime(2026, 12, 3, 17, 30)),
        ("  45 min ", datetime(2026, 12, 3, 16, 15)),
        ("tomorrow 9:00", datetime(2026, 12, 4, 9, 0)),
        ("tomorrow", datetime(2026, 12, 4, 9, 0)),
        ("Tomorrow 5pm", datetime(2026, 12, 4, 17, 0)),
        ("today 17:00", datetime(2026, 12, 3, 17, 0)),
        ("mon", datetime(2026, 12, 7, 9, 0)),
        ("Monday", datetime(2026, 12, 7, 9, 0)),
        ("next mon 14:30", datetime(2026, 12, 7, 14, 30)),
        ("thu", datetime(2026, 12, 10, 9, 0)),  # today is Thursday: next week's
        ("fri 9 am", datetime(2026, 12, 4, 9, 0)),
        ("2026-12-24 9:00", datetime(2026, 12, 24, 9, 0)),
        ("2026-12-24T18:45", datetime(2026, 12, 24, 18, 45)),
        ("2026-12-24", datetime(2026, 12, 24, 9, 0)),
        ("17:00", datetime(2026, 12, 3, 17, 0)),  # still ahead today
        ("9:00", datetime(2026, 12, 4, 9, 0)),  # gone today: tomorrow's
        ("9am", datetime(2026, 12, 4, 9, 0)),
        ("12pm", datetime(2026, 12, 4, 12, 0)),
        ("12am", datetime(2026, 12, 4, 0, 0)),
    ],
)
def test_what_agents_type(typed: str, wall_clock: datetime) -> None:
    moment = until(typed)
    assert moment.tzinfo is not None
    assert moment.astimezone(BERLIN).replace(tzinfo=None) == wall_clock


def test_a_day_without_a_time_starts_at_the_configured_hour() -> None:
    assert until("mon", day_start=8).astimezone(BERLIN).hour == 8
    assert until("tomorrow", day_start=0).astimezone(BERLIN).hour == 0


def test_the_zone_is_the_agents() -> None:
    """`mon` is Monday 09:00 where the agent is: another instant in Tokyo."""
    tokyo = NOW.astimezone(ZoneInfo("Asia/Tokyo"))
    in_tokyo = until("mon", now=tokyo)
    assert in_tokyo.astimezone(ZoneInfo("Asia/Tokyo")).hour == 9
    assert until("mon").astimezone(UTC) - in_tokyo.astimezone(UTC) == timedelta(hours=8)


def test_days_keep_the_wall_clock_and_hours_keep_elapsed_time_across_a_clock_change() -> None:
    """Summer time ends in Berlin on 25 Oct 2026 at 03:00 (clocks go back an hour)."""
    before = datetime(2026, 10, 24, 10, 0, tzinfo=BERLIN)
    assert until("1d", now=before).astimezone(BERLIN).replace(tzinfo=None) == datetime(
        2026, 10, 25, 10, 0
    )
    assert until("24h", now=before).astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=24)
    assert until("24h", now=before).astimezone(BERLIN).hour == 9


def test_a_time_the_clock_skips_is_read_an_hour_later() -> None:
    """Clocks jump from 02:00 to 03:00 on 29 Mar 2026 in Berlin."""
    night = datetime(2026, 3, 28, 20, 0, tzinfo=BERLIN)
    moment = until("tomorrow 2:30", now=night)
    assert moment.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)


@pytest.mark.parametrize(
    ("typed", "says", "column"),
    [
        ("banana", "'banana' is not a time I know", 1),
        ("tomorow 9", "'tomorow' is not a time I know", 1),
        ("2h foo", "'foo' is not a time I know", 4),
        ("mon 25:00", "25:00 is not a time of day", 5),
        ("mon 9 bananas", "'bananas' is not a time I know", 7),
        ("13pm", "13pm is not a time of day (1-12 before am or pm)", 1),
        ("2026-02-30", "2026-02-30 is not a date: day is out of range for month", 1),
        ("2026-13-01 9:00", "2026-13-01 is not a date", 1),
        ("9", "9 what? 9h for hours, 9:00 for a time", 1),
        ("today", "today needs a time", 1),
        ("2026-12-24 9:61", "9:61 is not a time of day", 12),
    ],
)
def test_a_bad_value_says_what_and_where(typed: str, says: str, column: int) -> None:
    with pytest.raises(SnoozeTimeError) as error:
        until(typed)
    assert says in str(error.value)
    assert f"(at column {column})" in str(error.value)
    assert error.value.position == column - 1


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "say until when"),
        ("   ", "say until when"),
        ("0m", "is not in the future"),
        ("2025-01-01", "is not in the future"),
        ("today 9:00", "is not in the future"),
        ("2027-12-24", "more than a year away"),
        ("99999999999d", "more than a year away"),
    ],
)
def test_the_past_and_the_far_future_are_refused(typed: str, says: str) -> None:
    with pytest.raises(SnoozeTimeError, match=says):
        until(typed)


@given(st.integers(min_value=1, max_value=24 * 365), st.sampled_from(["h", "hours", " hr"]))
def test_hours_are_exactly_that_much_later(hours: int, unit: str) -> None:
    assert until(f"{hours}{unit}").astimezone(UTC) - NOW.astimezone(UTC) == timedelta(hours=hours)


@given(st.text(max_size=30))
def test_anything_typed_is_a_moment_ahead_or_a_clear_error(typed: str) -> None:
    try:
        moment = until(typed)
    except SnoozeTimeError as error:
        assert str(error)
    else:
        assert NOW.astimezone(UTC) < moment.astimezone(UTC) <= NOW + timedelta(days=366)


def test_what_it_understood_is_said_in_words() -> None:
    assert describe(until("mon"), NOW) == "Mon 7 Dec 09:00 (in 3d 17h)"
    assert describe(until("2h"), NOW) == "Thu 3 Dec 17:30 (in 2h)"
    assert describe(until("2026-12-31 23:59"), NOW) == "Thu 31 Dec 23:59 (in 28d 8h)"
    assert describe(until("2027-01-02"), NOW) == "Sat 2 Jan 2027 09:00 (in 29d 17h)"
    assert describe(NOW - timedelta(minutes=1), NOW).endswith("(due)")
