"""A CSV of conversions (campaign, value, date; optional utm_content), read and checked.

Every bad row is reported with its line and what is wrong; a file with any bad row is
refused whole, so nothing is half-stored. Values are the file's text: each error shows
them inert (core/sanitize.for_message).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime

from scrm_tui.core import sanitize

REQUIRED = ("campaign", "value", "date")
OPTIONAL = ("utm_content",)
MAX_ERRORS = 20  # said in full; more are counted


@dataclass(frozen=True)
class Conversion:
    key: str  # the row's fields and its occurrence in the file: re-imports store it once
    campaign: str
    value: float
    day: date
    utm_content: str | None
    line: int

    @property
    def at_ms(self) -> int:
        """The day's start, UTC: what a dashboard range counts it in."""
        return (
            int(datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC).timestamp())
            * 1000
        )


class ConversionsError(ValueError):
    """The file is refused; `errors` each name a line."""

    def __init__(self, errors: list[str], total: int | None = None) -> None:
        self.errors = errors
        more = (total or len(errors)) - len(errors)
        tail = f"\n… and {more:,} more" if more > 0 else ""
        super().__init__("\n".join(errors) + tail)


def parse_conversions(data: bytes, source: str = "file") -> list[Conversion]:
    """The rows of a conversions CSV (UTF-8, a header line naming the columns in any
    order; other columns are ignored). Raises ConversionsError naming each bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConversionsError([f"{source}, line {line}: not UTF-8 text"]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ConversionsError(
            [f"{source}: empty (expected a header: campaign,value,date)"]
        ) from None
    except csv.Error as error:
        raise ConversionsError([f"{source}, line 1: {error}"]) from None
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        shown = ", ".join(sanitize.for_message(c) for c in header)
        raise ConversionsError(
            [
                f"{source}, line 1: no column {', '.join(missing)} (the header is: {shown}; "
                "expected campaign,value,date and optionally utm_content)"
            ]
        )
    where = {name: columns.index(name) for name in (*REQUIRED, *OPTIONAL) if name in columns}
    rows: list[Conversion] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    bad = 0
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            bad += 1
            errors.append(f"{source}, line {line}: {error}")
            break
        line = reader.line_num  # where the row ends (a quoted field may span lines)
        if not any(field.strip() for field in fields):
            continue
        problem, row = _row(fields, where, line)
        if problem:
            bad += 1
            if len(errors) < MAX_ERRORS:
                errors.append(f"{source}, line {line}: {problem}")
            continue
        assert row is not None
        base = hashlib.sha256(
            "\x1f".join(
                (row.campaign, repr(row.value), row.day.isoformat(), row.utm_content or "")
            ).encode()
        ).hexdigest()[:24]
        seen[base] = seen.get(base, 0) + 1
        rows.append(
            Conversion(
                f"{base}#{seen[base]}", row.campaign, row.value, row.day, row.utm_content, line
            )
        )
    if errors:
        raise ConversionsError(errors, bad)
    return rows


def _row(
    fields: list[str], where: dict[str, int], line: int
) -> tuple[str | None, Conversion | None]:
    def cell(name: str) -> str:
        index = where.get(name)
        return fields[index].strip() if index is not None and index < len(fields) else ""

    campaign, value, day, content = (
        cell("campaign"),
        cell("value"),
        cell("date"),
        cell("utm_content"),
    )
    if not campaign:
        return "'campaign' is empty", None
    try:
        amount = float(value) if value else math.nan  # "1,5" or "$12" are refused, not guessed
    except ValueError:
        amount = math.nan
    if not math.isfinite(amount) or amount < 0:
        return (
            f"'value' is {sanitize.for_message(value)!r}, not an amount (e.g. 1200 or 99.50)",
            None,
        )
    try:
        timed = len(day) > 10 and day[10] in "T "  # a timestamp: its day
        when = date.fromisoformat(day[:10]) if len(day) == 10 or timed else None
    except ValueError:
        when = None
    if when is None:
        return f"'date' is {sanitize.for_message(day)!r}, not a date (YYYY-MM-DD)", None
    return None, Conversion("", campaign, amount, when, content or None, line)
