"""Escalations: create, acknowledge, resolve; each change lands in the history."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from typing import Any

from scrm_tui.core.models import Escalation
from scrm_tui.store import history
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, fetch_all, fetch_one
from scrm_tui.store.outbox.queue import insert_outbox

_COLUMNS = """e.id, e.mention_id, e.customer_id, e.team, e.priority, e.note, e.state,
    e.created_ms, e.created_by, e.acked_ms, e.acked_by, e.resolved_ms, e.resolved_by,
    e.resolution, m.channel, a.handle, c.name, substr(m.text, 1, 200),
    max((SELECT count(*) FROM escalation_mentions em WHERE em.escalation_id = e.id), 1)"""
_FROM = """FROM escalations e
    LEFT JOIN mentions m ON m.id = e.mention_id
    LEFT JOIN authors a ON a.id = e.author_id
    LEFT JOIN customers c ON c.id = coalesce(a.customer_id, e.customer_id)"""

# A webhook delivery to queue with an escalation change: (kind, "team/hook", body, key).
Delivery = tuple[str, str, str, str]


class EscalationStore:
    def __init__(self, db: Database):
        self.db = db

    async def create(
        self,
        *,
        mention_id: int | None,
        customer_id: int | None,
        team: str,
        priority: str,
        note: str,
        agent: str,
        now_ms: int,
        deliveries: Callable[[int], Sequence[Delivery]],
    ) -> int:
        """The escalation, its history entry and its webhook deliveries: one transaction,
        so a crash can never leave an escalation that nobody was told about."""
        async with self.db.transaction() as conn:
            escalation_id = await create_in(
                conn,
                mention_id=mention_id,
                customer_id=customer_id,
                team=team,
                priority=priority,
                note=note,
                agent=agent,
                now_ms=now_ms,
            )
            summary = f"escalated to {team} ({priority})" + (f": {note}" if note else "")
            channel = await _channel(conn, mention_id)
            await _history(conn, escalation_id, "opened", summary, agent, now_ms, channel)
            await queue_in(conn, escalation_id, deliveries(escalation_id), agent, now_ms)
        return escalation_id

    async def change(
        self,
        escalation_id: int,
        state: str,
        *,
        agent: str,
        now_ms: int,
        note: str = "",
        deliveries: Sequence[Delivery] = (),
    ) -> bool:
        """Acknowledge or resolve (or reopen); False when it was already in that state."""
        async with self.db.transaction() as conn:
            if state == "acknowledged":
                sql = "UPDATE escalations SET state = ?, acked_ms = ?, acked_by = ?"
                params: list[Any] = [state, now_ms, agent]
            elif state == "resolved":
                sql = (
                    "UPDATE escalations SET state = ?, resolved_ms = ?, resolved_by = ?, "
                    "resolution = ?"
                )
                params = [state, now_ms, agent, note]
            else:
                sql = "UPDATE escalations SET state = ?, resolved_ms = NULL, resolved_by = NULL"
                params = [state]
            cursor = await conn.execute(
                f"{sql} WHERE id = ? AND state != ?", [*params, escalation_id, state]
            )
            if not cursor.rowcount:
                return False
            row = await fetch_one(
                conn, "SELECT team, priority FROM escalations WHERE id = ?", (escalation_id,)
            )
            assert row is not None
            words = {"acknowledged": "acknowledged", "resolved": "resolved", "open": "reopened"}
            summary = f"escalation to {row[0]} ({row[1]}) {words[state]}" + (
                f": {note}" if note else ""
            )
            await _history(conn, escalation_id, state, summary, agent, now_ms, None)
            await queue_in(conn, escalation_id, deliveries, agent, now_ms)
        return True

    async def get(self, escalation_id: int) -> Escalation | None:
        found = await self._select("WHERE e.id = ?", [escalation_id])
        return found[0] if found else None

    async def listing(self, states: Collection[str] = (), limit: int = 1000) -> list[Escalation]:
        """Oldest open first: the ones that have waited longest are the most urgent."""
        where = f"WHERE e.state IN ({','.join('?' * len(states))})" if states else ""
        return await self._select(
            f"{where} ORDER BY e.state = 'resolved', e.created_ms LIMIT ?", [*states, limit]
        )

    async def page(
        self,
        states: Sequence[str],
        *,
        key: tuple[int, ...] | None = None,
        newer: bool = False,
        limit: int,
        upto: int | None = None,
    ) -> list[Escalation]:
        """Up to `limit` escalations in `states`, newest first, just after `key` (from
        the newest if None) or just before it (`newer`). Each state is read in the order
        of its index (state, created_ms, id) and the ids merged: a page costs its rows
        at any depth, never a sort of the queue."""
        op, direction = (">", "ASC") if newer else ("<", "DESC")
        params: dict[str, Any] = {"limit": limit, "upto": upto}
        arms = []
        for index, state in enumerate(states):
            params[f"s{index}"] = state
            where = [f"state = :s{index}"]
            if key is not None:
                params["ka"], params["ki"] = key
                where.append(f"created_ms {op}= :ka AND (created_ms, id) {op} (:ka, :ki)")
            if upto is not None:
                where.append("id <= :upto")
            arms.append(
                f"SELECT * FROM (SELECT created_ms, id FROM escalations"
                f" WHERE {' AND '.join(where)}"
                f" ORDER BY created_ms {direction}, id {direction} LIMIT :limit)"
            )
        ids = " UNION ALL ".join(arms)
        rows = await self._select(
            f"""WHERE e.id IN (SELECT id FROM ({ids})
                ORDER BY created_ms {direction}, id {direction} LIMIT :limit)
                ORDER BY e.created_ms DESC, e.id DESC""",
            params,
        )
        return rows

    async def page_at(
        self,
        states: Sequence[str],
        *,
        offset: int,
        limit: int,
        oldest_first: bool = False,
        upto: int | None = None,
    ) -> list[Escalation]:
        """`limit` escalations from position `offset` (from the oldest if asked): a jump
        far from what is held (a drag, `G`), which pays for the OFFSET once."""
        direction = "ASC" if oldest_first else "DESC"
        marks = ",".join("?" * len(states))
        below = "AND id <= ?" if upto is not None else ""
        found = await self._select(
            f"""WHERE e.id IN (SELECT id FROM escalations
                WHERE state IN ({marks}) {below}
                ORDER BY created_ms {direction}, id {direction} LIMIT ? OFFSET ?)
                ORDER BY e.created_ms DESC, e.id DESC""",
            [*states, *([upto] if upto is not None else []), limit, offset],
        )
        return found

    async def count(
        self, states: Sequence[str], upto: int | None = None, before: tuple[int, int] | None = None
    ) -> int:
        """How many are in `states` (stored up to `upto`; newer than `before` if given),
        counted from the index, no row read."""
        marks = ",".join("?" * len(states))
        where = [f"state IN ({marks})"]
        params: list[Any] = list(states)
        if upto is not None:
            where.append("id <= ?")
            params.append(upto)
        if before is not None:
            where.append("created_ms >= ? AND (created_ms, id) > (?, ?)")
            params += [before[0], *before]
        row = await fetch_one(
            self.db.reader, f"SELECT count(*) FROM escalations WHERE {' AND '.join(where)}", params
        )
        return int(row[0]) if row else 0

    async def late_and_due(
        self, now_ms: int, sla_ms: dict[str, int], default_ms: int
    ) -> tuple[int, int | None]:
        """How many unresolved ones are past their priority's SLA at `now_ms`, and when
        the next one will be (None: none will unless the escalations change)."""
        cases = " ".join("WHEN ? THEN ?" for _ in sla_ms)
        params: list[Any] = []
        for priority, ms in sla_ms.items():
            params += [priority, ms]
        row = await fetch_one(
            self.db.reader,
            f"""SELECT coalesce(sum(due < ?), 0), min(CASE WHEN due >= ? THEN due END)
                FROM (SELECT created_ms + CASE priority {cases} ELSE ? END AS due
                      FROM escalations WHERE state IN ('open', 'acknowledged'))""",
            [now_ms, now_ms, *params, default_ms],
        )
        if row is None:
            return 0, None
        return int(row[0]), (int(row[1]) if row[1] is not None else None)

    async def change_mark(self) -> tuple[int, int]:
        """Moves with every change to an escalation or to the outbox (which holds their
        webhook calls), kept by triggers."""
        row = await fetch_one(
            self.db.reader,
            "SELECT (SELECT seq FROM escalations_mark), (SELECT seq FROM outbox_mark)",
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def high_water(self) -> int:
        row = await fetch_one(self.db.reader, "SELECT coalesce(max(id), 0) FROM escalations")
        return int(row[0]) if row else 0

    async def for_mention(self, mention_id: int) -> list[Escalation]:
        return await self._select("WHERE e.mention_id = ? ORDER BY e.id", [mention_id])

    async def _select(self, tail: str, params: Sequence[Any] | dict[str, Any]) -> list[Escalation]:
        rows = list(await fetch_all(self.db.reader, f"SELECT {_COLUMNS} {_FROM} {tail}", params))
        if not rows:
            return []
        ids = [int(r[0]) for r in rows]
        deliveries: dict[int, list[tuple[str, str, str | None]]] = {}
        for esc, target, state, error in await fetch_all(
            self.db.reader,
            f"""SELECT escalation_id, target, state, last_error FROM outbox
                WHERE escalation_id IN ({",".join("?" * len(ids))}) ORDER BY id""",
            ids,
        ):
            deliveries.setdefault(int(esc), []).append((str(target), str(state), error))
        return [
            replace(Escalation(*row), deliveries=tuple(deliveries.get(int(row[0]), ())))
            for row in rows
        ]


async def create_in(
    conn: Connection,
    *,
    mention_id: int | None,
    customer_id: int | None,
    team: str,
    priority: str,
    note: str,
    agent: str,
    now_ms: int,
) -> int:
    """The escalation row (about `mention_id`, which it names), in the caller's
    transaction; the caller records it and queues its deliveries."""
    author_id = None
    if mention_id is not None:
        found = await fetch_one(
            conn,
            """SELECT m.author_id, a.customer_id FROM mentions m
               JOIN authors a ON a.id = m.author_id WHERE m.id = ?""",
            (mention_id,),
        )
        if found is not None:
            author_id, linked = found
            customer_id = customer_id or linked
    row = await fetch_one(
        conn,
        """INSERT INTO escalations (mention_id, author_id, customer_id, team, priority,
                                    note, created_ms, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        (mention_id, author_id, customer_id, team, priority, note, now_ms, agent),
    )
    assert row is not None
    escalation_id = int(row[0])
    if mention_id is not None:
        await conn.execute(
            "INSERT INTO escalation_mentions (escalation_id, mention_id) VALUES (?, ?)",
            (escalation_id, mention_id),
        )
    return escalation_id


