"""Advocacy's reads (each author's voice, recommendations, answers, thanks) and its
records (rewards, approvals), all in the history table, the audit trail."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from scrm_tui.core.advocacy import (
    ANSWER,
    CONFIRMED,
    POSITIVE,
    RECOMMEND_WORDS,
    RECOMMENDATION,
    THANKED,
)
from scrm_tui.core.handles import handle_key
from scrm_tui.store import history
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all, fetch_one

# As schema step 39's partial indexes say them, so that a read uses them.
from scrm_tui.store.schema import ADVOCACY_ANSWER, ADVOCACY_THANKS

# The recommend-words as one FTS5 query, each term quoted (`"recommend"*` is FTS5's
# `recommend*`) as the filter's own queries are: the form PostgreSQL's tsquery reads.
_RECOMMENDING = " OR ".join(
    w if w.startswith('"') else f'"{w[:-1]}"*' if w.endswith("*") else f'"{w}"'
    for w in RECOMMEND_WORDS
)

REWARD = "reward"
APPROVED = "advocate_approved"
WITHDRAWN = "advocate_withdrawn"  # an approval taken back: the author awaits again

# The brand's own mentions (competitors' watch sets have names); feeds are sites and
# alerts (one "author" for many writers), not people, so they advocate nothing.
_BRAND = "m.watch_set IS NULL AND m.channel != 'rss'"
_WINDOW = "m.created_ms >= :start AND m.created_ms < :end"


class Voice(NamedTuple):
    """One author's scored mentions in the window."""

    author_id: int
    positive: int
    negative: int
    scored: int
    mean: float
    positive_points: float  # Σ 0.5^(age / half-life) over the positive mentions
    last_ms: int
    customer_id: int | None  # the customer the author is linked to, if any


async def voices(
    conn: Connection, windows: Sequence[tuple[int, int]], half_life_ms: float
) -> list[dict[int, Voice]]:
    """For each [start, end) window, every author with a scored mention of the brand in
    it: one pass over the windows' mentions together (mentions_stream), however many
    windows (they overlap: a range's 90 days and the 90 days before its start)."""
    params: dict[str, float] = {"lo": min(w[0] for w in windows), "hi": max(w[1] for w in windows)}
    columns = []
    for k, (start, end) in enumerate(windows):
        params[f"s{k}"], params[f"e{k}"] = start, end
        inside = f"m.created_ms >= :s{k} AND m.created_ms < :e{k}"
        # Aggregates with FILTER, not CASE inside them: the same answers, 14% less CPU
        # over two 90-day windows at 1M.
        columns.append(
            f"""count(*) FILTER (WHERE {inside} AND m.compound >= 0.05),
                count(*) FILTER (WHERE {inside} AND m.compound <= -0.05),
                count(*) FILTER (WHERE {inside}), avg(m.compound) FILTER (WHERE {inside}),
                coalesce(sum(pow(0.5, (:e{k} - m.created_ms) / :half))
                    FILTER (WHERE {inside} AND m.compound >= 0.05), 0),
                max(m.created_ms) FILTER (WHERE {inside})"""
        )
    params["half"] = half_life_ms
    rows = await fetch_all(
        conn,
        # The author's customer read with their voice, once per author: the promoters
        # and detractors' customers need no second lookup of ~50k ids (0.6 s at 1M).
        f"""SELECT m.author_id, (SELECT a.customer_id FROM authors a WHERE a.id = m.author_id),
                   {", ".join(columns)}
            FROM mentions m
            WHERE m.created_ms >= :lo AND m.created_ms < :hi AND m.compound IS NOT NULL
              AND {_BRAND}
            GROUP BY m.author_id""",
        params,
    )
    found: list[dict[int, Voice]] = [{} for _ in windows]
    for row in rows:
        author, customer = int(row[0]), row[1]
        for k in range(len(windows)):
            pos, neg, scored, mean, points, last = row[2 + 6 * k : 8 + 6 * k]
            if scored:
                found[k][author] = Voice(author, pos, neg, scored, mean, points, last, customer)
    return found


class Earning(NamedTuple):
    """How many of an author's mentions in a window earned more than a positive one,
    by kind (each mention its best kind only)."""

    recommendations: int
    answers: int
    thanked: int
    taken_back: int  # positive mentions that earned more: their own point is not counted


@dataclass
class Earnings:
    """A window's earnings beyond positive mentions: each author's points at its end
    (tens of thousands of authors at 1M), and what `kinds` needs to say of what they
    are made for the few asked about."""

    window: tuple[int, int]
    points: dict[int, float]
    recommended: dict[int, int]  # author: recommendations that are not answers
    thanked: set[int]  # the answers thanked in the window


