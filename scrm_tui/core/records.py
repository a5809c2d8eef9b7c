"""Validate one mention object from an ingest file or an API into a MentionIn."""

from __future__ import annotations

import re
from typing import Any

from scrm_tui.core import sanitize
from scrm_tui.core.handles import handle_key, home_instance
from scrm_tui.core.models import AuthorIn, Channel, CustomerIn, MentionIn, NewMention, Sentiment
from scrm_tui.core.timefmt import TimestampError, parse_iso, to_ms

MAX_ID_LENGTH = 1024
_SURROGATE = re.compile("[\ud800-\udfff]")
_CHANNELS = ", ".join(c.value for c in Channel)


class RecordError(ValueError):
    """One record is unusable; the message names the field and the reason."""


def repair_text(value: str) -> str:
    """Replace lone UTF-16 surrogates (legal in JSON, not in UTF-8) with U+FFFD.

    A well-formed surrogate pair that arrived as two escapes is joined into its
    character; only the unpaired halves are replaced, so nothing else changes.
    """
    if _SURROGATE.search(value) is None:
        return value
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _string(
    obj: dict[str, Any], field: str, *, required: bool, where: str = "", repair: bool = True
) -> str | None:
    value = obj.get(field)
    name = f"{where}{field}"
    if value is None:
        if required:
            raise RecordError(f"missing required field '{name}'")
        return None
    if not isinstance(value, str):
        raise RecordError(f"'{name}' must be a string, not {type(value).__name__}")
    return repair_text(value) if repair else value


def _identifier(obj: dict[str, Any], field: str, *, required: bool) -> str | None:
    value = obj.get(field)
    if value is None:
        if required:
            raise RecordError(f"missing required field '{field}'")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RecordError(f"'{field}' must be a string or an integer")
    text = repair_text(str(value)).strip()
    if not text:
        if required:
            raise RecordError(f"'{field}' is empty")
        return None
    if len(text) > MAX_ID_LENGTH:
        raise RecordError(f"'{field}' is longer than {MAX_ID_LENGTH} characters")
    return text


def flatten(mention: MentionIn, sentiment: Sentiment) -> NewMention:
    """A mention and its scores as one flat row for the store."""
    author = mention.author
    home = home_instance(author.url, mention.url) if mention.channel == Channel.MASTODON else None
    return NewMention(
        mention.channel.value,
        mention.external_id,
        mention.url,
        mention.text,
        to_ms(mention.created_at),
        mention.in_reply_to,
        sentiment.compound,
        sentiment.pos,
        sentiment.neu,
        sentiment.neg,
        author.handle,
        handle_key(mention.channel, author.handle, home),
        author.name,
        author.followers,
        author.url,
        mention.root,
        mention.matched,
    )


def parse_mention(obj: object, *, repair: bool = True) -> MentionIn:
    """Turn a decoded JSON value into a MentionIn, or raise RecordError saying why.

    Unknown fields are ignored, so an export (which adds sentiment and status) can be
    ingested again. `repair=False` skips the lone-surrogate check, for callers that
    know the source had no `\\ud..` escapes.
    """
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}")

    channel_name = _string(obj, "channel", required=True)
    assert channel_name is not None
    try:
        channel = Channel(channel_name.strip().lower())
    except ValueError:
        shown = sanitize.for_message(channel_name)
        raise RecordError(f"unknown channel '{shown}' (expected one of: {_CHANNELS})") from None

    external_id = _identifier(obj, "id", required=True)
    assert external_id is not None

    text = _string(obj, "text", required=True, repair=repair)
    assert text is not None

    created = _string(obj, "created_at", required=True)
    assert created is not None
    try:
        created_at = parse_iso(created)
    except TimestampError as error:
        raise RecordError(f"'created_at' {sanitize.for_message(created)!r} {error}") from None

    author_obj = obj.get("author")
    if not isinstance(author_obj, dict):
        raise RecordError("missing required object 'author'")
    handle = _string(author_obj, "handle", required=True, where="author.")
    assert handle is not None
    if not handle.strip():
        raise RecordError("'author.handle' is empty")
    followers = author_obj.get("followers")
    if followers is not None and (
        isinstance(followers, bool) or not isinstance(followers, int) or followers < 0
    ):
        raise RecordError("'author.followers' must be a whole number ≥ 0")
    author = AuthorIn(
        handle=handle.strip(),
        name=_string(author_obj, "name", required=False, where="author.", repair=repair),
        followers=followers,
        url=_string(author_obj, "url", required=False, where="author."),
    )

    return MentionIn(
        channel=channel,
        external_id=external_id,
        text=text,
        created_at=created_at,
        author=author,
        url=_string(obj, "url", required=False),
        in_reply_to=_identifier(obj, "in_reply_to", required=False),
        root=_identifier(obj, "root", required=False),
        matched=_string(obj, "matched", required=False),
    )


CUSTOMER_FIELDS = ("id", "name", "email", "company", "phone", "tier", "lifetime_value", "notes")
# Written by `scrm export customers` for reference, never read back: the internal id of
# one database means another customer (or none) in the next.
EXPORT_ONLY_FIELDS = ("scrm_id",)
HANDLE_SEPARATORS = re.compile(r"[\s;]+")
# Column names people use for the same network.
CHANNEL_COLUMNS: dict[str, Channel] = {
    **{c.value: c for c in Channel},
    "twitter": Channel.X,
    "hn": Channel.HACKERNEWS,
    "gh": Channel.GITHUB,
    "bsky": Channel.BLUESKY,
    "masto": Channel.MASTODON,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MONEY = re.compile(r"^[$€£]?\s*-?[\d,]*\.?\d+\s*$")


def _lifetime_value(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if not _MONEY.match(text):
        raise RecordError(
            f"'lifetime_value' {sanitize.for_message(value)!r} is not an amount "
            "(e.g. 4200 or 4,200.50)"
        )
    return float(text.lstrip("$€£").replace(",", "").strip())


def parse_customer(obj: object) -> CustomerIn:
    """A customer from a JSON object or CSV row: known columns, one column per
    channel holding handles (several separated by spaces or ';'), the rest kept as
    custom fields. Column names are matched case-insensitively."""
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}")
    row = {"_".join(str(k).strip().lower().split()): v for k, v in obj.items()}
    name = row.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RecordError("missing required field 'name'")

    def text(field: str) -> str | None:
        value = row.get(field)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise RecordError(f"'{field}' must be text")
        return repair_text(str(value)).strip() or None

    email = text("email")
    if email is not None and not _EMAIL.match(email):
        raise RecordError(f"'email' {sanitize.for_message(email)!r} is not an email address")

    identities: list[tuple[Channel, str]] = []
    fields: list[tuple[str, str]] = []
    for key, raw in row.items():
        if key in CUSTOMER_FIELDS or key in EXPORT_ONLY_FIELDS or raw in (None, ""):
            continue
        channel = CHANNEL_COLUMNS.get(key)
        if channel is None:
            fields.append((key, repair_text(str(raw)).strip()))
            continue
        if not isinstance(raw, str):
            raise RecordError(f"'{key}' must hold handles as text")
        for handle in HANDLE_SEPARATORS.split(repair_text(raw)):
            if handle:
                identities.append((channel, handle))

    return CustomerIn(
        name=" ".join(repair_text(name).split()),
        external_id=text("id"),
        email=email,
        company=text("company"),
        phone=text("phone"),
        tier=(text("tier") or "").lower() or None,
        lifetime_value=_lifetime_value(row.get("lifetime_value")),
        notes=text("notes"),
        fields=tuple(fields),
        identities=tuple(dict.fromkeys(identities)),
    )
