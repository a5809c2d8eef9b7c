"""When a snooze ends, as an agent types it: `2h`, `tomorrow 9:00`, `mon`, `2026-12-24 9:00`.

Read in the agent's own time zone. A small grammar of our own: parsedatetime (last
released 2020) keeps the current time of day for `mon`, cannot read `1h30m` and turns
`31 feb` into a date it made up; dateparser costs far more to import than this whole
inbox's first page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

# A snooze is a reminder, not an archive: farther than this is a typo (20266-01-01).
LONGEST = timedelta(days=366)
EXAMPLES = "2h, 30m, 3d, tomorrow 9:00, mon, 2026-12-24 9:00"

_UNITS: dict[str, timedelta] = {}
for _names, _size in (
    (("s", "sec", "secs", "second", "seconds"), timedelta(seconds=1)),
    (("m", "min", "mins", "minute", "minutes"), timedelta(minutes=1)),
    (("h", "hr", "hrs", "hour", "hours"), timedelta(hours=1)),
    (("d", "day", "days"), timedelta(days=1)),
    (("w", "wk", "wks", "week", "weeks"), timedelta(weeks=1)),
):
    for _name in _names:
        _UNITS[_name] = _size
_UNIT_NAMES = "|".join(sorted(_UNITS, key=len, reverse=True))
_PART = re.compile(rf"(\d+(?:\.\d+)?)\s*({_UNIT_NAMES})(?![a-z])")
_DURATION = re.compile(rf"(?:\d+(?:\.\d+)?\s*(?:{_UNIT_NAMES})(?![a-z])\s*)+")

WEEKDAYS = {
    name: index
    for index, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}
_DAY_WORDS = {"today": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1}
_TIME = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?")
_TIME_PIECE = re.compile(r"\d{1,2}(?::\d{2})?(?:am|pm)?|am|pm")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class SnoozeTimeError(ValueError):
    """What was typed is not a time to snooze until; `position` is where (0-based)."""

    def __init__(self, message: str, position: int | None = None):
        where = f" (at column {position + 1})" if position is not None else ""
        super().__init__(f"{message}{where}")
        self.position = position


@dataclass(frozen=True)
class _Token:
    text: str
    at: int  # where it starts in what was typed


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in re.finditer(r"\S+", text):
        word, at = match.group().lower(), match.start()
        joined = re.fullmatch(r"(\d{4}-\d{1,2}-\d{1,2})t(.+)", word)  # 2026-12-24T09:00
        if joined:
            tokens += [_Token(joined.group(1), at), _Token(joined.group(2), at + joined.end(1) + 1)]
        else:
            tokens.append(_Token(word, at))
    return tokens


def parse_until(text: str, now: datetime, *, day_start: int = 9) -> datetime:
    """The moment `text` names, in `now`'s time zone (an aware datetime); a day without
    a time means `day_start` o'clock. SnoozeTimeError says why and where otherwise."""
    if now.tzinfo is None:
        raise ValueError("now must carry its time zone")
    stripped = text.strip()
    if not stripped:
        raise SnoozeTimeError(f"say until when: {EXAMPLES}")
    lowered = text.lower()
    start = len(text) - len(text.lstrip())
    body = lowered[start:].rstrip()
    if body.startswith("in "):  # "in 2h"
        start += 3 + len(body[3:]) - len(body[3:].lstrip())
        body = lowered[start:].rstrip()
    if _DURATION.fullmatch(body):
        return _check(_after(now, body), now, text)
    if body[:1].isdigit() and _PART.match(body) and not _TIME.fullmatch(body):
        # Starts as a duration but goes on with something else: say where.
        end = _DURATION.match(body)
        at = start + (end.end() if end else 0)
        raise SnoozeTimeError(f"{text[at:].split()[0]!r} is not a time I know; try {EXAMPLES}", at)
    tokens = _tokens(text)
    first = tokens[0]
    day: date | None = None
    rest = tokens[1:]
    if first.text == "next" and rest and rest[0].text in WEEKDAYS:
        first, rest = rest[0], rest[1:]
    today = now.date()
    if first.text in _DAY_WORDS:
        day = today + timedelta(days=_DAY_WORDS[first.text])
        if first.text == "today" and not rest:
            raise SnoozeTimeError("today needs a time: today 17:00", first.at)
    elif first.text in WEEKDAYS:
        ahead = (WEEKDAYS[first.text] - today.weekday() - 1) % 7 + 1  # never today
        day = today + timedelta(days=ahead)
    elif (match := _DATE.fullmatch(first.text)) is not None:
        try:
            day = date(*(int(part) for part in match.groups()))
        except ValueError as error:
            raise SnoozeTimeError(f"{first.text} is not a date: {error}", first.at) from None
    if day is None:
        # A time of day alone: the next time the clock shows it. A bare number could be
        # hours from now or an hour of the day: ask.
        if len(tokens) == 1 and first.text.isdigit():
            raise SnoozeTimeError(
                f"{first.text} what? {first.text}h for hours, {first.text}:00 for a time", first.at
            )
        moment = _on(today, _time(tokens, text), now.tzinfo)
        if moment.astimezone(UTC) <= now.astimezone(UTC):
            moment = _on(today + timedelta(days=1), _time(tokens, text), now.tzinfo)
        return _check(moment, now, text)
    clock = _time(rest, text) if rest else time(day_start)
    return _check(_on(day, clock, now.tzinfo), now, text)


