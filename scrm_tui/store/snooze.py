"""Snoozes: put mentions away until a moment, wake them (unread for everyone), recorded.

Each snooze and each wake-up is a row of the history (`interactions`, kinds `snoozed`
and `woke`), which is also how every open inbox learns which mentions left or came
back: it reads those rows after the last one it saw (index interactions_kind).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from scrm_tui.store import history
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, fetch_all, fetch_one

_CHUNK = 500
SNOOZED = "snoozed"
WOKE = "woke"
WAKER = "scrm"  # the actor of a wake-up that came due: no person did it


@dataclass(frozen=True)
class Change:
    """A mention snoozed or woken, as the history has it."""

    event_id: int  # the interactions row
    kind: str  # SNOOZED or WOKE
    mention_id: int


async def _targets(
    conn: Connection, ids: Sequence[int], condition: str, *params: object
) -> list[tuple[int, int, int | None, str, int | None]]:
    """(id, author, customer, channel, snoozed until) of `ids` meeting `condition`."""
    found = []
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ",".join("?" * len(chunk))
        found += await fetch_all(
            conn,
            f"""SELECT m.id, m.author_id, a.customer_id, m.channel, m.snoozed_until_ms
                FROM mentions m JOIN authors a ON a.id = m.author_id
                WHERE m.id IN ({marks}) AND {condition}""",
            [*chunk, *params],
        )
    return found


async def _record(
    conn: Connection,
    kind: str,
    actor: str,
    now_ms: int,
    rows: Sequence[tuple[int, int, int | None, str, int | None]],
    summary: str,
    detail: dict[str, object],
) -> None:
    await history.record(
        conn,
        [
            history.Entry(
                kind,
                now_ms,
                actor,
                summary,
                json.dumps({**detail, "was_until": until}),
                customer,
                author,
                mention,
                channel,
            )
            for mention, author, customer, channel, until in rows
        ],
    )


async def _wake(
    conn: Connection,
    rows: Sequence[tuple[int, int, int | None, str, int | None]],
    actor: str,
    now_ms: int,
    summary: str,
) -> list[int]:
    """Back in the inbox, unread for every agent, recorded."""
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        await conn.execute(
            f"UPDATE mentions SET snoozed_until_ms = NULL WHERE id IN ({marks})", chunk
        )
        await conn.execute(f"DELETE FROM mention_reads WHERE mention_id IN ({marks})", chunk)
    await _record(conn, WOKE, actor, now_ms, rows, summary, {})
    return ids


async def _set_until(conn: Connection, ids: Sequence[int], until_ms: int | None) -> None:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        await conn.execute(
            f"UPDATE mentions SET snoozed_until_ms = ? WHERE id IN ({','.join('?' * len(chunk))})",
            [until_ms, *chunk],
        )


async def snooze_in(
    conn: Connection,
    ids: Sequence[int],
    until_ms: int,
    agent: str,
    now_ms: int,
    summary: str,
) -> dict[int, int | None]:
    """Put mentions away until `until_ms` (`summary`: for the history, `snoozed until
    Mon 9:00`), inside the caller's transaction; returns those changed, each with when
    it was snoozed until before (None: it was awake)."""
    rows = await _targets(conn, ids, "m.snoozed_until_ms IS NOT ?", until_ms)
    await _set_until(conn, [row[0] for row in rows], until_ms)
    await _record(conn, SNOOZED, agent, now_ms, rows, summary, {"until": until_ms})
    return {row[0]: row[4] for row in rows}


async def put_back_in(
    conn: Connection,
    ids: Sequence[int],
    until_ms: int | None,
    agent: str,
    now_ms: int,
    summary: str,
) -> None:
    """Undo a snooze: as before it (awake, None, or snoozed until `until_ms`). Reads are
    left as they are: the mention did not come due, it was never put away."""
    rows = await _targets(conn, ids, "1 = 1")
    await _set_until(conn, ids, until_ms)
    if until_ms is None:
        await _record(conn, WOKE, agent, now_ms, rows, summary, {})
    else:
        await _record(conn, SNOOZED, agent, now_ms, rows, summary, {"until": until_ms})


async def snoozed_until(conn: Connection, ids: Sequence[int]) -> dict[int, int | None]:
    """When each stored mention of `ids` is snoozed until (None: awake)."""
    return {row[0]: row[4] for row in await _targets(conn, ids, "1 = 1")}


class SnoozeStore:
    def __init__(self, db: Database):
        self.db = db

    async def snooze(
        self, ids: Sequence[int], until_ms: int, agent: str, now_ms: int, said: str
    ) -> list[int]:
        """Put mentions away until `until_ms`; returns those changed (one already
        snoozed until then is not)."""
        async with self.db.transaction() as conn:
            changed = await snooze_in(conn, ids, until_ms, agent, now_ms, f"snoozed until {said}")
            return list(changed)

    async def wake(self, ids: Sequence[int], agent: str, now_ms: int) -> list[int]:
        """Wake snoozed mentions now, before they are due; returns those woken."""
        async with self.db.transaction() as conn:
            rows = await _targets(conn, ids, "m.snoozed_until_ms IS NOT NULL")
            return await _wake(conn, rows, agent, now_ms, f"woken early by {agent}")

    async def wake_due(self, now_ms: int, limit: int = -1) -> list[int]:
        """Wake the mentions whose snooze has ended (`limit`: at most so many, those due
        first). Any number of processes may call this at once: the write lock lets one
        find them, the others find none."""
        due_ms = await self.next_due()
        if due_ms is None or due_ms > now_ms:
            return []  # the usual case costs a read, not the write lock
        # No LIMIT for none: SQLite reads LIMIT -1 so, PostgreSQL refuses it.
        capped = " LIMIT ?" if limit >= 0 else ""
        async with self.db.transaction() as conn:
            due = [
                row[0]
                for row in await fetch_all(
                    conn,
                    f"""SELECT id FROM mentions WHERE snoozed_until_ms <= ?
                        ORDER BY snoozed_until_ms{capped}""",
                    (now_ms, limit) if limit >= 0 else (now_ms,),
                )
            ]
            rows = await _targets(conn, due, "m.snoozed_until_ms IS NOT NULL")
            return await _wake(conn, rows, WAKER, now_ms, "snooze ended")

    async def next_due(self) -> int | None:
        """When the next snooze ends (ms), if any mention is snoozed."""
        row = await fetch_one(
            self.db.reader,
            "SELECT min(snoozed_until_ms) FROM mentions WHERE snoozed_until_ms IS NOT NULL",
        )
        return int(row[0]) if row and row[0] is not None else None

    async def last_change(self) -> int:
        """The newest snooze or wake-up in the history (0: none)."""
        row = await fetch_one(
            self.db.reader,
            "SELECT max(id) FROM interactions WHERE kind IN (?, ?)",
            (SNOOZED, WOKE),
        )
        return int(row[0]) if row and row[0] is not None else 0

    async def changes_after(self, event_id: int, limit: int = 10_000) -> list[Change]:
        """Snoozes and wake-ups recorded after `event_id`, oldest first."""
        rows = await fetch_all(
            self.db.reader,
            """SELECT id, kind, mention_id FROM interactions
               WHERE kind IN (?, ?) AND id > ? AND mention_id IS NOT NULL
               ORDER BY id LIMIT ?""",
            (SNOOZED, WOKE, event_id, limit),
        )
        return [Change(int(r[0]), str(r[1]), int(r[2])) for r in rows]
