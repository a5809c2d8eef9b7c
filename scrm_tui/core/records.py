"""Validate one mention object from an ingest file or an API into a MentionIn."""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Mapping
from typing import Any

from scrm_tui.core import hashtags, networks, sanitize
from scrm_tui.core.domains import MAX_LINKS, ProfileLink, links_json
from scrm_tui.core.handles import handle_key, home_instance
from scrm_tui.core.language import DETECTED
from scrm_tui.core.models import AuthorIn, CustomerIn, MentionIn, NewMention, Sentiment
from scrm_tui.core.tags import TagError, check_tags
from scrm_tui.core.timefmt import TimestampError, parse_iso, to_ms

MAX_ID_LENGTH = 1024  # ids, handles and the watch term: far beyond any network's own
MAX_URL_LENGTH = 8192
MAX_NAME_LENGTH = 1024
# What the reading pane and the search index hold of a mention: GitHub's body limit,
# the largest of the networks'. A longer text is cut there for display and kept whole
# beside it for `scrm export mentions`.
TEXT_LIMIT = 65_536
# SQLite stores integers as signed 64-bit: a larger one cannot be bound at all.
SQLITE_MAX_INT = 2**63 - 1
# The largest lifetime value accepted: beyond this a REAL loses whole units.
MAX_AMOUNT = 10**15
_SURROGATE = re.compile("[\ud800-\udfff]")


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


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


# NaN and Infinity are not JSON, though Python reads them: refused as a JSON error.
JSON_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def json_problem(error: ValueError | RecursionError) -> str:
    """Why JSON_DECODER refused a text, in words."""
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg} at column {error.colno})"
    if isinstance(error, RecursionError):
        return "not valid JSON (nested too deeply)"
    if "digits" in str(error):  # Python reads integers of at most this many digits
        return f"not valid JSON (a number longer than {sys.get_int_max_str_digits():,} digits)"
    return f"not valid JSON ({error})"


def decode_json(text: str) -> object:
    """A JSON value, or RecordError saying in words why the text is not one."""
    try:
        return JSON_DECODER.decode(text)
    except (ValueError, RecursionError) as error:
        raise RecordError(json_problem(error)) from None


def _string(
    obj: dict[str, Any],
    field: str,
    *,
    required: bool,
    where: str = "",
    repair: bool = True,
    limit: int | None = None,
) -> str | None:
    value = obj.get(field)
    name = f"{where}{field}"
    if value is None:
        if required:
            raise RecordError(f"missing required field '{name}'")
        return None
    if not isinstance(value, str):
        raise RecordError(f"'{name}' must be a string, not {type(value).__name__}")
    if limit is not None and len(value) > limit:
        raise RecordError(f"'{name}' is longer than {limit:,} characters")
    return repair_text(value) if repair else value


def _links(value: object) -> tuple[ProfileLink, ...] | None:
    """`author.links`: [{"url": ..., "verified": true, "label": ...}], addresses the
    author's profile gives; `verified` only where the source proved them the author's
    (the matcher takes those as evidence). Absent: nothing is known of them."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise RecordError(f"'author.links' must be a list, not {type(value).__name__}")
    if len(value) > MAX_LINKS:
        raise RecordError(f"'author.links' holds more than {MAX_LINKS} links")
    found = []
    for n, item in enumerate(value):
        where = f"author.links[{n}]."
        if not isinstance(item, dict):
            raise RecordError(f"'author.links[{n}]' must be an object, not {type(item).__name__}")
        url = _string(item, "url", required=True, where=where, limit=MAX_URL_LENGTH)
        assert url is not None
        if not url.casefold().startswith(("https://", "http://", "mailto:")):
            shown = sanitize.for_message(url[:60])
            raise RecordError(f"'{where}url' {shown!r} is not an http(s) or mailto: address")
        verified = item.get("verified", False)
        if not isinstance(verified, bool):
            raise RecordError(f"'{where}verified' must be true or false")
        label = _string(item, "label", required=False, where=where, limit=MAX_NAME_LENGTH)
        found.append(ProfileLink(url, verified, label or ""))
    return tuple(found)


def _identifier(obj: dict[str, Any], field: str, *, required: bool) -> str | None:
    value = obj.get(field)
    if value is None:
        if required:
            raise RecordError(f"missing required field '{field}'")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RecordError(f"'{field}' must be a string or an integer")
    if isinstance(value, int) and value.bit_length() > 3 * MAX_ID_LENGTH:
        # str() of a huge integer is slow or refused; no id is that long anyway.
        raise RecordError(f"'{field}' is longer than {MAX_ID_LENGTH} characters")
    text = repair_text(str(value)).strip()
    if not text:
        if required:
            raise RecordError(f"'{field}' is empty")
        return None
    if len(text) > MAX_ID_LENGTH:
        raise RecordError(f"'{field}' is longer than {MAX_ID_LENGTH} characters")
    return text


def shown_text(text: str) -> str:
    """The part of a mention's text that is stored for display, search and scoring."""
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT]


