"""Stored priorities: the shared weights, scoring rows as they are written, the re-score.

The weights live in the database (one row), not only in each process's config, so
every process scores alike and a change of weights is noticed: the process that
brings new weights stores them and owes a re-score of every mention (`pending_work`
'priority'), which any process then finishes page by page, resumable after a kill.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scrm_tui.core.priority import PriorityWeights, p0, rank_of
from scrm_tui.store import history
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, fetch_all, fetch_one

_CHUNK = 500
RESCORE = "priority"  # its pending_work row


class StaleWeights(Exception):
    """Another process changed the weights since the caller read them: score again."""


@dataclass(frozen=True)
class Owed:
    generation: int
    after_id: int


@dataclass(frozen=True)
class ToScore:
    """What a mention's own part is computed from, for the re-score."""

    id: int
    channel: str
    text: str
    compound: float | None  # None: unscored
    followers: int | None
    points: int | None


async def owe_rescore(conn: Connection, now_ms: int) -> None:
    """Every stored mention is owed a re-score (from the first), in this transaction."""
    await conn.execute(
        """INSERT INTO pending_work (name, generation, since_ms, after_id, updated_ms)
           VALUES (:name, 1, :now, 0, :now)
           ON CONFLICT (name) DO UPDATE SET generation = pending_work.generation + 1,
               since_ms = :now, after_id = 0, updated_ms = :now""",
        {"name": RESCORE, "now": now_ms},
    )


async def read_weights(conn: Connection) -> PriorityWeights | None:
    row = await fetch_one(conn, "SELECT weights FROM priority_weights WHERE id = 1")
    return PriorityWeights.from_json(row[0]) if row else None


async def _write_weights(
    conn: Connection,
    weights: PriorityWeights,
    before: PriorityWeights | None,
    agent: str,
    now_ms: int,
) -> None:
    """Store new weights and owe a re-score of every mention under them; recorded."""
    await conn.execute(
        """INSERT INTO priority_weights (id, weights, tier, other_tier, value, value_half,
                                         ms_per_point, set_by, set_ms)
           VALUES (1, :weights, :tier, :other, :value, :half, :mpp, :agent, :now)
           ON CONFLICT (id) DO UPDATE SET weights = excluded.weights, tier = excluded.tier,
               other_tier = excluded.other_tier, value = excluded.value,
               value_half = excluded.value_half, ms_per_point = excluded.ms_per_point,
               set_by = excluded.set_by, set_ms = excluded.set_ms""",
        {
            "weights": weights.to_json(),
            "tier": weights.tier,
            "other": weights.other_tier,
            "value": weights.value,
            "half": weights.value_half,
            "mpp": weights.ms_per_point,
            "agent": agent,
            "now": now_ms,
        },
    )
    await conn.execute("DELETE FROM priority_tiers")
    await conn.executemany(
        "INSERT INTO priority_tiers (tier, share) VALUES (?, ?)", list(weights.tiers.items())
    )
    # What is stored from now on is scored with these as it is stored: only what is
    # already there is owed a re-score (nothing, in a new database).
    if await fetch_one(conn, "SELECT 1 FROM mentions LIMIT 1") is not None:
        await owe_rescore(conn, now_ms)
    # Everyone's priorities change with it: the audit trail says who and what.
    detail = {
        "before": json.loads(before.to_json()) if before else None,
        "after": json.loads(weights.to_json()),
    }
    summary = "priority weights set" if before is None else "priority weights changed"
    entry = history.Entry("priority_weights", now_ms, agent, summary, json.dumps(detail))
    await history.record(conn, [entry])


async def customer_parts(conn: Connection, author_ids: Iterable[int]) -> dict[int, float]:
    """Each author's customer's part of a priority (step 13's view), 0 for no customer."""
    ids = list(dict.fromkeys(author_ids))
    parts: dict[int, float] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = await fetch_all(
            conn,
            f"""SELECT a.id, coalesce(p.points, 0) FROM authors a
                LEFT JOIN customer_points p ON p.customer_id = a.customer_id
                WHERE a.id IN ({marks})""",
            chunk,
        )
        parts.update((int(author), float(points)) for author, points in rows)
    return parts