def _after(now: datetime, body: str) -> datetime:
    """`now` plus a duration: days and weeks by the wall clock (`3d` at 09:00 ends at
    09:00 across a change to summer time), hours and less by elapsed time."""
    days = exact = 0.0  # seconds: a typo of 99999999d must not overflow a timedelta
    for number, unit in _PART.findall(body):
        size = _UNITS[unit].total_seconds()
        if size >= 86400:
            days += float(number) * size
        else:
            exact += float(number) * size
    if days + exact > LONGEST.total_seconds():
        return now + LONGEST * 2  # refused by _check
    # Python adds to an aware datetime by its wall clock; elapsed time is added in UTC.
    wall = _normal(now + timedelta(seconds=days))
    return (wall.astimezone(UTC) + timedelta(seconds=exact)).astimezone(now.tzinfo)


def _time(tokens: list[_Token], text: str) -> time:
    """A time of day from what is left: `9`, `9:30`, `17:00`, `9am`, `9:30 pm`."""
    words = " ".join(t.text for t in tokens)
    at = tokens[0].at
    match = _TIME.fullmatch(words)
    if match is None:
        wrong = next((t for t in tokens if not _TIME_PIECE.fullmatch(t.text)), tokens[0])
        raise SnoozeTimeError(f"{wrong.text!r} is not a time I know; try {EXAMPLES}", wrong.at)
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half is not None:
        if not 1 <= hour <= 12:
            raise SnoozeTimeError(f"{words} is not a time of day (1-12 before am or pm)", at)
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise SnoozeTimeError(f"{words} is not a time of day", at)
    return time(hour, minute)


def _on(day: date, clock: time, zone: tzinfo | None) -> datetime:
    """That wall-clock time on that day in `zone`. A time a change to summer time skips
    (02:30 on the night clocks go from 02:00 to 03:00) is read as the zone does: an
    hour later."""
    return _normal(datetime.combine(day, clock, tzinfo=zone))


def _normal(moment: datetime) -> datetime:
    """The wall-clock time the zone really shows at that instant (through UTC: a time a
    clock change skips moves past it)."""
    return moment.astimezone(UTC).astimezone(moment.tzinfo)


def _check(moment: datetime, now: datetime, text: str) -> datetime:
    # Compared in UTC: between two times of one zone Python compares wall clocks.
    if moment.astimezone(UTC) <= now.astimezone(UTC):
        raise SnoozeTimeError(f"{text.strip()} is not in the future")
    if moment.astimezone(UTC) - now.astimezone(UTC) > LONGEST:
        raise SnoozeTimeError(f"{text.strip()} is more than a year away; snooze a year at most")
    return moment


def describe(moment: datetime, now: datetime) -> str:
    """`Mon 7 Dec 09:00 (in 3d 17h)`, with the year when it is not this one."""
    local = moment.astimezone(now.tzinfo)
    year = "" if local.year == now.year else f" {local.year}"
    left = moment.astimezone(UTC) - now.astimezone(UTC)
    when = f"in {_span(left)}" if left > timedelta(0) else "due"
    return f"{local:%a} {local.day} {local:%b}{year} {local:%H:%M} ({when})"


def _span(delta: timedelta) -> str:
    minutes = max(round(delta.total_seconds() / 60), 0)
    if minutes < 1:
        return f"{max(round(delta.total_seconds()), 1)}s"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m"