async def earnings(
    conn: Connection,
    windows: Sequence[tuple[int, int]],
    brand: Iterable[int],
    half_life_ms: float,
) -> list[Earnings]:
    """For each [start, end) window, each author's earnings beyond positive mentions:
    replies, scored and not negative, to another person's question (a `?`) or negative
    mention, that person not one of the `brand` accounts, thanked when the asker
    replied positively in the window (the replies kept with their parents, schema
    step 39; added up in SQL); and positive mentions holding a recommend-word
    (core/advocacy.RECOMMEND_WORDS, through the search index) that are not answers.
    One read of each for all the windows."""
    ids = history.ids_param(sorted(brand))
    span = _spanning(windows)
    # The thanks: a positive reply whose parent's parent is the replier's own post.
    thanks = await fetch_all(
        conn,
        f"""SELECT r.id, m.created_ms
            FROM advocacy_replies m INDEXED BY advocacy_thanks
            JOIN advocacy_replies r ON r.id = m.parent_id
            WHERE m.created_ms >= :start AND m.created_ms < :end AND m.{ADVOCACY_THANKS}
              AND r.parent_author = m.author_id AND r.author_id != m.author_id""",
        span,
    )
    thanked = [{int(r) for r, at in thanks if start <= at < end} for start, end in windows]
    params: dict[str, object] = {
        **span,
        "ids": ids,
        "half": half_life_ms,
        "answer": ANSWER - POSITIVE,
        "thanks": THANKED - POSITIVE,
    }
    sums = []
    for k, (start, end) in enumerate(windows):
        params.update(
            {f"s{k}": start, f"e{k}": end, f"t{k}": history.ids_param(sorted(thanked[k]))}
        )
        sums.append(
            f"""coalesce(sum((CASE WHEN id IN (SELECT CAST(value AS INTEGER) FROM json_each(:t{k}))
                                   THEN :thanks ELSE :answer END + 1 - positive)
                              * pow(0.5, (:e{k} - created_ms) / :half))
                         FILTER (WHERE created_ms >= :s{k} AND created_ms < :e{k}), 0)"""
        )
    rows = await fetch_all(
        conn,
        f"""SELECT author_id, {", ".join(sums)}
            FROM (SELECT id, author_id, created_ms, compound >= 0.05 AS positive
                  FROM advocacy_replies INDEXED BY advocacy_answers
                  WHERE created_ms >= :start AND created_ms < :end AND {ADVOCACY_ANSWER}
                    AND parent_author NOT IN {history.IDS} AND author_id NOT IN {history.IDS})
            GROUP BY author_id""",
        params,
    )
    found = [
        Earnings(w, {int(r[0]): r[1 + k] for r in rows if r[1 + k]}, {}, thanked[k])
        for k, w in enumerate(windows)
    ]
    recommended = await fetch_all(
        conn,
        f"""SELECT m.author_id, m.created_ms
            FROM mentions_fts JOIN mentions m ON m.id = mentions_fts.rowid
            WHERE mentions_fts MATCH :words AND {_WINDOW} AND m.compound >= 0.05
              AND {_BRAND} AND m.author_id NOT IN {history.IDS}
              AND NOT EXISTS (SELECT 1 FROM advocacy_replies a
                              WHERE a.id = m.id AND {ADVOCACY_ANSWER}
                                AND a.parent_author NOT IN {history.IDS})""",
        {**span, "ids": ids, "words": _RECOMMENDING},
    )
    half = half_life_ms
    for earned in found:
        start, end = earned.window
        for author, at in recommended:
            if start <= at < end:
                added = (RECOMMENDATION - POSITIVE) * 0.5 ** ((end - at) / half)
                earned.points[author] = earned.points.get(author, 0.0) + added
                earned.recommended[author] = earned.recommended.get(author, 0) + 1
    return found


async def kinds(
    conn: Connection, earned: Earnings, authors: Iterable[int], brand: Iterable[int]
) -> dict[int, Earning]:
    """What these authors' earnings in the window are made of, by kind."""
    wanted = sorted(authors)
    rows = await fetch_all(
        conn,
        f"""SELECT author_id, id, compound >= 0.05
            FROM advocacy_replies INDEXED BY advocacy_answers
            WHERE created_ms >= :start AND created_ms < :end AND {ADVOCACY_ANSWER}
              AND parent_author NOT IN {history.IDS}
              AND author_id IN (SELECT CAST(value AS INTEGER) FROM json_each(:of))""",
        {
            "start": earned.window[0],
            "end": earned.window[1],
            "ids": history.ids_param(sorted(brand)),
            "of": history.ids_param(wanted),
        },
    )
    counts = {a: [earned.recommended.get(a, 0), 0, 0, earned.recommended.get(a, 0)] for a in wanted}
    for author, mention, positive in rows:
        found = counts[int(author)]
        found[2 if mention in earned.thanked else 1] += 1
        found[3] += bool(positive)
    return {a: Earning(*c) for a, c in counts.items()}


def _spanning(windows: Sequence[tuple[int, int]]) -> dict[str, int]:
    """One read for several windows: from the first start to the last end."""
    return {"start": min(w[0] for w in windows), "end": max(w[1] for w in windows)}