async def _channel(conn: Connection, mention_id: int | None) -> str | None:
    if mention_id is None:
        return None
    row = await fetch_one(conn, "SELECT channel FROM mentions WHERE id = ?", (mention_id,))
    return str(row[0]) if row else None


async def _history(
    conn: Connection,
    escalation_id: int,
    event: str,
    summary: str,
    agent: str,
    now_ms: int,
    channel: str | None,
) -> None:
    esc = await fetch_one(
        conn,
        "SELECT customer_id, author_id, mention_id FROM escalations WHERE id = ?",
        (escalation_id,),
    )
    if esc is None:
        return
    detail = json.dumps({"escalation": escalation_id, "event": event})
    entry = history.Entry(
        "escalation", now_ms, agent, summary, detail, esc[0], esc[1], esc[2], channel
    )
    await history.record(conn, [entry])


async def queue_in(
    conn: Connection,
    escalation_id: int,
    deliveries: Sequence[Delivery],
    agent: str,
    now_ms: int,
) -> None:
    for kind, target, body, key in deliveries:
        await insert_outbox(
            conn,
            kind="webhook",
            channel=kind,
            text=body,
            key=key,
            mention_ids=(),
            agent=agent,
            now_ms=now_ms,
            target=target,
            escalation_id=escalation_id,
        )
