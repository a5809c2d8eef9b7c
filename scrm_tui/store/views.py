"""The views each agent saved: a name and a filter, in the order they were saved."""

from __future__ import annotations

from collections.abc import Sequence

from scrm_tui.store import history
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, fetch_all, fetch_one


class ViewNameTaken(Exception):
    """The agent already has a view of this name (in any case); `filter` is its filter."""

    def __init__(self, name: str, filter: str):
        super().__init__(name)
        self.name = name
        self.filter = filter


class SavedViewStore:
    def __init__(self, db: Database):
        self.db = db

    async def list(self, agent: str) -> list[tuple[str, str]]:
        """(name, filter) of each of `agent`'s views, first saved first."""
        rows = await fetch_all(
            self.db.reader,
            "SELECT name, filter FROM saved_views WHERE agent = ? ORDER BY position",
            (agent,),
        )
        return [(name, source) for name, source in rows]

    async def count_inputs(self, agent: str) -> tuple[object, ...]:
        """A mark that changes whenever something `agent`'s unread counts depend on may
        have: a mention stored, a recorded change (status, tags, a view saved...), one
        of their reads, a claim. Every part is an index lookup or a tiny table, so
        writes nothing here cares about (a collector's lease, a heartbeat) cost a
        viewer one cheap read, not a recount."""
        row = await fetch_one(
            self.db.reader,
            """SELECT (SELECT max(id) FROM mentions),
                      (SELECT max(id) FROM interactions),
                      (SELECT changes FROM read_changes WHERE agent = :agent),
                      (SELECT count(*) FROM claims),
                      (SELECT max(since_ms) FROM claims),
                      (SELECT max(seq) FROM read_log WHERE agent = :agent)""",
            {"agent": agent},
        )
        return tuple(row)

    async def reads_after(
        self, agent: str, seq: int, limit: int
    ) -> tuple[tuple[int, bool], ...] | None:
        """(mention, read or unread) of `agent`'s reads logged after `seq`, oldest first,
        at most `limit`; None when the log no longer reaches back to `seq`."""
        rows = await fetch_all(
            self.db.reader,
            """SELECT seq, mention_id, read FROM read_log
               WHERE agent = ? AND seq > ? ORDER BY seq LIMIT ?""",
            (agent, seq, limit),
        )
        if (
            rows
            and seq
            and not await fetch_one(
                self.db.reader, "SELECT 1 FROM read_log WHERE seq <= ? LIMIT 1", (seq,)
            )
        ):
            return None  # pruned past where the caller stands: it cannot catch up this way
        return tuple((int(mention_id), bool(read)) for _, mention_id, read in rows)

    async def read_among(self, agent: str, ids: Sequence[int]) -> set[int]:
        """Which of these mentions `agent` has read now."""
        marks = ",".join("?" * len(ids))
        rows = await fetch_all(
            self.db.reader,
            f"SELECT mention_id FROM mention_reads WHERE agent = ? AND mention_id IN ({marks})",
            (agent, *ids),
        )
        return {int(row[0]) for row in rows}

    async def save(
        self, agent: str, name: str, source: str, now_ms: int, *, replace: bool = False
    ) -> None:
        """Save a view under `name`; one of that name is replaced only when `replace`
        says so (else ViewNameTaken), keeping its place. Recorded in the history."""
        async with self.db.transaction() as conn:
            # Read in the transaction: the same agent in two terminals cannot both pass.
            found = await fetch_one(
                conn,
                "SELECT name, filter, position FROM saved_views WHERE agent = ? AND name = ?",
                (agent, name),
            )
            if found is not None and not replace:
                raise ViewNameTaken(found[0], found[1])
            if found is not None:
                await conn.execute(
                    "UPDATE saved_views SET name = ?, filter = ?, created_ms = ? "
                    "WHERE agent = ? AND name = ?",
                    (name, source, now_ms, agent, name),
                )
            else:
                await conn.execute(
                    """INSERT INTO saved_views (agent, name, filter, position, created_ms)
                       VALUES (?, ?, ?, (SELECT coalesce(max(position), 0) + 1
                                         FROM saved_views WHERE agent = ?), ?)""",
                    (agent, name, source, agent, now_ms),
                )
            detail = {"name": name, "filter": source}
            if found is not None:
                detail["replaced"] = found[1]
            await _record(conn, agent, now_ms, f"saved view {name!r}: {source}", detail)

    async def delete(self, agent: str, name: str, now_ms: int) -> str | None:
        """Delete `agent`'s view `name`; its filter, or None if there was none."""
        async with self.db.transaction() as conn:
            found = await fetch_one(
                conn,
                "DELETE FROM saved_views WHERE agent = ? AND name = ? RETURNING name, filter",
                (agent, name),
            )
            if found is None:
                return None
            detail = {"name": found[0], "filter": found[1]}
            await _record(conn, agent, now_ms, f"deleted view {found[0]!r}", detail)
            return str(found[1])


async def _record(
    conn: Connection, agent: str, now_ms: int, summary: str, detail: dict[str, str]
) -> None:
    """The history's line for a saved or deleted view (no customer: it is the agent's)."""
    await history.record(conn, [history.Entry("view", now_ms, agent, summary, detail)])
