"""Ages in the list stay three characters wide and read naturally."""

from __future__ import annotations

import pytest

from scrm_tui.core.timefmt import age, iso_from_ms, parse_iso, to_ms

NOW = 1_800_000_000_000


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "now"),
        (-30, "now"),
        (42, "42s"),
        (300, "5m"),
        (3 * 3600, "3h"),
        (2 * 86400, "2d"),
        (20 * 86400, "2w"),
        (400 * 86400, "1y"),
        (10**6 * 86400, "99y"),
    ],
)
def test_age(seconds: int, shown: str) -> None:
    assert age(NOW, NOW - seconds * 1000) == shown


def test_round_trip_iso() -> None:
    ms = to_ms(parse_iso("2026-11-20T14:03:11.250+01:00"))
    assert iso_from_ms(ms) == "2026-11-20T13:03:11.250Z"
    assert parse_iso("2026-11-20T14:03:11").utcoffset().total_seconds() == 0


def test_a_networks_time_stamp_is_read_in_utc_or_is_none() -> None:
    from datetime import UTC, datetime, timedelta

    from scrm_tui.core.timefmt import iso_or_none

    noon = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert iso_or_none("2026-03-01T12:00:00Z") == noon  # Bluesky, GitHub
    assert iso_or_none("2026-03-01T12:00:00.123456") == noon + timedelta(microseconds=123456)
    assert iso_or_none("2026-03-01T13:00:00+01:00") == noon  # Lemmy 0.19
    assert iso_or_none("1970-01-01T00:00:00Z") == datetime(1970, 1, 1, tzinfo=UTC)  # a floor
    for broken in (None, "", "yesterday", 1_700_000_000, "0001-01-01T00:00:00+01:00"):
        assert iso_or_none(broken) is None, broken
