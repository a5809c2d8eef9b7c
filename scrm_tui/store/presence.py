"""Presence: each running scrm an agent works in, its heartbeat, and the agents known."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence

from scrm_tui.store.claims import IDS, ids_param
from scrm_tui.store.db import Database, fetch_all
from scrm_tui.store.rotation import present

HOLDERS = "(SELECT value FROM json_each(:holders))"


class PresenceStore:
    def __init__(self, db: Database):
        self.db = db

    async def register(self, holder: str, agent: str, now_ms: int) -> None:
        """This process is open as `agent`; the agent is known from now on."""
        async with self.db.transaction(wakes=False) as conn:  # no list shows it
            await conn.execute(
                """INSERT INTO presence (holder, agent, started_ms, heartbeat_ms)
                   VALUES (:holder, :agent, :now, :now)
                   ON CONFLICT (holder) DO UPDATE SET
                       agent = excluded.agent, heartbeat_ms = excluded.heartbeat_ms""",
                {"holder": holder, "agent": agent, "now": now_ms},
            )
            await conn.execute(
                """INSERT INTO agents (name, first_seen_ms, last_seen_ms) VALUES (?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET last_seen_ms = excluded.last_seen_ms""",
                (agent, now_ms, now_ms),
            )

    async def beat(self, holder: str, agent: str, now_ms: int, claimed: Sequence[int] = ()) -> None:
        """One heartbeat, for the process and the claims it holds, in one commit (each
        commit would wake every open terminal, so it does not: nothing shown changes).
        A row another process swept away while this one was stalled comes back."""
        async with self.db.transaction(wakes=False) as conn:
            await conn.execute(
                """INSERT INTO presence (holder, agent, started_ms, heartbeat_ms)
                   VALUES (:holder, :agent, :now, :now)
                   ON CONFLICT (holder) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms""",
                {"holder": holder, "agent": agent, "now": now_ms},
            )
            if claimed:
                await conn.execute(
                    f"""UPDATE claims SET heartbeat_ms = :now, holder = :holder
                        WHERE agent = :agent AND mention_id IN {IDS}""",
                    {"now": now_ms, "holder": holder, "agent": agent, "ids": ids_param(claimed)},
                )

    async def leave(self, holder: str, agent: str, now_ms: int) -> None:
        """A clean exit: this process's presence and claims end now."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM claims WHERE holder = ?", (holder,))
            await conn.execute("DELETE FROM presence WHERE holder = ?", (holder,))
            await conn.execute(
                "UPDATE agents SET last_seen_ms = max(last_seen_ms, ?) WHERE name = ?",
                (now_ms, agent),
            )

    async def holders(self) -> list[tuple[str, int]]:
        """Every process with a presence or a claim, and its newest heartbeat."""
        rows = await fetch_all(
            self.db.reader,
            """SELECT holder, max(heartbeat_ms) FROM (
                   SELECT holder, heartbeat_ms FROM presence
                   UNION ALL SELECT holder, heartbeat_ms FROM claims)
               GROUP BY holder""",
        )
        return [(str(r[0]), int(r[1])) for r in rows]

    async def drop(self, holders: Collection[str]) -> None:
        """Forget processes known to be gone: their claims block no one from now on."""
        if not holders:
            return
        params = {"holders": json.dumps(sorted(holders))}
        async with self.db.transaction() as conn:
            await conn.execute(f"DELETE FROM claims WHERE holder IN {HOLDERS}", params)
            await conn.execute(f"DELETE FROM presence WHERE holder IN {HOLDERS}", params)

    async def present(self, after_ms: int) -> list[tuple[str, str]]:
        """(holder, agent) of every process whose heartbeat is newer than `after_ms`."""
        return await present(self.db.reader, after_ms)

    async def agents(self) -> list[str]:
        """Every agent who has opened scrm on this database."""
        rows = await fetch_all(self.db.reader, "SELECT name FROM agents ORDER BY name")
        return [str(r[0]) for r in rows]
