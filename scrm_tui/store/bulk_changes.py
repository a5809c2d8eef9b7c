"""The kinds of bulk change: done/reopen, read/unread, assign, tags, snooze, escalate and
sentiment by hand, each written, read back and put back batch by batch (see store/bulk.py
for the hook)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from scrm_tui.core.models import SentimentLabel, Status
from scrm_tui.store import moods
from scrm_tui.store.assignment import reassign_in
from scrm_tui.store.bulk import Item
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all
from scrm_tui.store.escalations import Delivery, create_in, queue_in
from scrm_tui.store.history import Entry, about_mentions, record
from scrm_tui.store.mentions import set_read_in, set_status_in
from scrm_tui.store.snooze import SNOOZED, WOKE, put_back_in, snooze_in, snoozed_until
from scrm_tui.store.tags import describe, edit_mentions_in, held_in

_CHUNK = 500


def _mentions(count: int) -> str:
    return "1 mention" if count == 1 else f"{count:,} mentions"


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def _grouped(items: Sequence[Item], key: Callable[[Item], Any]) -> dict[Any, list[int]]:
    """Mention ids by what `key` says of their item (one write per group)."""
    groups: dict[Any, list[int]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item.mention_id)
    return groups


async def _states(conn: Connection, ids: Sequence[int], agent: str) -> dict[int, tuple[str, bool]]:
    """Each stored mention of `ids`: its status, and whether `agent` has read it."""
    found: dict[int, tuple[str, bool]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        rows = await fetch_all(
            conn,
            f"""SELECT m.id, m.status, EXISTS (SELECT 1 FROM mention_reads r
                                               WHERE r.mention_id = m.id AND r.agent = ?)
                FROM mentions m WHERE m.id IN ({_marks(chunk)})""",
            [agent, *chunk],
        )
        found.update((int(row[0]), (str(row[1]), bool(row[2]))) for row in rows)
    return found


@dataclass
class StatusChange:
    """`x`: done (read too, for the agent, as `x` on one mention) or reopened."""

    status: Status
    kind: str = "status"
    history_kinds: tuple[str, ...] = ("status",)

    def params(self) -> dict[str, Any]:
        return {"status": self.status.value}

    def describe(self, count: int) -> str:
        if self.status is Status.DONE:
            return f"marked {_mentions(count)} done"
        return f"reopened {_mentions(count)}"

    async def current(self, conn: Connection, ids: Sequence[int], agent: str) -> dict[int, Any]:
        return {
            i: [status, read] for i, (status, read) in (await _states(conn, ids, agent)).items()
        }

    async def apply(
        self, conn: Connection, ids: Sequence[int], agent: str, now_ms: int
    ) -> list[Item]:
        before = await self.current(conn, ids, agent)
        done = self.status is Status.DONE
        after = {i: [self.status.value, read or done] for i, (_, read) in before.items()}
        changing = [i for i in before if before[i][0] != self.status.value]
        await set_status_in(conn, changing, self.status, agent, now_ms)
        if done:
            await set_read_in(conn, [i for i in before if not before[i][1]], agent, True, now_ms)
        return [Item(i, before[i], after[i]) for i in before if before[i] != after[i]]

    async def restore(
        self, conn: Connection, items: Sequence[Item], agent: str, now_ms: int
    ) -> None:
        for status, ids in _grouped(items, lambda item: item.before[0]).items():
            await set_status_in(conn, ids, Status(status), agent, now_ms)
        for read, ids in _grouped(items, lambda item: item.before[1]).items():
            await set_read_in(conn, ids, agent, read, now_ms)


@dataclass
class ReadChange:
    """`u`: read or unread, for this agent only (each agent reads for themselves)."""

    read: bool
    kind: str = "read"
    history_kinds: tuple[str, ...] = ()  # read state is not in the history

    def params(self) -> dict[str, Any]:
        return {"read": self.read}

    def describe(self, count: int) -> str:
        return f"marked {_mentions(count)} {'read' if self.read else 'unread'}"

    async def current(self, conn: Connection, ids: Sequence[int], agent: str) -> dict[int, Any]:
        return {i: read for i, (_, read) in (await _states(conn, ids, agent)).items()}

    async def apply(
        self, conn: Connection, ids: Sequence[int], agent: str, now_ms: int
    ) -> list[Item]:
        now = await self.current(conn, ids, agent)
        changing = [i for i, read in now.items() if read != self.read]
        await set_read_in(conn, changing, agent, self.read, now_ms)
        return [Item(i, not self.read, self.read) for i in changing]

    async def restore(
        self, conn: Connection, items: Sequence[Item], agent: str, now_ms: int
    ) -> None:
        for read, ids in _grouped(items, lambda item: item.before).items():
            await set_read_in(conn, ids, agent, read, now_ms)


@dataclass
class AssignChange:
    """`a`, `A`: to an agent, or to nobody."""

    assignee: str | None
    kind: str = "assign"
    history_kinds: tuple[str, ...] = ("assign",)

    def params(self) -> dict[str, Any]:
        return {"assignee": self.assignee}

    def describe(self, count: int) -> str:
        if self.assignee is None:
            return f"unassigned {_mentions(count)}"
        return f"assigned {_mentions(count)} to {self.assignee}"

    async def current(self, conn: Connection, ids: Sequence[int], agent: str) -> dict[int, Any]:
        found = await about_mentions(conn, ids, "m.assignee")
        return {i: values[0] for i, (_, values) in found.items()}

    async def apply(
        self, conn: Connection, ids: Sequence[int], agent: str, now_ms: int
    ) -> list[Item]:
        changed = await reassign_in(conn, ids, self.assignee, agent, now_ms)
        return [Item(i, old, self.assignee) for i, old in changed.items()]

    async def restore(
        self, conn: Connection, items: Sequence[Item], agent: str, now_ms: int
    ) -> None:
        for assignee, ids in _grouped(items, lambda item: item.before).items():
            await reassign_in(conn, ids, assignee, agent, now_ms)


@dataclass
class TagChange:
    """`t`: tags added and removed (a toggle is resolved to one or the other first).
    A mention's value is which of these tags it has."""

    add: tuple[str, ...]
    remove: tuple[str, ...]
    kind: str = "tag"
    history_kinds: tuple[str, ...] = ("tag",)

    def params(self) -> dict[str, Any]:
        return {"add": list(self.add), "remove": list(self.remove)}

    def describe(self, count: int) -> str:
        return f"tagged {_mentions(count)} {describe(self.add, self.remove)}"

    async def current(self, conn: Connection, ids: Sequence[int], agent: str) -> dict[int, Any]:
        held = await held_in(conn, ids, [*self.add, *self.remove])
        found: dict[int, list[str]] = {i: [] for i in await _states(conn, ids, agent)}
        for mention_id, tag in sorted(held):
            found[mention_id].append(tag)
        return found

    async def apply(
        self, conn: Connection, ids: Sequence[int], agent: str, now_ms: int
    ) -> list[Item]:
        before = await self.current(conn, ids, agent)
        changed = await edit_mentions_in(conn, ids, self.add, self.remove, agent, now_ms)
        after = await self.current(conn, changed, agent)
        return [Item(i, before[i], after[i]) for i in changed]

    async def restore(
        self, conn: Connection, items: Sequence[Item], agent: str, now_ms: int
    ) -> None:
        def edit(item: Item) -> tuple[tuple[str, ...], tuple[str, ...]]:
            before, after = set(item.before), set(item.after)
            return tuple(sorted(before - after)), tuple(sorted(after - before))

        for (add, remove), ids in _grouped(items, edit).items():
            await edit_mentions_in(conn, ids, add, remove, agent, now_ms)


