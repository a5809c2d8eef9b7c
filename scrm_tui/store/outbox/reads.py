"""Reading the outbox: items, pages at any depth, counts, and what answers a mention."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from scrm_tui.core.models import OutboxItem
from scrm_tui.store.db import fetch_all, fetch_one
from scrm_tui.store.outbox.base import _COLUMNS, OutboxBase, _item


class OutboxReads(OutboxBase):
    """The outbox's reads, on the reader connection."""

    async def get(self, outbox_id: int) -> OutboxItem | None:
        row = await fetch_one(
            self.db.reader, f"SELECT {_COLUMNS} FROM outbox o WHERE o.id = ?", (outbox_id,)
        )
        return _item(row) if row else None

    async def items(
        self, states: Collection[str] = (), limit: int = 500, kinds: Collection[str] = ()
    ) -> list[OutboxItem]:
        """Newest first."""
        where: list[str] = []
        params: list[Any] = []
        if states:
            where.append(f"o.state IN ({','.join('?' * len(states))})")
            params.extend(states)
        if kinds:
            where.append(f"o.kind IN ({','.join('?' * len(kinds))})")
            params.extend(kinds)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return [
            _item(row)
            for row in await fetch_all(
                self.db.reader,
                f"SELECT {_COLUMNS} FROM outbox o {clause} ORDER BY o.id DESC LIMIT ?",
                [*params, limit],
            )
        ]

    async def page(
        self,
        states: Sequence[str],
        *,
        key: tuple[int, ...] | None = None,
        newer: bool = False,
        limit: int,
        upto: int | None = None,
        also: Collection[int] = (),
    ) -> list[OutboxItem]:
        """Up to `limit` items in `states` (none: all) or in `also` (ids kept in view),
        newest first, just after `key` (from the newest if None) or just before it
        (`newer`). Each state is read along the (state, id) index and the ids merged:
        a page costs its rows at any depth, never a scan of the sent ones."""
        op, direction = (">", "ASC") if newer else ("<", "DESC")
        bounds = []
        params: list[Any] = []
        if key is not None:
            bounds.append(f"id {op} ?")
            params.append(key[0])
        if upto is not None:
            bounds.append("id <= ?")
            params.append(upto)
        arms = []
        arm_params: list[Any] = []
        for where in _arms(states, also):
            clause = " AND ".join(part for part in (where[0], *bounds) if part) or "1"
            arms.append(
                f"SELECT * FROM (SELECT id FROM outbox WHERE {clause}"
                f" ORDER BY id {direction} LIMIT ?)"
            )
            arm_params += [*where[1], *params, limit]
        ids = " UNION ".join(arms)
        return [
            _item(row)
            for row in await fetch_all(
                self.db.reader,
                f"""SELECT {_COLUMNS} FROM outbox o WHERE o.id IN (SELECT id FROM ({ids})
                    ORDER BY id {direction} LIMIT ?) ORDER BY o.id DESC""",
                [*arm_params, limit],
            )
        ]

    async def page_at(
        self,
        states: Sequence[str],
        *,
        offset: int,
        limit: int,
        oldest_first: bool = False,
        upto: int | None = None,
        also: Collection[int] = (),
    ) -> list[OutboxItem]:
        """`limit` items from position `offset` (from the oldest if asked): a jump far
        from what is held (a drag, `G`), which pays for the OFFSET once."""
        direction = "ASC" if oldest_first else "DESC"
        where, params = _where(states, also)
        if upto is not None:
            where = f"({where}) AND id <= ?"
            params = [*params, upto]
        return [
            _item(row)
            for row in await fetch_all(
                self.db.reader,
                f"""SELECT {_COLUMNS} FROM outbox o WHERE o.id IN (SELECT id FROM outbox
                    WHERE {where} ORDER BY id {direction} LIMIT ? OFFSET ?)
                    ORDER BY o.id DESC""",
                [*params, limit, offset],
            )
        ]

    async def count(
        self,
        states: Sequence[str],
        upto: int | None = None,
        before: tuple[int, ...] | None = None,
        also: Collection[int] = (),
    ) -> int:
        """How many items are in `states` or `also` (stored up to `upto`; newer than
        `before` if given), counted from the indexes, no row read."""
        total = 0
        for where, params in _arms(states, also, disjoint=True):
            bounds = [where] if where else []
            if upto is not None:
                bounds.append("id <= ?")
                params = [*params, upto]
            if before is not None:
                bounds.append("id > ?")
                params = [*params, before[0]]
            row = await fetch_one(
                self.db.reader,
                f"SELECT count(*) FROM outbox WHERE {' AND '.join(bounds) or '1'}",
                params,
            )
            total += int(row[0]) if row else 0
        return total

    async def high_water(self) -> int:
        row = await fetch_one(self.db.reader, "SELECT coalesce(max(id), 0) FROM outbox")
        return int(row[0]) if row else 0

    async def left(self, ids: Collection[int], states: Sequence[str]) -> set[int]:
        """Which of `ids` are no longer in `states` (sent or discarded meanwhile)."""
        if not ids or not states:
            return set()
        rows = await fetch_all(
            self.db.reader,
            f"""SELECT id FROM outbox WHERE id IN ({",".join("?" * len(ids))})
                AND state NOT IN ({",".join("?" * len(states))})""",
            [*ids, *states],
        )
        return {int(row[0]) for row in rows}

    async def state_counts(
        self, states: Sequence[str] = (), also: Collection[int] = ()
    ) -> dict[str, int]:
        """How many items are in each state (of `states`, or with an id in `also`; no
        states: all): true counts however long the outbox has grown, the states' read
        from the counts the triggers keep, `also`'s counted from the index."""
        marks = ",".join("?" * len(states))
        rows = await fetch_all(
            self.db.reader,
            "SELECT state, n FROM outbox_counts WHERE n > 0"
            + (f" AND state IN ({marks})" if states else ""),
            list(states),
        )
        counts = {str(state): int(n) for state, n in rows}
        if states and also:
            where, params = _arms(states, also, disjoint=True)[-1]
            for state, n in await fetch_all(
                self.db.reader,
                f"SELECT state, count(*) FROM outbox WHERE {where} GROUP BY state",
                params,
            ):
                counts[str(state)] = counts.get(str(state), 0) + int(n)
        return counts

    async def change_mark(self) -> int:
        """Moves with every change to the outbox (a trigger keeps it): a screen that
        shows the outbox reads it again only when this moved."""
        row = await fetch_one(self.db.reader, "SELECT seq FROM outbox_mark")
        return int(row[0]) if row else 0

    async def for_mention(self, mention_id: int) -> list[OutboxItem]:
        """Every post answering this mention (replies and macro posts), oldest first."""
        return [
            _item(row)
            for row in await fetch_all(
                self.db.reader,
                f"""SELECT {_COLUMNS} FROM outbox o
                JOIN outbox_mentions om ON om.outbox_id = o.id
                WHERE om.mention_id = ? ORDER BY o.id""",
                (mention_id,),
            )
        ]

    async def reply_target(self, outbox_id: int) -> tuple[str, str | None] | None:
        """(external id, url) of the mention a reply answers."""
        row = await fetch_one(
            self.db.reader,
            """SELECT m.external_id, m.url FROM outbox_mentions om
               JOIN mentions m ON m.id = om.mention_id WHERE om.outbox_id = ? LIMIT 1""",
            (outbox_id,),
        )
        return (str(row[0]), row[1]) if row else None

    async def counts(self) -> dict[str, int]:
        return {
            str(state): int(n)
            for state, n in await fetch_all(
                self.db.reader,
                "SELECT state, count(*) FROM outbox "
                "WHERE state IN ('pending', 'sending', 'failed') GROUP BY state",
            )
        }

    async def next_due_ms(self) -> int | None:
        row = await fetch_one(
            self.db.reader, "SELECT min(next_ms) FROM outbox WHERE state IN ('pending', 'sending')"
        )
        return int(row[0]) if row and row[0] is not None else None


def _where(states: Sequence[str], also: Collection[int]) -> tuple[str, list[Any]]:
    """The items in `states` (none: all of them) or with an id in `also`."""
    if not states:
        return "1", []
    where = f"state IN ({','.join('?' * len(states))})"
    if also:
        where = f"({where} OR id IN ({','.join('?' * len(also))}))"
    return where, [*states, *also]


def _arms(
    states: Sequence[str], also: Collection[int], *, disjoint: bool = False
) -> list[tuple[str, list[Any]]]:
    """One condition per index range to read: each state, then the ids in `also`
    (`disjoint`: only those not in `states`, so that counts add up)."""
    if not states:
        return [("", [])]
    arms: list[tuple[str, list[Any]]] = [("state = ?", [state]) for state in states]
    if also:
        where = f"id IN ({','.join('?' * len(also))})"
        params: list[Any] = list(also)
        if disjoint:
            where += f" AND state NOT IN ({','.join('?' * len(states))})"
            params += list(states)
        arms.append((where, params))
    return arms
