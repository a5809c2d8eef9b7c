"""An agent's drafts: kept as typed, read back, and which mentions have one."""

from __future__ import annotations

from collections.abc import Sequence

from scrm_tui.store.db import fetch_all, fetch_one
from scrm_tui.store.outbox.base import OutboxBase


class OutboxDrafts(OutboxBase):
    """Drafts, one per agent and key."""

    async def draft(self, agent: str, key: str) -> tuple[str | None, str] | None:
        """(channel, text) of this agent's draft, if there is one."""
        row = await fetch_one(
            self.db.reader,
            "SELECT channel, text FROM drafts WHERE agent = ? AND key = ?",
            (agent, key),
        )
        return (row[0], str(row[1])) if row else None

    async def save_draft(
        self, agent: str, key: str, channel: str | None, text: str, now_ms: int
    ) -> None:
        """Keep a draft; an empty (or blank) text deletes it."""
        async with self.db.transaction() as conn:
            if text.strip():
                await conn.execute(
                    """INSERT INTO drafts (agent, key, channel, text, updated_ms)
                       VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT (agent, key) DO UPDATE SET
                           channel = excluded.channel, text = excluded.text,
                           updated_ms = excluded.updated_ms""",
                    (agent, key, channel, text, now_ms),
                )
            else:
                await conn.execute("DELETE FROM drafts WHERE agent = ? AND key = ?", (agent, key))

    async def drafted(self, agent: str, mention_ids: Sequence[int]) -> set[int]:
        """Which of these mentions have an unsent draft by this agent."""
        if not mention_ids:
            return set()
        keys = [f"reply:{i}" for i in mention_ids]
        return {
            int(str(r[0]).split(":")[1])
            for r in await fetch_all(
                self.db.reader,
                f"SELECT key FROM drafts WHERE agent = ? AND key IN ({','.join('?' * len(keys))})",
                [agent, *keys],
            )
        }
