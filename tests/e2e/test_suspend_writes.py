"""Ctrl+Z stops the whole process: it waits for a write under way to commit, so a
stopped inbox never holds the database's write lock, and every other agent's writes
go on while it is stopped (a real second process writing to the same file)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from scrm_tui.service.inbox import Inbox
from tests.e2e.test_tmux import ingest, record


async def test_a_suspend_waits_for_the_write_under_way_and_others_write_meanwhile(
    tmp_path: Path,
) -> None:
    db = tmp_path / "suspend.db"
    ingest(db, [record(1, "the first post")])
    inbox = await Inbox.open(db, "ana")
    happened: list[str] = []
    began, release = asyncio.Event(), asyncio.Event()

    async def a_write_under_way() -> None:
        async with inbox.db.transaction() as conn:
            await conn.execute("UPDATE mentions SET text = 'edited' WHERE id = 1")
            began.set()
            await release.wait()
        happened.append("committed")

    async def stopped_by_ctrl_z() -> None:
        async with inbox.between_writes():
            happened.append("stopped")
            # What another agent does while this process is stopped: it must not wait
            # behind a lock this process holds (it would fail after 5 s, "busy").
            ingest(db, [record(2, "arrived while away")])
            happened.append("another process wrote")

    try:
        writing = asyncio.create_task(a_write_under_way())
        await began.wait()
        suspending = asyncio.create_task(stopped_by_ctrl_z())
        await asyncio.sleep(0)  # one turn of the loop: the suspend now waits its turn
        assert happened == []
        release.set()
        await asyncio.gather(writing, suspending)
        assert happened == ["committed", "stopped", "another process wrote"]
        assert await inbox.max_id() == 2
    finally:
        await inbox.close()
