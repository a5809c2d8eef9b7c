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
