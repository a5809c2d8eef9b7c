"""What rules do to a batch, inside the caller's transaction, each change written by
SQLite for the whole batch at once (a rule may touch thousands of mentions per batch):
find their mentions, assign what nobody has, raise priorities, snooze; and count what a
rule would change."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scrm_tui.store import snooze
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all, fetch_one
from scrm_tui.store.history import IDS, ids_param, record_mentions

Statement = tuple[str, Mapping[str, Any]]  # SQL selecting mention ids, and its parameters

_OPEN = "m.status = 'open'"


async def matching_ids(conn: Connection, statement: Statement) -> list[int]:
    """The ids a statement from MentionStore.matching selects, in id order."""
    sql, params = statement
    return [int(row[0]) for row in await fetch_all(conn, sql, params)]


async def free_ids(conn: Connection, ids: Sequence[int], *, open_only: bool = False) -> list[int]:
    """Those of `ids` nobody is assigned (and still open, with `open_only`), in order."""
    rows = await fetch_all(
        conn,
        f"""SELECT m.id FROM mentions m WHERE m.id IN {IDS} AND m.assignee IS NULL
            AND ({_OPEN if open_only else "true"}) ORDER BY m.id""",
        {"ids": ids_param(ids)},
    )
    return [int(row[0]) for row in rows]


async def _update(conn: Connection, sql: str, params: dict[str, Any]) -> int:
    """Run an UPDATE ... RETURNING id; how many rows it changed."""
    return len(await fetch_all(conn, sql, params))


async def assign_free_in(
    conn: Connection, ids: Sequence[int], assignee: str, actor: str, now_ms: int
) -> int:
    """Assign to `assignee` those of `ids` nobody has; how many. Recorded as assign_in
    records an assignment (`assigned to dana`, from nobody)."""
    params = {"to": assignee}
    await record_mentions(
        conn,
        ids,
        "assign",
        actor,
        now_ms,
        summary="'assigned to ' || :to",
        detail="json_object('from', NULL, 'to', :to)",
        where="m.assignee IS NULL",
        params=params,
    )
    return await _update(
        conn,
        f"UPDATE mentions SET assignee = :to WHERE id IN {IDS} AND assignee IS NULL RETURNING id",
        {**params, "ids": ids_param(ids)},
    )


_RAISED = "min(100, coalesce(m.priority, 0) + :by)"


async def raise_priority_in(
    conn: Connection, ids: Sequence[int], points: int, actor: str, now_ms: int
) -> int:
    """Add `points` to each mention's priority, capped at 100 (an unscored one counts as
    0); how many changed, each in the history with the old and new priority."""
    params = {"by": points}
    await record_mentions(
        conn,
        ids,
        "priority",
        actor,
        now_ms,
        summary=f"'priority raised +' || :by || ' to ' || {_RAISED} "
        "|| coalesce(' (was ' || m.priority || ')', '')",
        detail=f"json_object('from', m.priority, 'to', {_RAISED}, 'by', :by)",
        where="coalesce(m.priority, 0) < 100",
        params=params,
    )
    return await _update(
        conn,
        # The rank `o` sorts by moves with it (core/priority.py: created + P0 * rate).
        f"""UPDATE mentions AS m SET priority = {_RAISED},
                priority_rank = coalesce(m.created_ms + {_RAISED}
                    * (SELECT ms_per_point FROM priority_weights WHERE id = 1), m.priority_rank)
            WHERE m.id IN {IDS} AND coalesce(m.priority, 0) < 100 RETURNING id""",
        {**params, "ids": ids_param(ids)},
    )


async def snooze_in(
    conn: Connection,
    ids: Sequence[int],
    until_ms: int,
    actor: str,
    now_ms: int,
    said: str,
) -> int:
    """Snooze mentions until `until_ms` (`said`: for how long, as the rule says it); how
    many changed. Written as `z` writes it, so every inbox notices and wakes them alike."""
    return len(await snooze.snooze_in(conn, ids, until_ms, actor, now_ms, f"snoozed for {said}"))


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
    conn: Connection,
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
