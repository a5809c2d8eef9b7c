"""One cursor codec for every source: a compact JSON object whose fields are checked as
they are read, and one error for a cursor that is not what its source wrote."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from scrm_tui.core.outgoing import PermanentError

REQUIRED: Any = object()  # a field the cursor must have


def damaged(service: str) -> str:
    """What a source says of a cursor it cannot read (it stops until reset)."""
    return f"{service}: the stored cursor is damaged (reset the source to backfill again)"


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_text(value: Any) -> bool:
    return isinstance(value, str)


def is_text_map(value: Any) -> bool:
    """A map of strings (`seen`: uri -> time)."""
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def or_none(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """A field that may also be null."""
    return lambda value: value is None or check(value)


def anything(value: Any) -> bool:
    return True


class Field(NamedTuple):
    """One field of a cursor: what a good value passes, and its value when absent."""

    check: Callable[[Any], bool]
    default: Any = REQUIRED


def load(cursor: str, fields: Mapping[str, Field], bad: str) -> dict[str, Any]:
    """The cursor's fields, each present (or defaulted) and passing its check; anything
    else raises PermanentError(bad)."""
    try:
        data = json.loads(cursor)
    except ValueError:
        raise PermanentError(bad) from None
    if not isinstance(data, dict):
        raise PermanentError(bad)
    read: dict[str, Any] = {}
    for name, field in fields.items():
        value = data.get(name, field.default)
        if value is REQUIRED or not field.check(value):
            raise PermanentError(bad)
        read[name] = value
    return read


def dump(fields: Mapping[str, Any]) -> str:
    """The cursor as stored: compact JSON, text as written."""
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
