"""Report ranges: 24 h, 7 d, 30 d, 90 d or custom, each against the period before it.

A range ends at the next whole hour (UTC) after now, so the current hour is in it and
every figure read from the hourly rollups counts exactly the mentions an inbox filter
`after:START before:END` shows: the same records, never an hour more or less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrm_tui.core.timefmt import TimestampError, from_ms, parse_iso, to_ms

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS

PRESETS: dict[str, int] = {"24h": 24, "7d": 7 * 24, "30d": 30 * 24, "90d": 90 * 24}
_CUSTOM = re.compile(r"^\s*(\S+)\s*\.\.\s*(\S+)\s*$")


class RangeError(ValueError):
    """A range that cannot be read; the message says what is accepted."""


@dataclass(frozen=True)
class Range:
    """[start_ms, end_ms), both on whole hours (UTC)."""

    start_ms: int
    end_ms: int
    name: str  # "7d", or "2026-11-01..2026-11-30" for a custom one

    @property
    def hours(self) -> int:
        return (self.end_ms - self.start_ms) // HOUR_MS

    def previous(self) -> Range:
        """The period of the same length that ends where this one starts."""
        length = self.end_ms - self.start_ms
        return Range(self.start_ms - length, self.start_ms, f"before {self.name}")

    def filter(self, watch: str | None = None) -> str:
        """The inbox filter for exactly these mentions (`after:` is ≥, `before:` is <;
        `is:any`: the snoozed too, as every figure counts them); `watch`: of that watch
        set only (`brand`, a competitor's name)."""
        within = f"watch:{watch} " if watch else ""
        return f"after:{_stamp(self.start_ms)} before:{_stamp(self.end_ms)} {within}is:any"

    def describe(self) -> str:
        """`30 Nov 06:00 – 7 Dec 06:00 UTC`."""
        return f"{_day(self.start_ms)} – {_day(self.end_ms)} UTC"


def _stamp(ms: int) -> str:
    return from_ms(ms).strftime("%Y-%m-%dT%H:%M")


def _day(ms: int) -> str:
    moment = from_ms(ms)
    return f"{moment.day} {moment.strftime('%b')} {moment.strftime('%H:%M')}"


def next_hour(now_ms: int) -> int:
    """The end of the current hour: a range ending here includes what arrived just now."""
    return (now_ms // HOUR_MS + 1) * HOUR_MS


def parse_range(text: str, now_ms: int) -> Range:
    """`24h`, `7d`, `30d`, `90d`, or `START..END` (UTC dates or date-times, END excluded;
    a date alone as END means the end of that day)."""
    name = text.strip().lower()
    if name in PRESETS:
        end = next_hour(now_ms)
        return Range(end - PRESETS[name] * HOUR_MS, end, name)
    custom = _CUSTOM.match(text)
    if not custom:
        raise RangeError(
            f"range {text!r}: use 24h, 7d, 30d, 90d, or START..END (e.g. 2026-11-01..2026-11-30)"
        )
    first, last = custom.groups()
    try:
        start = to_ms(parse_iso(first))
        end = to_ms(parse_iso(last))
    except TimestampError as error:
        raise RangeError(f"range {text!r}: {error}") from None
    if "T" not in last.upper():
        end += DAY_MS  # a date names the whole day: 01..30 is 1 Nov to the end of 30 Nov
    start -= start % HOUR_MS
    end = -(-end // HOUR_MS) * HOUR_MS
    if end <= start:
        raise RangeError(f"range {text!r}: the end must come after the start")
    return Range(start, end, f"{first}..{last}")