async def scored(
    conn: Connection,
    weights: PriorityWeights,
    rows: Sequence[tuple[int, int, float]],
) -> list[tuple[int, int]]:
    """(priority, rank) for each (author id, created_ms, own part), in the caller's
    transaction; raises StaleWeights when the stored weights are not `weights`."""
    if await read_weights(conn) != weights:
        raise StaleWeights
    parts = await customer_parts(conn, (author for author, _, _ in rows))
    step = weights.ms_per_point
    out = []
    for author, created_ms, own in rows:
        priority = p0(own, parts.get(author, 0.0))
        out.append((priority, rank_of(priority, created_ms, step)))
    return out


class PriorityStore:
    """The weights and the re-score, for one database."""

    def __init__(self, db: Database):
        self.db = db

    async def weights(self) -> PriorityWeights | None:
        return await read_weights(self.db.reader)

    async def settle(
        self, proposed: PriorityWeights | None, agent: str, now_ms: int
    ) -> PriorityWeights:
        """The weights to score with: `proposed` (the config's) when it differs from the
        stored ones, which it then replaces; else the stored ones (defaults if none)."""
        stored = await read_weights(self.db.reader)
        if stored is not None and (proposed is None or proposed == stored):
            return stored  # the usual start: no write lock taken
        async with self.db.transaction() as conn:
            stored = await read_weights(conn)
            if stored is not None and (proposed is None or proposed == stored):
                return stored
            chosen = proposed or PriorityWeights()
            await _write_weights(conn, chosen, stored, agent, now_ms)
            return chosen

    async def owed(self) -> Owed | None:
        row = await fetch_one(
            self.db.reader,
            "SELECT generation, after_id FROM pending_work WHERE name = ?",
            (RESCORE,),
        )
        return Owed(int(row[0]), int(row[1])) if row else None

    async def count_after(self, after_id: int) -> int:
        row = await fetch_one(
            self.db.reader, "SELECT count(*) FROM mentions WHERE id > ?", (after_id,)
        )
        return int(row[0]) if row else 0

    async def page(self, after_id: int, limit: int) -> list[ToScore]:
        """The next mentions to re-score, by id."""
        rows = await fetch_all(
            self.db.reader,
            """SELECT m.id, m.channel, m.text, m.compound, a.followers, m.points
               FROM mentions m JOIN authors a ON a.id = m.author_id
               WHERE m.id > ? ORDER BY m.id LIMIT ?""",
            (after_id, limit),
        )
        return [ToScore(*row) for row in rows]

    async def apply(
        self, owed: Owed, weights: PriorityWeights, own: Sequence[tuple[int, float]], now_ms: int
    ) -> bool:
        """Store re-scored mentions (id, own part) and move the re-score past them, in
        one transaction; False when a newer re-score is owed (weights changed again),
        and nothing is written. Raises StaleWeights as `scored` does."""
        async with self.db.transaction() as conn:
            row = await fetch_one(
                conn, "SELECT generation FROM pending_work WHERE name = ?", (RESCORE,)
            )
            if row is None or int(row[0]) != owed.generation:
                return False
            ids = [mention_id for mention_id, _ in own]
            found: dict[int, tuple[int, int]] = {}
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                found.update(
                    (int(r[0]), (int(r[1]), int(r[2])))
                    for r in await fetch_all(
                        conn,
                        "SELECT id, author_id, created_ms FROM mentions "
                        f"WHERE id IN ({','.join('?' * len(chunk))})",
                        chunk,
                    )
                )
            present = [(i, base) for i, base in own if i in found]
            scores = await scored(
                conn, weights, [(found[i][0], found[i][1], base) for i, base in present]
            )
            await conn.executemany(
                "UPDATE mentions SET priority_base = ?, priority = ?, priority_rank = ? "
                "WHERE id = ?",
                [
                    (base, priority, rank, i)
                    for (i, base), (priority, rank) in zip(present, scores, strict=True)
                ],
            )
            if ids:
                await conn.execute(
                    "UPDATE pending_work SET after_id = ?, updated_ms = ? WHERE name = ?",
                    (max(ids), now_ms, RESCORE),
                )
            return True

    async def finish(self, owed: Owed) -> bool:
        """The re-score reached the last mention: owed no more (unless owed again since)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM pending_work WHERE name = ? AND generation = ?",
                (RESCORE, owed.generation),
            )
            return cursor.rowcount > 0