@dataclass
class SnoozeChange:
    """`z`: put away until a moment (`said`: that moment in the agent's words). Undone,
    each mention is as it was: awake (reads untouched), or snoozed until its old time."""

    until_ms: int
    said: str
    kind: str = "snooze"
    history_kinds: tuple[str, ...] = (SNOOZED, WOKE)  # a wake-up come due included

    def params(self) -> dict[str, Any]:
        return {"until": self.until_ms, "said": self.said}

    def describe(self, count: int) -> str:
        return f"snoozed {_mentions(count)} until {self.said}"

    async def current(self, conn: Connection, ids: Sequence[int], agent: str) -> dict[int, Any]:
        return await snoozed_until(conn, ids)

    async def apply(
        self, conn: Connection, ids: Sequence[int], agent: str, now_ms: int
    ) -> list[Item]:
        changed = await snooze_in(
            conn, ids, self.until_ms, agent, now_ms, f"snoozed until {self.said}"
        )
        return [Item(i, before, self.until_ms) for i, before in changed.items()]

    async def restore(
        self, conn: Connection, items: Sequence[Item], agent: str, now_ms: int
    ) -> None:
        for before, ids in _grouped(items, lambda item: item.before).items():
            await put_back_in(conn, ids, before, agent, now_ms, "snooze undone")


WITHDRAWN = "withdrawn (undone)"  # the resolution of an escalation taken back with U


