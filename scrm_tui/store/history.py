"""Writing the history (`interactions`): the customer timeline and the audit trail."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all, fetch_one

_CHUNK = 500
# A list of ids bound as one parameter (integers on both engines: json_each's values are
# text on PostgreSQL)
IDS = "(SELECT CAST(value AS INTEGER) FROM json_each(:ids))"


def ids_param(ids: Sequence[int]) -> str:
    """Ids as the one JSON parameter IDS reads: any number, one statement."""
    return json.dumps([int(i) for i in ids])


class Entry(NamedTuple):
    """One thing that happened, by `actor`, to a mention, an author or a customer.
    `detail` is a dict, or JSON text its caller encoded (kept as written)."""

    kind: str
    occurred_ms: int
    actor: str | None
    summary: str | None
    detail: dict[str, Any] | str
    customer_id: int | None = None
    author_id: int | None = None
    mention_id: int | None = None
    channel: str | None = None
    direction: str | None = None  # 'in' or 'out' (an offline contact, a reply)
    compound: float | None = None  # an offline contact's mood, -1..1


# The one place the history is written: every entry goes through record, record_one or
# record_mentions, inside the transaction of the change it describes.
_INSERT = """INSERT INTO interactions (kind, occurred_ms, actor, customer_id, author_id,
                                       mention_id, channel, summary, detail, direction,
                                       compound)"""


def _row(e: Entry) -> tuple[Any, ...]:
    detail = e.detail if isinstance(e.detail, str) else json.dumps(e.detail, ensure_ascii=False)
    return (
        e.kind,
        e.occurred_ms,
        e.actor,
        e.customer_id,
        e.author_id,
        e.mention_id,
        e.channel,
        e.summary,
        detail,
        e.direction,
        e.compound,
    )


async def record(conn: Connection, entries: Iterable[Entry]) -> None:
    """Append entries inside the caller's transaction (with the change they describe)."""
    await conn.executemany(
        f"{_INSERT} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [_row(e) for e in entries]
    )


async def record_one(conn: Connection, entry: Entry) -> int:
    """Append one entry inside the caller's transaction; its id."""
    row = await fetch_one(
        conn, f"{_INSERT} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", _row(entry)
    )
    assert row is not None  # an INSERT … RETURNING returns its row
    return int(row[0])


def identity_link(
    occurred_ms: int, customer_id: int, author_id: int, channel: str, handle: str
) -> Entry:
    """An author linked to a customer because its handle is one of theirs."""
    return Entry(
        "link",
        occurred_ms,
        "scrm",
        f"linked by a known handle: {handle}",
        '{"how": "identity"}',
        customer_id=customer_id,
        author_id=author_id,
        channel=channel,
    )


class About(NamedTuple):
    """Whose history a change to a mention belongs in: its author and their customer."""

    author_id: int
    customer_id: int | None
    channel: str


async def about_mentions(
    conn: Connection, ids: Sequence[int], columns: str = ""
) -> dict[int, tuple[About, tuple[Any, ...]]]:
    """For each stored mention of `ids`: whom it concerns, and the extra `columns` of
    `mentions m` asked for (its current values, read in the caller's transaction)."""
    found: dict[int, tuple[About, tuple[Any, ...]]] = {}
    extra = f", {columns}" if columns else ""
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        rows = await fetch_all(
            conn,
            f"""SELECT m.id, m.author_id, a.customer_id, m.channel{extra}
                FROM mentions m JOIN authors a ON a.id = m.author_id
                WHERE m.id IN ({",".join("?" * len(chunk))})""",
            chunk,
        )
        for row in rows:
            found[row[0]] = (About(row[1], row[2], row[3]), tuple(row[4:]))
    return found


async def record_mentions(
    conn: Connection,
    ids: Sequence[int],
    kind: str,
    actor: str,
    now_ms: int,
    *,
    summary: str,
    detail: str,
    where: str = "true",
    params: dict[str, Any] | None = None,
) -> None:
    """One entry for each of the mentions `ids` (those meeting `where`), inside the
    caller's transaction, written by SQLite in one statement rather than row by row:
    `summary` and `detail` are SQL expressions over `m` (the mention, as it is before the
    change is made) and bound `params`, never text pasted in."""
    await conn.execute(
        f"""{_INSERT}
            SELECT :kind, :now, :actor, a.customer_id, m.author_id, m.id, m.channel,
                   {summary}, {detail}, NULL, NULL
            FROM mentions m JOIN authors a ON a.id = m.author_id
            WHERE m.id IN {IDS} AND ({where}) ORDER BY m.id""",
        {**(params or {}), "ids": ids_param(ids), "kind": kind, "now": now_ms, "actor": actor},
    )
