"""`scrm export`: mentions (JSON Lines, re-ingestable), customers (the import format),
the history, escalations, the outbox and authors with their links, as JSON Lines or
CSV, streamed."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from scrm_tui.core import sanitize
from scrm_tui.core.domains import links_from_json
from scrm_tui.core.models import SentimentLabel
from scrm_tui.core.query import Query
from scrm_tui.core.timefmt import iso_from_ms
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.exports import ExportStore

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
    "points",
    "link",
    "text",
    "sentiment_label",
    "sentiment_compound",
    "sentiment_pos",
    "sentiment_neu",
    "sentiment_neg",
    "status",
    "status_by",
    "status_at",
    "customer",
    "customer_external_id",
    "ingested_at",
    "assignee",
    "tags",
    "language",
    "language_confidence",
    "language_source",
)
UNSCORED = "unscored"  # the sentiment label of a mention no scorer reads
TAG_SEPARATOR = "; "  # in a CSV cell, as handles are (and as the customers import reads)
# Characters JSON allows raw inside strings but a terminal or a JS parser may obey:
# DEL, C1 controls, bidi controls, line/paragraph separators. Escaped as \uXXXX they
# are still exactly the same data for any JSON reader.
_JSON_UNSAFE = re.compile("[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# Spreadsheets run a cell that starts with these as a formula (CSV injection), and
# some read a line break inside a cell as the start of a new row: guard both places.
_FORMULA = re.compile("(?:^|(?<=[\r\n]))(?=[=+\\-@\t\r])")


def customer_key(customer_id: int | None) -> str | None:
    """How an export names a customer: `#12`, which `scrm customers show` takes and
    which every customer has (an external id only some do)."""
    return None if customer_id is None else f"#{customer_id}"


class CsvOut:
    """CSV whose rows stay rows.

    Records end in CRLF (RFC 4180), so the writer quotes every cell holding a CR or
    an LF: a bare CR, which a "\\n" terminator leaves unquoted, cannot start a row.
    The cells are exact unless `terminal` (control characters shown as symbols) or
    `spreadsheet` (a leading ' wherever a cell or a line inside it would start a
    formula; the data then no longer round-trips, so it is a choice).
    """

    def __init__(self, out: TextIO, *, terminal: bool = False, spreadsheet: bool = False):
        # On a terminal every CR in a cell is shown as a symbol: plain LF reads better.
        self._writer = csv.writer(out, lineterminator="\n" if terminal else "\r\n")
        self.terminal = terminal
        self.spreadsheet = spreadsheet

    def cell(self, value: object) -> object:
        if not isinstance(value, str):
            return value
        if self.terminal:
            value = sanitize.block(value)
        if self.spreadsheet:
            value = _FORMULA.sub("'", value)
        return value

    def row(self, values: Iterable[object]) -> None:
        self._writer.writerow([self.cell(value) for value in values])


def _json_line(record: dict[str, Any]) -> str:
    text = json.dumps(record, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _links(stored: str | None) -> list[dict[str, Any]] | None:
    """A profile's links as exported (and ingested): url, verified, label."""
    if stored is None:
        return None
    return [
        {"url": link.url, "verified": link.verified, "label": link.label}
        for link in links_from_json(stored)
    ]


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
            # As `scrm ingest` reads them back; null: the network said nothing of them.
            "links": _links(row["author_links"]),
        },
        "in_reply_to": row["in_reply_to"],
        "points": row["points"],
        "link": row["link"],
        "sentiment": {
            # Unscored: no scorer reads its language (never "neutral").
            "label": (
                UNSCORED
                if row["compound"] is None
                else SentimentLabel.from_compound(row["compound"]).value
            ),
            "compound": row["compound"],
            "pos": row["pos"],
            "neu": row["neu"],
            "neg": row["neg"],
        },
        "status": row["status"],
        "status_by": row["status_by"],
        "status_at": iso_from_ms(row["status_ms"]) if row["status_ms"] else None,
        "customer": customer_key(row["customer_id"]),
        "customer_external_id": row["customer_external_id"],
        "ingested_at": iso_from_ms(row["ingested_ms"]),
        "assignee": row["assignee"],
        "tags": list(row["tags"]),
        # code None: unknown; source None: not detected yet (stored before languages)
        "language": {
            "code": row["lang"],
            "confidence": row["lang_conf"],
            "source": row["lang_src"],
        },
    }


async def _rows(inbox: Inbox, query: Query | None) -> AsyncIterator[dict[str, Any]]:
    after = None
    while True:
        page = await inbox.mentions.export_page(after, PAGE, query, inbox.agent, inbox.now_ms())
        for row in page:
            yield row
        if len(page) < PAGE:
            return
        after = (page[-1]["created_ms"], page[-1]["id"])


