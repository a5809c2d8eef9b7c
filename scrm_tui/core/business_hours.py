"""Business hours (`[team] hours = "Mon-Fri 09:00-17:00"`) and time counted within them.

The team's response times are counted in business hours when they are set: a
mention that arrives on Friday at 16:30 and is answered on Monday at 09:30 waited one
business hour, not 65. Days are the team's own (`[team] timezone`, else the system's), so
a change of summer time moves nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(
    r"^\s*(?P<days>[a-z]{3}(?:\s*-\s*[a-z]{3})?(?:\s*,\s*[a-z]{3}(?:\s*-\s*[a-z]{3})?)*)"
    r"\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$",
    re.IGNORECASE,
)


class HoursError(ValueError):
    """A spec that cannot be read; the message says what is accepted."""


@dataclass(frozen=True)
class BusinessHours:
    weekdays: frozenset[int]  # 0 Monday … 6 Sunday
    start: time
    end: time

    @property
    def per_day_s(self) -> float:
        return (
            datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)
        ).total_seconds()

    def elapsed_s(self, start_ms: int, end_ms: int, zone: tzinfo) -> float:
        """Seconds of business time in [start, end) on the team's clock (`zone`): 0 when
        end is not after start."""
        if end_ms <= start_ms:
            return 0.0
        first = datetime.fromtimestamp(start_ms / 1000, UTC).astimezone(zone)
        last = datetime.fromtimestamp(end_ms / 1000, UTC).astimezone(zone)
        total = 0.0
        day = first.date()
        while day <= last.date():
            if day.weekday() in self.weekdays:
                opens = datetime.combine(day, self.start, zone)
                closes = datetime.combine(day, self.end, zone)
                low, high = max(opens, first), min(closes, last)
                if high > low:
                    total += (high - low).total_seconds()
            day += timedelta(days=1)
        return total

    def __str__(self) -> str:
        days = ",".join(DAYS[d].capitalize() for d in sorted(self.weekdays))
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}"


def parse_hours(spec: str) -> BusinessHours:
    """`Mon-Fri 09:00-17:00`, `Mon,Wed,Fri 10:00-14:00`, `Sun-Thu 08:00-16:30`."""
    found = _SPEC.match(spec)
    if not found:
        raise HoursError(
            f'{spec!r} is not business hours like "Mon-Fri 09:00-17:00" '
            "(days, then opening-closing times)"
        )
    weekdays: set[int] = set()
    for part in found["days"].lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise HoursError(f"{spec!r}: days are {', '.join(d.capitalize() for d in DAYS)}")
        a, b = DAYS.index(first), DAYS.index(last or first)
        span = range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]
        weekdays.update(span)
    try:
        opens = time.fromisoformat(found["start"].zfill(5))
        closes = time.fromisoformat(found["end"].zfill(5))
    except ValueError:
        raise HoursError(f"{spec!r}: times are HH:MM from 00:00 to 23:59") from None
    if closes <= opens:
        raise HoursError(f"{spec!r}: closing must come after opening, on the same day")
    return BusinessHours(frozenset(weekdays), opens, closes)
