"""The keys of the filter language (`ch:`, `is:`, `followers:>1000`...) and their values.

Every value is checked here, so a mistake is reported with where it is instead of
quietly matching nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from scrm_tui.core import networks, sanitize
from scrm_tui.core import query_terms as t
from scrm_tui.core.config import BRAND_SET
from scrm_tui.core.language import NAMES
from scrm_tui.core.models import SentimentLabel, Status
from scrm_tui.core.query import QueryError
from scrm_tui.core.timefmt import TimestampError, parse_iso, to_ms

# Every network's name and aliases (from the network table, on first use).
CHANNEL_ALIASES: Mapping[str, str] = networks.ALIASES

SENTIMENT_ALIASES: dict[str, SentimentLabel] = {
    "pos": SentimentLabel.POSITIVE,
    "positive": SentimentLabel.POSITIVE,
    "neu": SentimentLabel.NEUTRAL,
    "neutral": SentimentLabel.NEUTRAL,
    "neg": SentimentLabel.NEGATIVE,
    "negative": SentimentLabel.NEGATIVE,
}
UNSCORED_NAMES = ("unscored", "?")
UNKNOWN_LANGUAGE = ("unknown", "?")
_LANGUAGE_NAMES = {name.lower(): code for code, name in NAMES.items()}
_ISO_639_1 = re.compile(r"[a-z]{2}")

_STATES: dict[str, t.Node] = {
    "open": t.StatusIs(Status.OPEN),
    "done": t.StatusIs(Status.DONE),
    "unread": t.Unread(),
    "new": t.Unread(),
    "read": t.Not(t.Unread()),
    "mine": t.Mine(),
    "unassigned": t.Unassigned(),
    "claimed": t.Claimed(),
    "snoozed": t.Snoozed(),
    "any": t.Anything(),
    "answered": t.Answered(),
    "escalated": t.Escalated(),
    "question": t.Question(),
    "customer": t.IsCustomer(),
    **{name: t.SentimentIs(frozenset({label})) for name, label in SENTIMENT_ALIASES.items()},
}
_STATE_NAMES = (
    "open, done, unread, read, mine, unassigned, claimed, snoozed, answered, escalated, "
    "question, customer, negative, any"
)

_COMPARISON = re.compile(r"(>=|<=|>|<|=)?(\d+(?:\.\d+)?)([km]?)", re.IGNORECASE)
_SPAN = re.compile(r"(\d{1,6})([mhdw])", re.IGNORECASE)
_SPAN_MS = {"m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 7 * 86_400_000}
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000}
_MAX_COUNT = 2**63 - 1  # what SQLite can compare with


@dataclass(frozen=True)
class Value:
    """A key's value as typed, and where it starts in the filter."""

    key: str
    text: str
    start: int

    def error(self, message: str, offset: int = 0, length: int | None = None) -> QueryError:
        """A QueryError pointing at this value (or the part of it at `offset`)."""
        size = len(self.text) - offset if length is None else length
        return QueryError(message, self.start + offset, size)

    @property
    def shown(self) -> str:
        return sanitize.for_message(self.text, 40)


def _state(value: Value) -> t.Node:
    node = _STATES.get(value.text.lower())
    if node is None:
        raise value.error(f"unknown 'is:{value.shown}' (try is: {_STATE_NAMES})")
    return node


def _names(value: Value) -> list[tuple[str, int]]:
    """A comma-separated list: each lower-cased name and its offset in the value."""
    names = []
    offset = 0
    for name in value.text.split(","):
        if not name:
            # Point at the comma before the gap (or after it, at the start).
            raise value.error(
                f"'{value.key}:' has an empty name in its list", max(offset - 1, 0), 1
            )
        names.append((name.lower(), offset))
        offset += len(name) + 1
    return names


def _channels(value: Value) -> t.Node:
    chosen = set()
    for name, offset in _names(value):
        channel = CHANNEL_ALIASES.get(name)
        if channel is None:
            known = ", ".join(sorted(networks.names()))
            shown = sanitize.for_message(name, 40)
            raise value.error(f"unknown channel '{shown}' (try {known})", offset, len(name))
        chosen.add(channel)
    return t.InChannels(frozenset(chosen))


def _sentiments(value: Value) -> t.Node:
    chosen = set()
    unscored = False
    for name, offset in _names(value):
        if name in UNSCORED_NAMES:
            unscored = True
            continue
        label = SENTIMENT_ALIASES.get(name)
        if label is None:
            shown = sanitize.for_message(name, 40)
            raise value.error(
                f"unknown sentiment '{shown}' (pos, neu, neg or unscored)", offset, len(name)
            )
        chosen.add(label)
    if not unscored:
        return t.SentimentIs(frozenset(chosen))
    if not chosen:
        return t.Unscored()
    return t.Or((t.SentimentIs(frozenset(chosen)), t.Unscored()))