async def export_mentions(
    inbox: Inbox,
    out: TextIO,
    fmt: str,
    *,
    terminal: bool = False,
    spreadsheet: bool = False,
    query: Query | None = None,
) -> int:
    """Write every mention (with `query`, those it matches, snoozed ones too); returns
    how many. `terminal` makes control characters visible when the output is a screen
    rather than a file; `spreadsheet` guards CSV cells that would run as formulas."""
    count = 0
    if fmt == "jsonl":
        async for row in _rows(inbox, query):
            out.write(_json_line(_record(row)) + "\n")
            count += 1
        return count
    writer = CsvOut(out, terminal=terminal, spreadsheet=spreadsheet)
    writer.row(CSV_COLUMNS)
    async for row in _rows(inbox, query):
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
            "points": record["points"],
            "link": record["link"],
            "text": record["text"],
            "sentiment_label": sentiment["label"],
            "sentiment_compound": sentiment["compound"],
            "sentiment_pos": sentiment["pos"],
            "sentiment_neu": sentiment["neu"],
            "sentiment_neg": sentiment["neg"],
            "status": record["status"],
            "status_by": record["status_by"],
            "status_at": record["status_at"],
            "customer": record["customer"],
            "customer_external_id": record["customer_external_id"],
            "ingested_at": record["ingested_at"],
            "assignee": record["assignee"],
            "tags": TAG_SEPARATOR.join(record["tags"]),
            "language": record["language"]["code"],
            "language_confidence": record["language"]["confidence"],
            "language_source": record["language"]["source"],
        }
        writer.row(values[column] for column in CSV_COLUMNS)
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
    "tags",
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
    "customer",
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
ESCALATION_COLUMNS = (
    "id",
    "created_at",
    "created_by",
    "team",
    "priority",
    "state",
    "note",
    "mention_channel",
    "mention_id",
    "author_handle",
    "customer",
    "customer_external_id",
    "customer_name",
    "acked_at",
    "acked_by",
    "resolved_at",
    "resolved_by",
    "resolution",
)
AUTHOR_COLUMNS = (
    "id",
    "channel",
    "handle",
    "name",
    "followers",
    "url",
    "link",
    "customer",
    "customer_external_id",
    "customer_name",
    "score",
    "suggestions",
    "profile_links",
)
# No idempotency key or claim: internal. A webhook's URL is never stored; `target`
# is its config name ("team/hook").
OUTBOX_COLUMNS = (
    "id",
    "kind",
    "channel",
    "target",
    "state",
    "text",
    "mentions",
    "escalation",
    "attempts",
    "last_error",
    "next_try_at",
    "created_at",
    "created_by",
    "sent_at",
    "remote_id",
    "remote_url",
)


@dataclass(frozen=True)
class _Sink:
    """Where rows go and how: JSON Lines, or CSV for a file, a terminal or a spreadsheet."""

    out: TextIO
    fmt: str
    terminal: bool
    spreadsheet: bool

    def rows(self, columns: Sequence[str], rows: list[dict[str, Any]], *, header: bool) -> None:
        """JSON Lines (keys in column order), or CSV with the header if asked (a header
        is data too: custom field names come from imported files)."""
        if self.fmt == "jsonl":
            for row in rows:
                self.out.write(_json_line({c: row.get(c) for c in columns}) + "\n")
            return
        writer = CsvOut(self.out, terminal=self.terminal, spreadsheet=self.spreadsheet)
        if header:
            writer.row(columns)
        for row in rows:
            writer.row(row.get(c) for c in columns)

    async def paged(
        self,
        fetch: Callable[[int, int], Awaitable[list[dict[str, Any]]]],
        shape: Callable[[dict[str, Any]], dict[str, Any]],
        columns: Sequence[str],
    ) -> int:
        """Page through `fetch(after_id, limit)`, oldest first, writing each row shaped."""
        count, after = 0, 0
        while True:
            page = await fetch(after, PAGE)
            self.rows(columns, [shape(row) for row in page], header=count == 0)
            count += len(page)
            if len(page) < PAGE:
                return count
            after = page[-1]["id"]


async def export_customers(
    inbox: Inbox, out: TextIO, fmt: str, *, terminal: bool = False, spreadsheet: bool = False
) -> int:
    """Customers in the import format (channel columns, custom fields as columns), so
    the file can be edited and imported again and updates the same records."""
    rows = await inbox.customers.export_rows()
    if fmt == "csv":
        for row in rows:
            row["tags"] = TAG_SEPARATOR.join(row["tags"])
    extra = sorted({key for row in rows for key in row} - set(CUSTOMER_COLUMNS))
    sink = _Sink(out, fmt, terminal, spreadsheet)
    sink.rows([*CUSTOMER_COLUMNS, *extra], rows, header=True)
    return len(rows)