@dataclass
class EscalateChange:
    """`e`: one escalation naming every mention (the team is told once, with how
    many); each mention's history says so. Undone, it is withdrawn: resolved, the
    team told, unless someone has acknowledged or resolved it meanwhile."""

    team: str
    priority: str
    note: str
    total: int  # how many mentions it is meant to name (for the history's words)
    escalation_id: int | None = None
    # The webhook deliveries of the new escalation, and of its withdrawal (made by the
    # service: they need the accounts).
    opened: Callable[[int], Sequence[Delivery]] = field(default=lambda _: (), repr=False)
    withdrawn: Callable[[int], Sequence[Delivery]] = field(default=lambda _: (), repr=False)
    kind: str = "escalate"
    history_kinds: tuple[str, ...] = ()  # acknowledging shows in the escalation itself

    def params(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "priority": self.priority,
            "note": self.note,
            "total": self.total,
            "escalation": self.escalation_id,
        }

    def describe(self, count: int) -> str:
        number = f" as #{self.escalation_id}" if self.escalation_id else ""
        return f"escalated {_mentions(count)} to {self.team} ({self.priority}){number}"

    def _summary(self) -> str:
        """As one mention's escalation says it, and for many which one has them all."""
        group = (
            f" with {self.total - 1:,} others as #{self.escalation_id}" if self.total > 1 else ""
        )
        note = f": {self.note}" if self.note else ""
        return f"escalated to {self.team} ({self.priority}){group}{note}"

    async def current(self, conn: Connection, ids: Sequence[int], agent: str) -> dict[int, Any]:
        """Each of `ids` this escalation names, while nobody has taken it up."""
        if self.escalation_id is None:
            return {}
        rows = await fetch_all(
            conn,
            f"""SELECT em.mention_id FROM escalation_mentions em
                JOIN escalations e ON e.id = em.escalation_id
                WHERE em.escalation_id = ? AND em.mention_id IN ({_marks(ids)})
                  AND e.acked_ms IS NULL AND (e.state = 'open' OR e.resolution = ?)""",
            [self.escalation_id, *ids, WITHDRAWN],
        )
        return {int(row[0]): self.escalation_id for row in rows}

    async def apply(
        self, conn: Connection, ids: Sequence[int], agent: str, now_ms: int
    ) -> list[Item]:
        about = await about_mentions(conn, ids)
        chosen = [i for i in ids if i in about]
        if not chosen:
            return []
        if self.escalation_id is None:
            self.escalation_id = await create_in(
                conn,
                mention_id=chosen[0],
                customer_id=None,
                team=self.team,
                priority=self.priority,
                note=self.note,
                agent=agent,
                now_ms=now_ms,
            )
            await queue_in(conn, self.escalation_id, self.opened(self.escalation_id), agent, now_ms)
        await conn.executemany(
            "INSERT OR IGNORE INTO escalation_mentions (escalation_id, mention_id) VALUES (?, ?)",
            [(self.escalation_id, i) for i in chosen],
        )
        await _record(
            conn, about, chosen, self._summary(), self.escalation_id, "opened", agent, now_ms
        )
        return [Item(i, None, self.escalation_id) for i in chosen]

    async def restore(
        self, conn: Connection, items: Sequence[Item], agent: str, now_ms: int
    ) -> None:
        if not items or self.escalation_id is None:
            return
        cursor = await conn.execute(
            """UPDATE escalations SET state = 'resolved', resolved_ms = ?, resolved_by = ?,
                                      resolution = ?
               WHERE id = ? AND state = 'open' AND acked_ms IS NULL""",
            (now_ms, agent, WITHDRAWN, self.escalation_id),
        )
        if cursor.rowcount:
            await queue_in(
                conn, self.escalation_id, self.withdrawn(self.escalation_id), agent, now_ms
            )
        ids = [item.mention_id for item in items]
        about = await about_mentions(conn, ids)
        summary = f"escalation #{self.escalation_id} to {self.team} withdrawn (undone)"
        await _record(conn, about, ids, summary, self.escalation_id, "withdrawn", agent, now_ms)


async def _record(
    conn: Connection,
    about: dict[int, Any],
    ids: Sequence[int],
    summary: str,
    escalation_id: int,
    event: str,
    agent: str,
    now_ms: int,
) -> None:
    """An escalation's entry in the history of each mention it names."""
    await record(
        conn,
        (
            Entry(
                kind="escalation",
                occurred_ms=now_ms,
                actor=agent,
                summary=summary,
                detail={"escalation": escalation_id, "event": event},
                customer_id=about[i][0].customer_id,
                author_id=about[i][0].author_id,
                mention_id=i,
                channel=about[i][0].channel,
            )
            for i in ids
            if i in about
        ),
    )


@dataclass
class MoodChange:
    """`s`: the sentiment set by hand (None: back to the scorer's). Undone, each mention
    is as it was: the scorer's figures, or the label someone had set before."""

    label: SentimentLabel | None
    kind: str = "sentiment"
    history_kinds: tuple[str, ...] = (moods.SENTIMENT,)

    def params(self) -> dict[str, Any]:
        return {"label": None if self.label is None else self.label.value}

    def describe(self, count: int) -> str:
        if self.label is None:
            return f"gave {_mentions(count)} back to the sentiment scorer"
        return f"set {_mentions(count)} {self.label.value} by hand"

    async def current(self, conn: Connection, ids: Sequence[int], agent: str) -> dict[int, Any]:
        return await moods.states(conn, ids)

    async def apply(
        self, conn: Connection, ids: Sequence[int], agent: str, now_ms: int
    ) -> list[Item]:
        changed = await moods.set_in(conn, ids, self.label, agent, now_ms)
        return [Item(i, before, after) for i, (before, after) in changed.items()]

    async def restore(
        self, conn: Connection, items: Sequence[Item], agent: str, now_ms: int
    ) -> None:
        await moods.put_back_in(
            conn, [(item.mention_id, item.before) for item in items], agent, now_ms
        )