def _languages(value: Value) -> t.Node:
    """`lang:de`, `lang:de,fr`, `lang:german`, `lang:unknown` (or `lang:?`)."""
    chosen: set[str | None] = set()
    for name, offset in _names(value):
        if name in UNKNOWN_LANGUAGE:
            chosen.add(None)
        elif _ISO_639_1.fullmatch(name):
            chosen.add(name)
        elif name in _LANGUAGE_NAMES:
            chosen.add(_LANGUAGE_NAMES[name])
        else:
            shown = sanitize.for_message(name, 40)
            raise value.error(
                f"unknown language '{shown}' (a two-letter code such as de, a name such as "
                "german, or unknown)",
                offset,
                len(name),
            )
    return t.LanguageIs(frozenset(chosen))


def _text(value: Value, strip: str = "") -> str:
    text = value.text.strip().lstrip(strip)
    if not text:
        raise value.error(f"'{value.key}:' needs a value")
    return text


def _comparison(value: Value, *, suffixes: bool) -> tuple[str, float]:
    match = _COMPARISON.fullmatch(value.text)
    if match is None or (match.group(3) and not suffixes):
        example = ">1000, <=50 or 10k" if suffixes else ">70, <=30 or 50"
        raise value.error(f"'{value.key}:{value.shown}' is not a number to compare ({example})")
    op, number, suffix = match.groups()
    return op or "=", float(number) * _MULTIPLIERS[suffix.lower()]


def _author(value: Value) -> t.Node:
    text = value.text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise value.error(f"'author:' takes an author's number, not '{value.shown}'")
    return t.AuthorIs(int(text))


def _ids(value: Value) -> t.Node:
    """`id:12,40`: mentions by number, in the order given, each once."""
    ids: dict[int, None] = {}
    for text, offset in _names(value):
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            shown = sanitize.for_message(text, 40)
            raise value.error(
                f"'id:' takes mention numbers separated by commas, not '{shown}'",
                offset,
                len(text),
            )
        ids[int(text)] = None
    return t.IdIs(tuple(ids))


def _followers(value: Value) -> t.Node:
    op, number = _comparison(value, suffixes=True)
    if number > _MAX_COUNT:
        raise value.error(f"'{value.key}:' is more followers than anyone has")
    return t.Followers(op, int(number))


def _priority(value: Value) -> t.Node:
    op, number = _comparison(value, suffixes=False)
    if not number.is_integer() or not 0 <= number <= 100:
        raise value.error(f"priority is a whole number from 0 to 100, not {value.shown}")
    return t.Priority(op, int(number))


def _moment(value: Value) -> t.Node:
    after = value.key == "after"
    span = _SPAN.fullmatch(value.text)
    if span is not None:
        ago = int(span.group(1)) * _SPAN_MS[span.group(2).lower()]
        return t.Created(after, ago_ms=ago, written=value.text)
    try:
        moment = parse_iso(value.text)
    except TimestampError as error:
        reason = "" if "ISO" in str(error) else f" ({error})"
        raise value.error(
            f"'{value.key}:{value.shown}' is not a date{reason}: use 2026-12-01, "
            "2026-12-01T09:30 (UTC unless an offset is given) or a span back from now: "
            "30m, 24h, 7d, 2w"
        ) from None
    return t.Created(after, at_ms=to_ms(moment), written=value.text)


def _watch_set(value: Value) -> t.Node:
    """`watch:brand`, or a competitor's name as [watch.competitors] gives it (any case)."""
    name = _text(value).casefold()
    return t.InWatchSet(None if name == BRAND_SET else name)


KEYS: dict[str, Callable[[Value], t.Node]] = {
    "is": _state,
    "channel": _channels,
    "ch": _channels,
    "sentiment": _sentiments,
    "s": _sentiments,
    "lang": _languages,
    "language": _languages,
    "from": lambda v: t.From(_text(v, "@").lower()),
    "author": _author,
    "id": _ids,
    "tag": lambda v: t.Tagged(_text(v, "#")),
    "assignee": lambda v: t.AssignedTo(_text(v, "@")),
    "responder": lambda v: t.Responder(_text(v, "@")),
    "customer": lambda v: t.CustomerNamed(_text(v)),
    "tier": lambda v: t.TierIs(_text(v).lower()),
    "followers": _followers,
    "prio": _priority,
    "priority": _priority,
    "after": _moment,
    "before": _moment,
    "watch": _watch_set,
}


def key_term(value: Value) -> t.Node:
    """The node for `key:value`; `value.key` is one of KEYS (lower case)."""
    return KEYS[value.key](value)
