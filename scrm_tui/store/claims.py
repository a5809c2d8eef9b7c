"""Claims: which agent is answering or escalating a mention now, and what collided."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from scrm_tui.core.team import CLAIM_TTL_MS, Claim
from scrm_tui.store import history
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, fetch_all
from scrm_tui.store.history import IDS, ids_param

__all__ = ["IDS", "ClaimStore", "ids_param", "live_claims", "record"]


async def live_claims(
    conn: Connection, mention_ids: Sequence[int], agent: str, now_ms: int
) -> list[Claim]:
    """Live claims by agents other than `agent` on these mentions, oldest first."""
    rows = await fetch_all(
        conn,
        f"""SELECT mention_id, agent, kind, since_ms FROM claims
            WHERE mention_id IN {IDS} AND agent != :agent AND heartbeat_ms >= :live
            ORDER BY since_ms, mention_id""",
        {"ids": ids_param(mention_ids), "agent": agent, "live": now_ms - CLAIM_TTL_MS},
    )
    return [Claim(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


async def record(
    conn: Connection,
    kind: str,
    mention_ids: Sequence[int],
    *,
    actor: str,
    now_ms: int,
    summary: str,
    detail: dict[str, Any],
) -> None:
    """One history entry per mention (its author's and customer's timeline, and the
    audit trail), inside the caller's transaction."""
    await history.record_mentions(
        conn,
        mention_ids,
        kind,
        actor,
        now_ms,
        summary=":summary",
        detail=":detail",
        params={"summary": summary, "detail": json.dumps(detail)},
    )


class ClaimStore:
    def __init__(self, db: Database):
        self.db = db

    async def claim(
        self, mention_ids: Sequence[int], agent: str, holder: str, kind: str, now_ms: int
    ) -> list[Claim]:
        """Claim these mentions for `agent` and return the live claims other agents hold
        on them, read in the same transaction: of two agents opening one mention at the
        same moment, the second is told about the first."""
        async with self.db.transaction() as conn:
            others = await live_claims(conn, mention_ids, agent, now_ms)
            # A claim of ours still alive (another terminal of the same agent) keeps its
            # start; a dead one starts again.
            await conn.execute(
                f"""INSERT INTO claims (mention_id, agent, holder, kind, since_ms, heartbeat_ms)
                    SELECT id, :agent, :holder, :kind, :now, :now FROM mentions
                    WHERE id IN {IDS}
                    ON CONFLICT (mention_id, agent) DO UPDATE SET
                        holder = excluded.holder, kind = excluded.kind,
                        since_ms = CASE WHEN claims.heartbeat_ms >= :live
                                        THEN claims.since_ms ELSE excluded.since_ms END,
                        heartbeat_ms = excluded.heartbeat_ms""",
                {
                    "ids": ids_param(mention_ids),
                    "agent": agent,
                    "holder": holder,
                    "kind": kind,
                    "now": now_ms,
                    "live": now_ms - CLAIM_TTL_MS,
                },
            )
        return others

    async def release(self, mention_ids: Sequence[int], agent: str, holder: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                f"DELETE FROM claims WHERE mention_id IN {IDS} AND agent = :agent "
                "AND holder = :holder",
                {"ids": ids_param(mention_ids), "agent": agent, "holder": holder},
            )

    async def others(self, mention_ids: Sequence[int], agent: str, now_ms: int) -> list[Claim]:
        """Live claims other agents hold on these mentions (a read: nothing changes)."""
        return await live_claims(self.db.reader, mention_ids, agent, now_ms)

    async def went_on(
        self, mention_ids: Sequence[int], agent: str, others: Sequence[Claim], now_ms: int
    ) -> None:
        """`agent` chose to answer or escalate although others had claimed these."""
        names = sorted({c.agent for c in others})
        async with self.db.transaction() as conn:
            await record(
                conn,
                "claim",
                [c.mention_id for c in others if c.mention_id in set(mention_ids)],
                actor=agent,
                now_ms=now_ms,
                summary=f"went on although {', '.join(names)} had claimed it",
                detail={"others": [[c.agent, c.kind, c.since_ms] for c in others]},
            )
