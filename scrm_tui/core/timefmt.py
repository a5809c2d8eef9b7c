"""Timestamps: parsing ISO 8601, epoch milliseconds, and compact ages for lists."""

from __future__ import annotations

from datetime import UTC, datetime

_MIN_YEAR = 1990
_MAX_YEAR = 2200


class TimestampError(ValueError):
    """A timestamp that cannot be used; the message says why in words."""


def parse_iso(value: str) -> datetime:
    """Parse ISO 8601 into an aware UTC datetime; a time without offset is UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise TimestampError("is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first representable time
        raise TimestampError("is out of range") from None
    if not _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        raise TimestampError(f"year {parsed.year} is outside {_MIN_YEAR}-{_MAX_YEAR}")
    return parsed


def iso_or_none(value: object) -> datetime | None:
    """A network's time stamp in UTC, or None where it is missing or not ISO 8601
    (Z or an offset, or none meaning UTC): the caller falls back, the mention is kept.
    Any year is taken (a cursor's floor may be 1970), unlike `parse_iso`."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def iso_from_ms(ms: int) -> str:
    """UTC ISO 8601 with a Z, seconds precision unless there are milliseconds."""
    moment = from_ms(ms)
    spec = "milliseconds" if ms % 1000 else "seconds"
    return moment.isoformat(timespec=spec).replace("+00:00", "Z")


_UNITS = ((365 * 86400, "y"), (7 * 86400, "w"), (86400, "d"), (3600, "h"), (60, "m"), (1, "s"))


def age(now_ms: int, then_ms: int) -> str:
    """At most three characters: 'now', '42s', '5m', '3h', '2d', '6w', '2y'."""
    seconds = (now_ms - then_ms) // 1000
    if seconds < 5:
        return "now"
    for size, unit in _UNITS:
        if seconds >= size:
            return f"{min(seconds // size, 99)}{unit}"
    return "now"


def ago(now_ms: int, then_ms: int) -> str:
    """`5m ago`, or `just now`."""
    when = age(now_ms, then_ms)
    return "just now" if when == "now" else f"{when} ago"


def absolute(ms: int) -> str:
    """A readable UTC date-time for detail views."""
    return from_ms(ms).strftime("%Y-%m-%d %H:%M:%S UTC")


_RELATIVE = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_when(text: str, now_ms: int) -> int:
    """When a contact happened, as a person types it: "now", "yesterday", "2h ago",
    "3d ago", "2026-11-20", "2026-11-20 14:30" (UTC unless an offset is given)."""
    value = " ".join(text.strip().lower().split())
    if value in ("", "now"):
        return now_ms
    if value == "yesterday":
        return now_ms - 86_400_000
    words = value.removesuffix(" ago").replace(" ", "")
    for unit in sorted(_RELATIVE, key=len, reverse=True):
        number = words.removesuffix(unit)
        if number != words and number.isdigit():
            moment = now_ms - int(number) * _RELATIVE[unit] * 1000
            if moment < 0:
                break
            return moment
    try:
        moment_ms = to_ms(parse_iso(text.strip().replace(" ", "T", 1)))
    except TimestampError:
        raise TimestampError(
            "say when as now, yesterday, 2h ago, 3d ago, 2026-11-20 or 2026-11-20 14:30"
        ) from None
    if moment_ms > now_ms + 60_000:
        raise TimestampError("is in the future")
    return moment_ms
