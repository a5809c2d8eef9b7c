"""The journal of bulk actions: what each changed, mention by mention, so it can be undone.

The hook for a new kind of change (snooze, say) is a `Change`: it writes one batch
inside the caller's transaction and returns what it changed (`Item`s: the values
before and after), reads those values back (`current`), and puts a batch back
(`restore`). The journal, the batches, progress, stopping and undo are the same for
every kind; see docs/bulk-actions.md for adding one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, fetch_all, fetch_one
from scrm_tui.store.engines import POSTGRESQL, engine_of
from scrm_tui.store.history import Entry, record

KEEP_UNDOABLE = 10  # an agent's newest actions whose journal is kept (U walks back)
_PRUNE = 5000  # journal rows deleted per transaction when pruning


class Item(NamedTuple):
    """One mention a change changed: its values before and after (JSON-able)."""

    mention_id: int
    before: Any
    after: Any


class Change(Protocol):
    """One kind of bulk change (see the module's docstring)."""

    kind: str  # bulk_actions.kind: "status", "read", "assign", "tag", "escalate"...
    # History kinds this change writes: one of them on a mention, by another actor,
    # after this change, means someone changed it since, and undo leaves it alone.
    history_kinds: tuple[str, ...]

    def params(self) -> dict[str, Any]:
        """What rebuilds this change after a restart (JSON)."""

    def describe(self, count: int) -> str:
        """`marked 1,234 mentions done`: the action in the history and on screen."""

    async def apply(
        self, conn: Connection, ids: Sequence[int], agent: str, now_ms: int
    ) -> list[Item]:
        """Change `ids` inside the caller's transaction, recording each change in the
        history as a single change would; return only the mentions that changed."""

    async def current(self, conn: Connection, ids: Sequence[int], agent: str) -> dict[int, Any]:
        """The values `apply` returns as `after`, as they are now."""

    async def restore(
        self, conn: Connection, items: Sequence[Item], agent: str, now_ms: int
    ) -> None:
        """Put each item's `before` back (and record it), inside the transaction."""


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Action:
    """A bulk action as the journal has it."""

    id: int
    agent: str
    kind: str
    params: dict[str, Any]
    summary: str
    started_ms: int
    finished_ms: int | None
    count: int
    stopped: bool
    undone_ms: int | None
    left: int  # mentions not undone yet


_ACTION = """a.id, a.agent, a.kind, a.params, a.summary, a.started_ms, a.finished_ms,
    a.count, a.stopped, a.undone_ms,
    (SELECT count(*) FROM bulk_items b WHERE b.action_id = a.id)"""


def _action(row: Sequence[Any]) -> Action:
    return Action(
        id=int(row[0]),
        agent=str(row[1]),
        kind=str(row[2]),
        params=json.loads(row[3]),
        summary=str(row[4]),
        started_ms=int(row[5]),
        finished_ms=row[6],
        count=int(row[7]),
        stopped=bool(row[8]),
        undone_ms=row[9],
        left=int(row[10]),
    )


async def _last_event(conn: Connection) -> int:
    row = await fetch_one(conn, "SELECT coalesce(max(id), 0) FROM interactions")
    return int(row[0]) if row else 0


async def _note(
    conn: Connection, agent: str, now_ms: int, summary: str, detail: dict[str, Any]
) -> None:
    """The action itself, once, in the audit trail (each mention's change is there too)."""
    await record(conn, [Entry("bulk", now_ms, agent, summary, detail)])


class Journal:
    """Bulk actions of every agent on one database."""

    def __init__(self, db: Database):
        self.db = db

    # ---------------------------------------------------------------- doing

    async def start_in(self, conn: Connection, change: Change, agent: str, now_ms: int) -> int:
        row = await fetch_one(
            conn,
            """INSERT INTO bulk_actions (agent, kind, params, summary, started_ms)
               VALUES (?, ?, ?, ?, ?) RETURNING id""",
            (agent, change.kind, _json(change.params()), change.describe(0), now_ms),
        )
        assert row is not None
        return int(row[0])

    async def apply_in(
        self,
        conn: Connection,
        action_id: int,
        change: Change,
        ids: Sequence[int],
        agent: str,
        now_ms: int,
    ) -> int:
        """One batch of an action: the change, and a journal row per mention changed."""
        items = await change.apply(conn, ids, agent, now_ms)
        if items:
            event_id = await _last_event(conn)
            await conn.executemany(
                """INSERT INTO bulk_items (action_id, mention_id, before, after, event_id)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (action_id, mention_id) DO UPDATE SET
                       before = excluded.before, after = excluded.after,
                       event_id = excluded.event_id""",
                [
                    (action_id, i.mention_id, _json(i.before), _json(i.after), event_id)
                    for i in items
                ],
            )
            # The params too: a change may learn what rebuilds it (a new escalation's id).
            await conn.execute(
                "UPDATE bulk_actions SET count = count + ?, params = ? WHERE id = ?",
                (len(items), _json(change.params()), action_id),
            )
        return len(items)

    async def finish_in(
        self,
        conn: Connection,
        action_id: int,
        change: Change,
        agent: str,
        now_ms: int,
        *,
        stopped: bool,
    ) -> None:
        row = await fetch_one(conn, "SELECT count FROM bulk_actions WHERE id = ?", (action_id,))
        count = int(row[0]) if row else 0
        summary = change.describe(count)
        await conn.execute(
            "UPDATE bulk_actions SET finished_ms = ?, stopped = ?, summary = ? WHERE id = ?",
            (now_ms, int(stopped), summary, action_id),
        )
        said = f"{summary} (stopped part-way)" if stopped else summary
        await _note(
            conn,
            agent,
            now_ms,
            said,
            {"bulk": action_id, "kind": change.kind, "count": count, "stopped": stopped},
        )

    async def prune(self, agent: str) -> int:
        """Forget the journal of `agent`'s actions older than the last KEEP_UNDOABLE
        (they stay listed, no longer undoable); a few thousand rows per transaction."""
        rows = await fetch_all(
            self.db.reader,
            """SELECT o.id FROM (SELECT id FROM bulk_actions WHERE agent = ?
                                 ORDER BY id DESC LIMIT -1 OFFSET ?) o
               WHERE EXISTS (SELECT 1 FROM bulk_items b WHERE b.action_id = o.id)""",
            (agent, KEEP_UNDOABLE),
        )
        gone = 0
        for (action_id,) in rows:
            while True:
                async with self.db.transaction() as conn:
                    cursor = await conn.execute(
                        """DELETE FROM bulk_items WHERE action_id = ? AND mention_id IN
                           (SELECT mention_id FROM bulk_items WHERE action_id = ? LIMIT ?)""",
                        (action_id, action_id, _PRUNE),
                    )
                gone += cursor.rowcount
                if cursor.rowcount < _PRUNE:
                    break
        return gone

    # ---------------------------------------------------------------- reading

    async def last(self, agent: str) -> Action | None:
        """`agent`'s newest action with something left to undo."""
        row = await fetch_one(
            self.db.reader,
            f"""SELECT {_ACTION} FROM bulk_actions a
                WHERE a.agent = ? AND a.undone_ms IS NULL AND a.count > 0
                  AND EXISTS (SELECT 1 FROM bulk_items b WHERE b.action_id = a.id)
                ORDER BY a.id DESC LIMIT 1""",
            (agent,),
        )
        return _action(row) if row else None

    async def left(self, action_id: int) -> int:
        """How many mentions of an action are not undone yet."""
        row = await fetch_one(
            self.db.reader,
            "SELECT count(*) FROM bulk_items WHERE action_id = ?",
            (action_id,),
        )
        return int(row[0]) if row else 0

    # ---------------------------------------------------------------- undoing

    async def undo_batch(
        self,
        action: Action,
        change: Change,
        agent: str,
        now_ms: int,
        after: int,
        limit: int,
    ) -> tuple[int, int, int] | None:
        """Undo the next `limit` mentions of `action` (ids above `after`), in one
        transaction. A mention changed since, to another value or by another actor,
        is left as it is. Returns (last id, undone, skipped), None when none were left."""
        async with self.db.transaction() as conn:
            rows = await fetch_all(
                conn,
                """SELECT mention_id, before, after, event_id FROM bulk_items
                   WHERE action_id = ? AND mention_id > ?
                   ORDER BY mention_id LIMIT ?""",
                (action.id, after, limit),
            )
            if not rows:
                return None
            ids = [int(row[0]) for row in rows]
            now = await change.current(conn, ids, agent)
            touched = await _changed_by_others(conn, action.id, ids, change.history_kinds, agent)
            undo: list[Item] = []
            for mention_id, before, was, _ in rows:
                unchanged = mention_id in now and _json(now[mention_id]) == was
                if unchanged and mention_id not in touched:
                    undo.append(Item(mention_id, json.loads(before), json.loads(was)))
            await change.restore(conn, undo, agent, now_ms)
            # Dealt with: out of the journal (one range of its key), and counted.
            await conn.execute(
                "DELETE FROM bulk_items WHERE action_id = ? AND mention_id BETWEEN ? AND ?",
                (action.id, ids[0], ids[-1]),
            )
            await conn.execute(
                """UPDATE bulk_actions SET undone = undone + ?, undo_skipped = undo_skipped + ?
                   WHERE id = ?""",
                (len(undo), len(ids) - len(undo), action.id),
            )
        return ids[-1], len(undo), len(ids) - len(undo)

    async def undone(self, action: Action, agent: str, now_ms: int, *, complete: bool) -> int:
        """Record an undo (all of it when `complete`: the action is then closed);
        returns how many mentions were left alone, as changed since."""
        async with self.db.transaction() as conn:
            row = await fetch_one(
                conn, "SELECT undone, undo_skipped FROM bulk_actions WHERE id = ?", (action.id,)
            )
            undone, skipped = (int(row[0]), int(row[1])) if row else (0, 0)
            if complete:
                await conn.execute(
                    "UPDATE bulk_actions SET undone_ms = ? WHERE id = ?", (now_ms, action.id)
                )
            said = f"undid '{action.summary}': {undone:,} put back"
            if skipped:
                said += f", {skipped:,} changed since by someone else left as they are"
            if not complete:
                said += " (stopped part-way)"
            await _note(
                conn,
                agent,
                now_ms,
                said,
                {"undo": action.id, "undone": undone, "skipped": skipped, "complete": complete},
            )
        return skipped


async def _changed_by_others(
    conn: Connection,
    action_id: int,
    ids: Sequence[int],
    kinds: Sequence[str],
    agent: str,
) -> set[int]:
    """Which of `ids` someone other than `agent` changed (by the history) after the
    action wrote them. (`+i.kind`: found through each mention's own entries, never by
    scanning every later entry of that kind.)"""
    if not kinds or not ids:
        return set()
    marks = ",".join("?" * len(ids))
    kind_marks = ",".join("?" * len(kinds))
    rows = await fetch_all(
        conn,
        f"""SELECT b.mention_id FROM bulk_items b
            WHERE b.action_id = ? AND b.mention_id IN ({marks})
              AND EXISTS (SELECT 1 FROM interactions i
                          WHERE i.mention_id = b.mention_id AND i.id > b.event_id
                            AND {_unindexed(conn, "i.kind")} IN ({kind_marks})
                            AND i.actor IS NOT ?)""",
        [action_id, *ids, *kinds, agent],
    )
    return {int(row[0]) for row in rows}


def _unindexed(conn: Connection, column: str) -> str:
    """SQLite's `+column` keeps its planner off that column's index; PostgreSQL has no
    unary plus for text, and its planner weighs the index by itself."""
    return column if engine_of(conn) == POSTGRESQL else f"+{column}"
