"""How far a background job is, written by the process that does it for others to show."""

from __future__ import annotations

from dataclasses import dataclass

from scrm_tui.store.db import Database, fetch_one


@dataclass(frozen=True)
class JobProgress:
    holder: str  # "host:pid" of the process doing it (it holds the job's lease)
    doing: str  # "indexing customers", "matching authors"
    done: int
    total: int
    updated_ms: int

    @property
    def percent(self) -> int:
        return 100 * self.done // max(self.total, 1)


class ProgressStore:
    """Progress is bookkeeping: telling it wakes no open inbox (those that show it read
    it on a timer of their own)."""

    def __init__(self, db: Database):
        self.db = db

    async def report(
        self, name: str, holder: str, doing: str, done: int, total: int, now_ms: int
    ) -> None:
        async with self.db.transaction(wakes=False) as conn:
            await conn.execute(
                """INSERT INTO job_progress (name, holder, doing, done, total, updated_ms)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,
                       doing = excluded.doing, done = excluded.done,
                       total = excluded.total, updated_ms = excluded.updated_ms""",
                (name, holder, doing, done, total, now_ms),
            )

    async def clear(self, name: str, holder: str) -> None:
        """The job ended (done, or stopped with its progress kept in its own rows)."""
        async with self.db.transaction(wakes=False) as conn:
            await conn.execute(
                "DELETE FROM job_progress WHERE name = ? AND holder = ?", (name, holder)
            )

    async def current(self, name: str, now_ms: int) -> JobProgress | None:
        """The progress of job `name` while the process that told it still holds the
        job's lease (a killed one's last words are not shown as if it went on)."""
        row = await fetch_one(
            self.db.reader,
            """SELECT p.holder, p.doing, p.done, p.total, p.updated_ms
               FROM job_progress p JOIN leases l ON l.name = p.name AND l.holder = p.holder
               WHERE p.name = ? AND l.expires_ms > ?""",
            (name, now_ms),
        )
        if row is None:
            return None
        return JobProgress(str(row[0]), str(row[1]), int(row[2]), int(row[3]), int(row[4]))
