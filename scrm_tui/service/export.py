"""`scrm export mentions`: JSON Lines (re-ingestable) or CSV, streamed in stream order."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import AsyncIterator
from typing import Any, TextIO

from scrm_tui.core import sanitize
from scrm_tui.core.models import SentimentLabel
from scrm_tui.core.timefmt import iso_from_ms
from scrm_tui.service.inbox import Inbox

PAGE = 2000
CSV_COLUMNS = (
    "channel",
    "id",
    "url",
    "created_at",
    "author_handle",
    "author_name",
    "author_followers",
    "author_url",
    "in_reply_to",
    "text",
    "sentiment_label",
    "sentiment_compound",
    "sentiment_pos",
    "sentiment_neu",
    "sentiment_neg",
    "status",
    "status_by",
    "status_at",
    "customer_id",
    "ingested_at",
)
# Characters JSON allows raw inside strings but a terminal or a JS parser may obey:
# C1 controls, bidi controls, line/paragraph separators. Escaped as \uXXXX they are
# still exactly the same data for any JSON reader.
_JSON_UNSAFE = re.compile("[\u0080-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# Spreadsheets run a cell that starts with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _json_line(record: dict[str, Any]) -> str:
    text = json.dumps(record, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _record(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "channel": row["channel"],
        "id": row["external_id"],
        "url": row["url"],
        "text": row["text"],
        "created_at": iso_from_ms(row["created_ms"]),
        "author": {
            "handle": row["handle"],
            "name": row["display_name"],
            "followers": row["followers"],
            "url": row["author_url"],
        },
        "in_reply_to": row["in_reply_to"],
        "sentiment": {
            "label": SentimentLabel.from_compound(row["compound"]).value,
            "compound": row["compound"],
            "pos": row["pos"],
            "neu": row["neu"],
            "neg": row["neg"],
        },
        "status": row["status"],
        "status_by": row["status_by"],
        "status_at": iso_from_ms(row["status_ms"]) if row["status_ms"] else None,
        "customer_id": row["customer_id"],
        "ingested_at": iso_from_ms(row["ingested_ms"]),
    }


async def _rows(inbox: Inbox) -> AsyncIterator[dict[str, Any]]:
    after = None
    while True:
        page = await inbox.mentions.export_page(after, PAGE)
        for row in page:
            yield row
        if len(page) < PAGE:
            return
        after = (page[-1]["created_ms"], page[-1]["id"])


def _guard(value: object, *, terminal: bool) -> object:
    if not isinstance(value, str):
        return value
    if terminal:
        value = sanitize.block(value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


async def export_mentions(inbox: Inbox, out: TextIO, fmt: str, *, terminal: bool = False) -> int:
    """Write every mention; returns how many. `terminal` makes control characters
    visible when the output is a screen rather than a file."""
    count = 0
    if fmt == "jsonl":
        async for row in _rows(inbox):
            out.write(_json_line(_record(row)) + "\n")
            count += 1
        return count
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    untrusted = {"url", "author_handle", "author_name", "author_url", "text", "id", "in_reply_to"}
    async for row in _rows(inbox):
        record = _record(row)
        author = record["author"]
        sentiment = record["sentiment"]
        values = {
            "channel": record["channel"],
            "id": record["id"],
            "url": record["url"],
            "created_at": record["created_at"],
            "author_handle": author["handle"],
            "author_name": author["name"],
            "author_followers": author["followers"],
            "author_url": author["url"],
            "in_reply_to": record["in_reply_to"],
            "text": record["text"],
            "sentiment_label": sentiment["label"],
            "sentiment_compound": sentiment["compound"],
            "sentiment_pos": sentiment["pos"],
            "sentiment_neu": sentiment["neu"],
            "sentiment_neg": sentiment["neg"],
            "status": record["status"],
            "status_by": record["status_by"],
            "status_at": record["status_at"],
            "customer_id": record["customer_id"],
            "ingested_at": record["ingested_at"],
        }
        writer.writerow(
            _guard(values[column], terminal=terminal) if column in untrusted else values[column]
            for column in CSV_COLUMNS
        )
        count += 1
    return count


CUSTOMER_COLUMNS = (
    "id",
    "scrm_id",
    "name",
    "email",
    "company",
    "phone",
    "tier",
    "lifetime_value",
    "notes",
    "mastodon",
    "bluesky",
    "hackernews",
    "reddit",
    "github",
    "x",
)
INTERACTION_COLUMNS = (
    "id",
    "kind",
    "occurred_at",
    "actor",
    "customer_id",
    "customer_external_id",
    "customer_name",
    "channel",
    "mention_channel",
    "mention_id",
    "direction",
    "compound",
    "summary",
    "detail",
)


def _rows_out(
    out: TextIO,
    fmt: str,
    columns: list[str],
    rows: list[dict[str, Any]],
    *,
    terminal: bool,
    untrusted: set[str],
    header: bool,
) -> None:
    """Write rows as JSON Lines, or as CSV (with the header if asked)."""
    if fmt == "jsonl":
        for row in rows:
            out.write(_json_line(row) + "\n")
        return
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(columns)
    for row in rows:
        writer.writerow(
            _guard(row.get(c), terminal=terminal) if c in untrusted else row.get(c) for c in columns
        )


async def export_customers(inbox: Inbox, out: TextIO, fmt: str, *, terminal: bool = False) -> int:
    """Customers in the import format (channel columns, custom fields as columns), so
    the file can be edited and imported again."""
    rows = await inbox.customers.export_rows()
    extra = sorted({key for row in rows for key in row} - set(CUSTOMER_COLUMNS))
    columns = [*CUSTOMER_COLUMNS, *extra]
    _rows_out(
        out,
        fmt,
        columns,
        rows,
        terminal=terminal,
        untrusted=set(columns) - {"scrm_id"},
        header=True,
    )
    return len(rows)


async def export_interactions(
    inbox: Inbox, out: TextIO, fmt: str, *, terminal: bool = False
) -> int:
    """The whole history (the audit trail), oldest first."""
    untrusted = {
        "actor",
        "customer_name",
        "summary",
        "detail",
        "mention_id",
        "customer_external_id",
    }
    count, after = 0, 0
    while True:
        page = await inbox.customers.export_interactions(after, PAGE)
        for row in page:
            row["occurred_at"] = iso_from_ms(row.pop("occurred_ms"))
            if fmt == "jsonl":
                row["detail"] = json.loads(row["detail"] or "{}")
        _rows_out(
            out,
            fmt,
            list(INTERACTION_COLUMNS),
            page,
            terminal=terminal,
            untrusted=untrusted,
            header=count == 0,
        )
        count += len(page)
        if len(page) < PAGE:
            return count
        after = page[-1]["id"]
