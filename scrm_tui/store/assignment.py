"""Who a mention is assigned to: one batch per transaction, each change in the history."""

from __future__ import annotations

from collections.abc import Sequence

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database
from scrm_tui.store.distinct import distinct_values
from scrm_tui.store.history import Entry, about_mentions, record

BATCH = 500  # mentions per transaction: a big selection never holds the lock for long


def _summary(old: str | None, new: str | None) -> str:
    if new is None:
        return f"unassigned (was {old})"
    return f"assigned to {new}" + (f" (was {old})" if old else "")


async def assign_in(
    conn: Connection,
    ids: Sequence[int],
    assignee: str | None,
    agent: str,
    now_ms: int,
) -> list[int]:
    """Assign `ids` to `assignee` (None: unassign) inside the caller's transaction;
    returns the mentions that changed. Each change is recorded with the old and new
    assignee, in the history of the mention's author and customer."""
    return list(await reassign_in(conn, ids, assignee, agent, now_ms))


async def reassign_in(
    conn: Connection,
    ids: Sequence[int],
    assignee: str | None,
    agent: str,
    now_ms: int,
) -> dict[int, str | None]:
    """As assign_in; returns each mention that changed with whom it was assigned to."""
    current = await about_mentions(conn, ids, "m.assignee")
    changed = [(mention_id, about, values[0]) for mention_id, (about, values) in current.items()]
    changed = [item for item in changed if item[2] != assignee]
    if not changed:
        return {}
    await conn.executemany(
        "UPDATE mentions SET assignee = ? WHERE id = ?",
        [(assignee, mention_id) for mention_id, _, _ in changed],
    )
    await record(
        conn,
        (
            Entry(
                kind="assign",
                occurred_ms=now_ms,
                actor=agent,
                summary=_summary(old, assignee),
                detail={"from": old, "to": assignee},
                customer_id=about.customer_id,
                author_id=about.author_id,
                mention_id=mention_id,
                channel=about.channel,
            )
            for mention_id, about, old in changed
        ),
    )
    return {mention_id: old for mention_id, _, old in changed}


class AssignmentStore:
    def __init__(self, db: Database):
        self.db = db

    async def assign(
        self, ids: Sequence[int], assignee: str | None, agent: str, now_ms: int
    ) -> list[int]:
        """One batch (up to BATCH mentions) in one transaction; see assign_in."""
        async with self.db.transaction() as conn:
            return await assign_in(conn, ids, assignee, agent, now_ms)

    async def assignees(self) -> list[str]:
        """Everyone some mention is assigned to (from the assignee index)."""
        return await distinct_values(self.db.reader, "mentions", "assignee")