async def author_ids(conn: Connection, accounts: Iterable[tuple[str, str]]) -> set[int]:
    """The stored authors that are these (network, handle) accounts."""
    found: set[int] = set()
    for network, handle in accounts:
        row = await fetch_one(
            conn,
            "SELECT id FROM authors WHERE channel = ? AND handle_key = ?",
            (network, handle_key(network, handle)),
        )
        if row is not None:
            found.add(int(row[0]))
    return found


async def approved(conn: Connection) -> set[int]:
    """Authors an agent approved as advocates and did not take it back since (each one's
    newest approval entry decides; index interactions_kind)."""
    rows = await fetch_all(
        conn,
        # Each author's newest entry found by id, then read: not SQLite's bare column
        # beside max(), which PostgreSQL does not take.
        """SELECT author_id, kind FROM interactions WHERE id IN
           (SELECT max(id) FROM interactions WHERE kind IN (?, ?) GROUP BY author_id)""",
        (APPROVED, WITHDRAWN),
    )
    return {int(r[0]) for r in rows if r[0] is not None and r[1] == APPROVED}


class Who(NamedTuple):
    author_id: int
    channel: str
    handle: str
    name: str | None
    customer_id: int | None
    customer: str | None
    confirmed: bool  # linked to a customer for sure (confirmed, or the customer's handle)


async def who(conn: Connection, ids: Iterable[int]) -> dict[int, Who]:
    wanted = list(ids)
    if not wanted:
        return {}
    states = ", ".join(f"'{state}'" for state in CONFIRMED)
    rows = await fetch_all(
        conn,
        f"""SELECT a.id, a.channel, a.handle, a.display_name, a.customer_id, c.name,
                   a.customer_id IS NOT NULL AND a.match_state IN ({states})
            FROM authors a LEFT JOIN customers c ON c.id = a.customer_id
            WHERE a.id IN {history.IDS}""",
        {"ids": history.ids_param(wanted)},
    )
    return {int(r[0]): Who(int(r[0]), r[1], r[2], r[3], r[4], r[5], bool(r[6])) for r in rows}


class Reward(NamedTuple):
    id: int
    occurred_ms: int
    agent: str | None
    kind: str
    note: str
    customer_id: int | None
    customer: str | None
    author_id: int | None
    handle: str | None
    channel: str | None


async def rewards_between(conn: Connection, start: int, end: int) -> int:
    row = await fetch_one(
        conn,
        "SELECT count(*) FROM interactions WHERE kind = ? AND occurred_ms >= ? AND occurred_ms < ?",
        (REWARD, start, end),
    )
    return int(row[0]) if row else 0


async def rewards(conn: Connection, limit: int) -> tuple[list[Reward], int]:
    """The newest `limit` rewards, newest first, and how many there are in all."""
    rows = await fetch_all(
        conn,
        """SELECT i.id, i.occurred_ms, i.actor, coalesce(json_extract(i.detail, '$.kind'), ''),
                  coalesce(json_extract(i.detail, '$.note'), ''), i.customer_id, c.name,
                  i.author_id, a.handle, coalesce(i.channel, a.channel)
           FROM interactions i
           LEFT JOIN customers c ON c.id = i.customer_id
           LEFT JOIN authors a ON a.id = i.author_id
           WHERE i.kind = ? ORDER BY i.id DESC LIMIT ?""",
        (REWARD, limit),
    )
    total = await fetch_one(conn, "SELECT count(*) FROM interactions WHERE kind = ?", (REWARD,))
    return [Reward(*r) for r in rows], int(total[0]) if total else 0


async def record_reward(
    conn: Connection,
    *,
    kind: str,
    note: str,
    agent: str,
    now_ms: int,
    customer_id: int | None,
    author_id: int | None,
) -> None:
    """A reward in the customer's (or the author's) history, inside the caller's
    transaction; an author's reward goes to their customer too, when linked."""
    channel = None
    if author_id is not None:
        row = await fetch_one(
            conn, "SELECT customer_id, channel FROM authors WHERE id = ?", (author_id,)
        )
        if row is not None:
            customer_id = customer_id if customer_id is not None else row[0]
            channel = row[1]
    summary = f"reward: {kind}" + (f" — {note}" if note else "")
    entry = history.Entry(
        REWARD,
        now_ms,
        agent,
        summary,
        {"kind": kind, "note": note},
        customer_id=customer_id,
        author_id=author_id,
        channel=channel,
    )
    await history.record(conn, [entry])


async def approve(
    conn: Connection, author_id: int, agent: str, now_ms: int, *, approved: bool = True
) -> None:
    """An agent counts this author's points although their link is not confirmed, or
    (`approved=False`) takes that back; either is recorded in their history."""
    row = await fetch_one(
        conn, "SELECT customer_id, channel, handle FROM authors WHERE id = ?", (author_id,)
    )
    customer_id, channel, handle = row if row is not None else (None, None, "")
    entry = history.Entry(
        APPROVED if approved else WITHDRAWN,
        now_ms,
        agent,
        f"approved {handle} as an advocate"
        if approved
        else f"took back the approval of {handle} as an advocate",
        {},
        customer_id=customer_id,
        author_id=author_id,
        channel=channel,
    )
    await history.record(conn, [entry])
