"""A named lease in the database: exactly one process at a time holds it, and renews it."""

from __future__ import annotations

from dataclasses import dataclass

from scrm_tui.store.db import Database, fetch_one


@dataclass(frozen=True)
class Holder:
    holder: str  # "host:pid"
    acquired_ms: int
    renewed_ms: int
    expires_ms: int


class LeaseStore:
    """Leases are bookkeeping: taking, renewing or giving one up wakes no open inbox
    (the sources line looks at the collector on a timer of its own)."""

    def __init__(self, db: Database):
        self.db = db

    async def acquire(
        self, name: str, holder: str, now_ms: int, ttl_ms: int, *, steal_from: str | None = None
    ) -> bool:
        """Take the lease if it is free, expired, already ours, or held by `steal_from`
        (a holder known to be dead). One statement, so two processes cannot both win."""
        async with self.db.transaction(wakes=False) as conn:
            await conn.execute(
                """INSERT INTO leases (name, holder, acquired_ms, renewed_ms, expires_ms)
                   VALUES (:name, :holder, :now, :now, :expires)
                   ON CONFLICT (name) DO UPDATE SET
                       holder = excluded.holder,
                       acquired_ms = CASE WHEN leases.holder = excluded.holder
                                          THEN leases.acquired_ms ELSE excluded.acquired_ms END,
                       renewed_ms = excluded.renewed_ms,
                       expires_ms = excluded.expires_ms
                   WHERE leases.expires_ms <= :now OR leases.holder = :holder
                      OR leases.holder = :steal""",
                {
                    "name": name,
                    "holder": holder,
                    "now": now_ms,
                    "expires": now_ms + ttl_ms,
                    "steal": steal_from,
                },
            )
            row = await fetch_one(conn, "SELECT holder FROM leases WHERE name = ?", (name,))
        return row is not None and row[0] == holder

    async def renew(self, name: str, holder: str, now_ms: int, ttl_ms: int) -> bool:
        """Extend our lease; False means it was lost (taken after it expired)."""
        async with self.db.transaction(wakes=False) as conn:
            cursor = await conn.execute(
                "UPDATE leases SET renewed_ms = ?, expires_ms = ? WHERE name = ? AND holder = ?",
                (now_ms, now_ms + ttl_ms, name, holder),
            )
            return cursor.rowcount > 0

    async def release(self, name: str, holder: str) -> None:
        """Give the lease up on a clean exit, so a follower need not wait for expiry."""
        async with self.db.transaction(wakes=False) as conn:
            await conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))

    async def holder(self, name: str) -> Holder | None:
        row = await fetch_one(
            self.db.reader,
            "SELECT holder, acquired_ms, renewed_ms, expires_ms FROM leases WHERE name = ?",
            (name,),
        )
        return Holder(str(row[0]), int(row[1]), int(row[2]), int(row[3])) if row else None