def _iso(ms: int | None) -> str | None:
    return iso_from_ms(ms) if ms else None


async def export_interactions(
    inbox: Inbox, out: TextIO, fmt: str, *, terminal: bool = False, spreadsheet: bool = False
) -> int:
    """The whole history (the audit trail), oldest first."""

    def shape(row: dict[str, Any]) -> dict[str, Any]:
        row["occurred_at"] = iso_from_ms(row.pop("occurred_ms"))
        row["customer"] = customer_key(row.pop("customer_id"))
        if fmt == "jsonl":
            row["detail"] = json.loads(row["detail"] or "{}")
        return row

    sink = _Sink(out, fmt, terminal, spreadsheet)
    return await sink.paged(inbox.customers.export_interactions, shape, INTERACTION_COLUMNS)


async def export_escalations(
    inbox: Inbox, out: TextIO, fmt: str, *, terminal: bool = False, spreadsheet: bool = False
) -> int:
    """Every escalation, oldest first, with its mention and customer."""

    def shape(row: dict[str, Any]) -> dict[str, Any]:
        for stage in ("created", "acked", "resolved"):
            row[f"{stage}_at"] = _iso(row.pop(f"{stage}_ms"))
        row["customer"] = customer_key(row.pop("customer_id"))
        return row

    sink = _Sink(out, fmt, terminal, spreadsheet)
    return await sink.paged(ExportStore(inbox.db).escalations, shape, ESCALATION_COLUMNS)


async def export_outbox(
    inbox: Inbox, out: TextIO, fmt: str, *, terminal: bool = False, spreadsheet: bool = False
) -> int:
    """Every reply, post and webhook delivery, oldest first. Stored errors are already
    free of secrets; they pass the credentials' redaction once more all the same."""
    redact = inbox.creds.redact

    def shape(row: dict[str, Any]) -> dict[str, Any]:
        for key in ("text", "last_error", "remote_url"):
            if row[key] is not None:
                row[key] = redact(row[key])
        mentions = [f"{channel}:{external_id}" for channel, external_id in row["mentions"]]
        row["mentions"] = mentions if fmt == "jsonl" else "; ".join(mentions)
        row["escalation"] = row.pop("escalation_id")
        row["next_try_at"] = _iso(row.pop("next_ms")) if row["state"] == "pending" else None
        for stage in ("created", "sent"):
            row[f"{stage}_at"] = _iso(row.pop(f"{stage}_ms"))
        return row

    sink = _Sink(out, fmt, terminal, spreadsheet)
    return await sink.paged(ExportStore(inbox.db).outbox, shape, OUTBOX_COLUMNS)


async def export_authors(
    inbox: Inbox, out: TextIO, fmt: str, *, terminal: bool = False, spreadsheet: bool = False
) -> int:
    """Every author, oldest first, with its link (how it was made: identity, auto,
    confirmed; suggested, rejected or none when unlinked), the linked customer and its
    score, and the open suggestions, most probable first."""

    def shape(row: dict[str, Any]) -> dict[str, Any]:
        row["name"] = row.pop("display_name")
        state = row.pop("match_state")
        row["link"] = state if state is not None else "none"
        row["customer"] = customer_key(row.pop("customer_id"))
        row["score"] = row.pop("match_score")
        suggestions = [
            {
                "customer": customer_key(cid),
                "name": name,
                "probability": probability,
                "score": score,
                "matched_on": fields,
            }
            for cid, name, score, fields, probability in row["suggestions"]
        ]
        row["suggestions"] = (
            suggestions
            if fmt == "jsonl"
            else TAG_SEPARATOR.join(
                f"{s['customer']} {s['name']} ({_percent(s['probability'])})" for s in suggestions
            )
        )
        # What the profile links to, each with whether its network proved it the author's
        # (the only kind the matcher takes as evidence); null when the network says nothing.
        links = _links(row.pop("links"))
        row["profile_links"] = (
            links
            if fmt == "jsonl"
            else TAG_SEPARATOR.join(
                f"{link['url']} ({'verified' if link['verified'] else 'unverified'})"
                for link in links or ()
            )
        )
        return row

    sink = _Sink(out, fmt, terminal, spreadsheet)
    return await sink.paged(ExportStore(inbox.db).authors, shape, AUTHOR_COLUMNS)


def _percent(probability: float | None) -> str:
    """`97%` in a CSV cell, `?` when the probability is not known."""
    return "?" if probability is None else f"{100 * probability:.1f}%"