def flatten(
    mention: MentionIn,
    sentiment: Sentiment | None,
    lang: tuple[str | None, float | None, str | None] = (None, None, DETECTED),
) -> NewMention:
    """A mention and its scores as one flat row for the store; a text over TEXT_LIMIT
    is cut, and the whole of it rides along to be kept aside. `sentiment` None: unscored;
    `lang`: code, confidence and source (core/language.py). Without one the language is
    unknown, not owed: only rows from before languages wait for the catch-up."""
    author = mention.author
    home = (
        home_instance(author.url, mention.url) if networks.network(mention.channel).homed else None
    )
    text = mention.text
    shown = shown_text(text)
    return NewMention(
        str(mention.channel),
        mention.external_id,
        mention.url,
        shown,
        to_ms(mention.created_at),
        mention.in_reply_to,
        None if sentiment is None else sentiment.compound,
        None if sentiment is None else sentiment.pos,
        None if sentiment is None else sentiment.neu,
        None if sentiment is None else sentiment.neg,
        author.handle,
        handle_key(mention.channel, author.handle, home),
        author.name,
        author.followers,
        author.url,
        mention.root,
        mention.matched,
        text if len(text) > TEXT_LIMIT else None,
        mention.points,
        hashtags.of(shown, mention.hashtags),
        *lang,
        mention.link,
        links_json(author.links),
        mention.watch_set,
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
        channel = networks.network(channel_name.strip().lower()).name
    except networks.UnknownNetwork:
        shown = sanitize.for_message(channel_name)
        known = ", ".join(networks.names())
        raise RecordError(f"unknown channel '{shown}' (expected one of: {known})") from None

    external_id = _identifier(obj, "id", required=True)
    assert external_id is not None

    text = _string(obj, "text", required=True, repair=repair)
    assert text is not None

    created = _string(obj, "created_at", required=True, limit=MAX_ID_LENGTH)
    assert created is not None
    try:
        created_at = parse_iso(created)
    except TimestampError as error:
        raise RecordError(f"'created_at' {sanitize.for_message(created)!r} {error}") from None

    author_obj = obj.get("author")
    if not isinstance(author_obj, dict):
        raise RecordError("missing required object 'author'")
    handle = _string(author_obj, "handle", required=True, where="author.", limit=MAX_ID_LENGTH)
    assert handle is not None
    if not handle.strip():
        raise RecordError("'author.handle' is empty")
    followers = author_obj.get("followers")
    if followers is not None and (
        isinstance(followers, bool) or not isinstance(followers, int) or followers < 0
    ):
        raise RecordError("'author.followers' must be a whole number ≥ 0")
    if followers is not None and followers > SQLITE_MAX_INT:
        raise RecordError(f"'author.followers' is too large (at most {SQLITE_MAX_INT:,})")
    author = AuthorIn(
        handle=handle.strip(),
        name=_string(
            author_obj,
            "name",
            required=False,
            where="author.",
            repair=repair,
            limit=MAX_NAME_LENGTH,
        ),
        followers=followers,
        url=_string(author_obj, "url", required=False, where="author.", limit=MAX_URL_LENGTH),
        links=_links(author_obj.get("links")),
    )

    points = obj.get("points")
    if points is not None and (
        isinstance(points, bool) or not isinstance(points, int) or points > SQLITE_MAX_INT
    ):
        raise RecordError(f"'points' must be a whole number (at most {SQLITE_MAX_INT:,})")

    return MentionIn(
        channel=channel,
        external_id=external_id,
        text=text,
        created_at=created_at,
        author=author,
        url=_string(obj, "url", required=False, limit=MAX_URL_LENGTH),
        in_reply_to=_identifier(obj, "in_reply_to", required=False),
        root=_identifier(obj, "root", required=False),
        matched=_string(obj, "matched", required=False, limit=MAX_ID_LENGTH),
        points=points,
        # The language the source declares ("de", "pt-BR"); a tag scrm cannot use is
        # ignored and the text detected instead (core/language.py).
        lang=_string(obj, "lang", required=False, limit=MAX_ID_LENGTH),
        link=_string(obj, "link", required=False, limit=MAX_URL_LENGTH),
    )


CUSTOMER_FIELDS = (
    "id",
    "name",
    "email",
    "company",
    "phone",
    "tier",
    "lifetime_value",
    "notes",
    "tags",
)
# Written by `scrm export customers` for reference, never read back: the internal id of
# one database means another customer (or none) in the next.
EXPORT_ONLY_FIELDS = ("scrm_id",)
HANDLE_SEPARATORS = re.compile(r"[\s;]+")
# Column names people use for the same network.
CHANNEL_COLUMNS: Mapping[str, str] = networks.ALIASES
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MONEY = re.compile(r"^[$€£]?\s*-?[\d,]*\.?\d+\s*$")


def _lifetime_value(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise RecordError("'lifetime_value' must be an amount (e.g. 4200 or 4,200.50)")
    if isinstance(value, (int, float)):
        amount = value
    else:
        text = value.strip()
        if not _MONEY.match(text):
            raise RecordError(
                f"'lifetime_value' {sanitize.for_message(value)!r} is not an amount "
                "(e.g. 4200 or 4,200.50)"
            )
        amount = float(text.lstrip("$€£").replace(",", "").strip())
    # Compared before float(): a huge integer cannot become a float, and NaN, infinity
    # or 400 digits would be stored as nothing or as infinity.
    if not (isinstance(amount, int) or math.isfinite(amount)) or abs(amount) > MAX_AMOUNT:
        raise RecordError(f"'lifetime_value' is not an amount up to {MAX_AMOUNT:,}")
    return float(amount)


def _customer_tags(value: object) -> tuple[str, ...]:
    """`vip; beta` (or `vip beta`) in a cell, or a JSON list of names."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        words = [word for word in HANDLE_SEPARATORS.split(repair_text(value)) if word]
    elif isinstance(value, list) and all(isinstance(word, str) for word in value):
        words = [repair_text(word) for word in value]
    else:
        raise RecordError("'tags' must be names separated by ';' or a list of names")
    try:
        return check_tags(words)
    except TagError as error:
        raise RecordError(f"'tags': {error}") from None


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

    identities: list[tuple[str, str]] = []
    fields: list[tuple[str, str]] = []
    for key, raw in row.items():
        if key in CUSTOMER_FIELDS or key in EXPORT_ONLY_FIELDS or raw in (None, ""):
            continue
        channel = CHANNEL_COLUMNS.get(key)
        if channel is None:
            # A nested value (an address object, a list of tags) is kept as its JSON.
            value = json.dumps(raw, ensure_ascii=False) if isinstance(raw, (dict, list)) else raw
            fields.append((key, repair_text(str(value)).strip()))
            continue
        if not isinstance(raw, str):
            raise RecordError(f"'{key}' must hold handles as text")
        for handle in HANDLE_SEPARATORS.split(repair_text(raw)):
            if handle:
                identities.append((channel, handle))

    return CustomerIn(
        name=" ".join(repair_text(name).split()),
        tags=_customer_tags(row.get("tags")),
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
