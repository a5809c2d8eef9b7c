"""What rules do to a batch that no other action does yet, inside the caller's transaction:
find their mentions, raise priorities, snooze; and count what a rule would change."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from scrm_tui.store.db import fetch_all, fetch_one
from scrm_tui.store.history import Entry, about_mentions, record

Statement = tuple[str, Mapping[str, Any]]  # SQL selecting mention ids, and its parameters


async def matching_ids(conn: aiosqlite.Connection, statement: Statement) -> list[int]:
    """The ids a statement from MentionStore.matching selects, in id order."""
    sql, params = statement
    return [int(row[0]) for row in await fetch_all(conn, sql, params)]


async def unassigned(
    conn: aiosqlite.Connection, ids: Sequence[int], *, open_only: bool = False
) -> list[int]:
    """Those of `ids` nobody is assigned (and still open, with `open_only`)."""
    current = await about_mentions(conn, ids, "m.assignee, m.status")
    return [
        mention_id
        for mention_id in ids
        if mention_id in current
        and current[mention_id][1][0] is None
        and (not open_only or current[mention_id][1][1] == "open")
    ]


async def raise_priority_in(
    conn: aiosqlite.Connection, ids: Sequence[int], points: int, actor: str, now_ms: int
) -> list[int]:
    """Add `points` to each mention's priority, capped at 100 (an unscored one counts as
    0); returns those that changed, each change in the history with old and new."""
    current = await about_mentions(conn, ids, "m.priority")
    changes = []
    for mention_id, (about, (old,)) in current.items():
        new = min(100, (old or 0) + points)
        if new != old:
            changes.append((mention_id, about, old, new))
    await conn.executemany(
        "UPDATE mentions SET priority = ? WHERE id = ?",
        [(new, mention_id) for mention_id, _, _, new in changes],
    )
    await record(
        conn,
        (
            Entry(
                kind="priority",
                occurred_ms=now_ms,
                actor=actor,
                summary=f"priority raised +{points} to {new}"
                + ("" if old is None else f" (was {old})"),
                detail={"from": old, "to": new, "by": points},
                customer_id=about.customer_id,
                author_id=about.author_id,
                mention_id=mention_id,
                channel=about.channel,
            )
            for mention_id, about, old, new in changes
        ),
    )
    return [mention_id for mention_id, _, _, _ in changes]


async def snooze_in(
    conn: aiosqlite.Connection,
    ids: Sequence[int],
    until_ms: int,
    actor: str,
    now_ms: int,
    said: str,
) -> list[int]:
    """Snooze mentions until `until_ms` (`said`: for how long, as the rule says it);
    returns those changed. The rows and the history entry (kind `snoozed`, detail
    `until` and `was_until`) are those i11-snooze's SnoozeStore.snooze writes, so every
    inbox notices and wakes them alike; once merged, this calls its in-transaction part."""
    current = await about_mentions(conn, ids, "m.snoozed_until_ms")
    changed = [
        (mention_id, about, was)
        for mention_id, (about, (was,)) in current.items()
        if was != until_ms
    ]
    await conn.executemany(
        "UPDATE mentions SET snoozed_until_ms = ? WHERE id = ?",
        [(until_ms, mention_id) for mention_id, _, _ in changed],
    )
    await record(
        conn,
        (
            Entry(
                kind="snoozed",
                occurred_ms=now_ms,
                actor=actor,
                summary=f"snoozed for {said}",
                detail={"until": until_ms, "was_until": was},
                customer_id=about.customer_id,
                author_id=about.author_id,
                mention_id=mention_id,
                channel=about.channel,
            )
            for mention_id, about, was in changed
        ),
    )
    return [mention_id for mention_id, _, _ in changed]


@dataclass(frozen=True)
class Would:
    """What one rule would change among the mentions its filter matches."""

    matched: int = 0
    tag: int = 0  # matches missing one of its tags
    assign: int = 0  # matches nobody is assigned (open ones, for round-robin)
    done: int = 0  # open matches
    snooze: int = 0  # matches not snoozed now
    escalate: int = 0  # matches never escalated to its team
    priority: int = 0  # matches below 100


async def would(
    conn: aiosqlite.Connection,
    statement: Statement,
    *,
    tags: Sequence[str],
    open_only: bool,
    team: str | None,
    now_ms: int,
) -> Would:
    """Count, in one query over the matches, what each action would change."""
    sql, params = statement
    row = await fetch_one(
        conn,
        f"""SELECT count(*),
                coalesce(sum((SELECT count(*) FROM mention_tags t WHERE t.mention_id = r.id
                               AND t.tag IN (SELECT value FROM json_each(:r_tags)))
                              < :r_tag_count), 0),
                coalesce(sum(r.assignee IS NULL AND (NOT :r_open_only OR r.status = 'open')), 0),
                coalesce(sum(r.status = 'open'), 0),
                coalesce(sum(r.snoozed_until_ms IS NULL OR r.snoozed_until_ms <= :r_now), 0),
                coalesce(sum(NOT EXISTS (SELECT 1 FROM escalations e
                                         WHERE e.mention_id = r.id AND e.team = :r_team)), 0),
                coalesce(sum(coalesce(r.priority, 0) < 100), 0)
            FROM mentions r WHERE r.id IN ({sql})""",
        {
            **params,
            "r_tags": json.dumps(list(tags)),
            "r_tag_count": len(tags),
            "r_open_only": open_only,
            "r_now": now_ms,
            "r_team": team,
        },
    )
    return Would(*(int(value) for value in row)) if row else Would()
