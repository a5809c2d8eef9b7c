"""A mention's status and reads set, with their history rows."""

from __future__ import annotations

from collections.abc import Sequence

from scrm_tui.core.models import Status
from scrm_tui.store import history
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all
from scrm_tui.store.mentions.base import MentionBase
from scrm_tui.store.mentions.plan import _CHUNK


class MentionStatus(MentionBase):
    """Status and reads of mentions, set by an agent."""

    async def set_status(
        self, ids: Sequence[int], status: Status, agent: str, now_ms: int
    ) -> list[int]:
        """Set the shared status; record each real change in the history."""
        async with self.db.transaction() as conn:
            return await set_status_in(conn, ids, status, agent, now_ms)

    async def set_read(self, ids: Sequence[int], agent: str, read: bool, now_ms: int) -> None:
        # Reads are the agent's own: their inboxes learn of them from read_changes, and
        # every other agent's inbox has nothing to look at.
        async with self.db.transaction(wakes=False) as conn:
            await set_read_in(conn, ids, agent, read, now_ms)
            await self.db.nudge(conn)


async def set_read_in(
    conn: Connection, ids: Sequence[int], agent: str, read: bool, now_ms: int
) -> None:
    """Read or unread for `agent` (each agent has their own), in the caller's transaction."""
    if read:
        await conn.executemany(
            "INSERT OR IGNORE INTO mention_reads (mention_id, agent, read_ms) VALUES (?, ?, ?)",
            [(mention_id, agent, now_ms) for mention_id in ids],
        )
    else:
        await conn.executemany(
            "DELETE FROM mention_reads WHERE mention_id = ? AND agent = ?",
            [(mention_id, agent) for mention_id in ids],
        )


async def set_status_in(
    conn: Connection, ids: Sequence[int], status: Status, agent: str, now_ms: int
) -> list[int]:
    """set_status inside the caller's transaction (a sent reply marks its mentions done)."""
    changed: list[int] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ",".join("?" * len(chunk))
        rows = list(
            await fetch_all(
                conn,
                f"""SELECT m.id, m.status, m.author_id, a.customer_id, m.channel
                FROM mentions m JOIN authors a ON a.id = m.author_id
                WHERE m.id IN ({marks}) AND m.status != ?""",
                [*chunk, status.value],
            )
        )
        if not rows:
            continue
        await conn.executemany(
            "UPDATE mentions SET status = ?, status_ms = ?, status_by = ? WHERE id = ?",
            [(status.value, now_ms, agent, row[0]) for row in rows],
        )
        await history.record(
            conn,
            [
                history.Entry(
                    "status",
                    now_ms,
                    agent,
                    f"marked {status.value}",
                    {"from": row[1], "to": status.value},
                    customer_id=row[3],
                    author_id=row[2],
                    mention_id=row[0],
                    channel=row[4],
                )
                for row in rows
            ],
        )
        changed.extend(row[0] for row in rows)
    return changed
