"""Round-robin's facts, read and written inside the caller's transaction: who is present,
how many open mentions each agent holds, and whose turn came last."""

from __future__ import annotations

import json
from collections.abc import Sequence

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all, fetch_one


async def present(conn: Connection, since_ms: int) -> list[tuple[str, str]]:
    """(holder, agent) of every scrm process whose heartbeat is `since_ms` or newer
    (the presence rows service/presence.py beats)."""
    rows = await fetch_all(
        conn,
        "SELECT holder, agent FROM presence WHERE heartbeat_ms >= ? ORDER BY agent",
        (since_ms,),
    )
    return [(str(row[0]), str(row[1])) for row in rows]


async def open_loads(conn: Connection, agents: Sequence[str]) -> dict[str, int]:
    """How many open mentions each of `agents` is assigned (through the assignee index)."""
    rows = await fetch_all(
        conn,
        """SELECT assignee, count(*) FROM mentions
           WHERE assignee IN (SELECT value FROM json_each(?)) AND status = 'open'
           GROUP BY assignee""",
        (json.dumps(list(agents)),),
    )
    loads = dict.fromkeys(agents, 0)
    loads.update({str(row[0]): int(row[1]) for row in rows})
    return loads


async def last_turn(conn: Connection, rotation: str) -> str | None:
    row = await fetch_one(conn, "SELECT last_agent FROM rotations WHERE name = ?", (rotation,))
    return str(row[0]) if row else None


async def set_turn(conn: Connection, rotation: str, agent: str, now_ms: int) -> None:
    await conn.execute(
        """INSERT INTO rotations (name, last_agent, turned_ms) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET last_agent = excluded.last_agent,
                                            turned_ms = excluded.turned_ms""",
        (rotation, agent, now_ms),
    )
