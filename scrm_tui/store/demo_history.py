"""The demo's seeded mentions made history: each arrived when it was posted, not when seeded."""

from __future__ import annotations

from collections.abc import Sequence

from scrm_tui.store.claims import IDS, ids_param
from scrm_tui.store.db import Database, fetch_all


async def posted(db: Database, ids: Sequence[int]) -> list[tuple[int, str, str, int]]:
    """(id, network, external id, posted at) of these mentions."""
    rows = await fetch_all(
        db.reader,
        f"SELECT id, channel, external_id, created_ms FROM mentions WHERE id IN {IDS}",
        {"ids": ids_param(ids)},
    )
    return [(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


async def set_arrivals(db: Database, arrivals: Sequence[tuple[int, int]]) -> None:
    """Say when each (mention, arrived at) came in. Only for mentions with no answer yet:
    answer_times copies a mention's arrival when its first answer is recorded."""
    async with db.transaction() as conn:
        await conn.executemany(
            "UPDATE mentions SET ingested_ms = ? WHERE id = ? AND first_response_ms IS NULL",
            [(arrived, mention_id) for mention_id, arrived in arrivals],
        )


async def author_ids(db: Database, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The stored authors' ids by (network, handle); those not stored are absent."""
    found = {}
    for channel, handle in keys:
        rows = await fetch_all(
            db.reader,
            "SELECT id FROM authors WHERE channel = ? AND lower(handle) = lower(?)",
            (channel, handle),
        )
        if rows:
            found[(channel, handle)] = int(rows[0][0])
    return found
