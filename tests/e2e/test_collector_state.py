"""The collector's footing in the database: one lease holder, and each source's state."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from pathlib import Path

from scrm_tui.service.processes import gone_here, process_id
from scrm_tui.store.db import Database
from scrm_tui.store.lease import LeaseStore
from scrm_tui.store.sources import SourceStateStore

TTL = 20_000


async def test_one_process_holds_the_lease_until_it_stops_renewing(db_path: Path) -> None:
    first, second = await Database.open(db_path), await Database.open(db_path)
    try:
        a, b = LeaseStore(first), LeaseStore(second)
        # Both try at once: exactly one wins.
        won = await asyncio.gather(
            a.acquire("collector", "host:1", 1_000, TTL),
            b.acquire("collector", "host:2", 1_000, TTL),
        )
        assert sorted(won) == [False, True]
        holder = "host:1" if won[0] else "host:2"
        other, other_store = ("host:2", b) if won[0] else ("host:1", a)
        mine = a if won[0] else b
        # The holder renews; the other cannot take it while it does.
        assert await mine.renew("collector", holder, 15_000, TTL)
        assert not await other_store.acquire("collector", other, 30_000, TTL)
        # The holder stops renewing: after the lease runs out, the other takes over...
        assert await other_store.acquire("collector", other, 35_001, TTL)
        # ...and the old holder finds out on its next renewal.
        assert not await mine.renew("collector", holder, 36_000, TTL)
        current = await mine.holder("collector")
        assert current is not None and current.holder == other and current.acquired_ms == 35_001
    finally:
        await first.close()
        await second.close()


async def test_a_dead_holder_is_replaced_at_once_and_a_clean_exit_frees_it(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        leases = LeaseStore(db)
        assert await leases.acquire("collector", "host:111", 1_000, TTL)
        assert not await leases.acquire("collector", "host:222", 2_000, TTL)
        assert await leases.acquire("collector", "host:222", 2_000, TTL, steal_from="host:111")
        await leases.release("collector", "host:222")
        assert await leases.holder("collector") is None
        assert await leases.acquire("collector", "host:333", 3_000, TTL)
    finally:
        await db.close()


async def test_source_state_keeps_the_cursor_and_counts_failures(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        states = SourceStateStore(db)
        await states.succeeded("hn", "hackernews", cursor="1700000000", stored=12, now_ms=1_000)
        assert (
            await states.failed(
                "hn", "hackernews", error="HTTP 503", state="backoff", until_ms=9_000, now_ms=2_000
            )
            == 1
        )
        assert (
            await states.failed(
                "hn", "hackernews", error="HTTP 503", state="backoff", until_ms=19_000, now_ms=3_000
            )
            == 2
        )
        state = await states.get("hn")
        assert state is not None
        assert (state.cursor, state.state, state.failures, state.last_error) == (
            "1700000000",
            "backoff",
            2,
            "HTTP 503",
        )
        # A success keeps the cursor when it brings none, clears the failures, adds up.
        await states.succeeded("hn", "hackernews", cursor=None, stored=3, now_ms=4_000)
        state = await states.get("hn")
        assert state is not None
        assert (state.cursor, state.state, state.failures, state.stored, state.last_ok_ms) == (
            "1700000000",
            "ok",
            0,
            15,
            4_000,
        )
        assert [s.source for s in await states.all()] == ["hn"]
    finally:
        await db.close()


def test_a_killed_process_not_yet_reaped_counts_as_gone() -> None:
    # A zombie still answers kill(pid, 0); a collector killed in a tmux pane is one
    # until tmux reaps it, and its lease must not wait 20 s for that.
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    holder = f"{socket.gethostname()}:{child.pid}"
    try:
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child.pid}/stat").read_text().split(") ")[1][0] != "Z":
            assert time.monotonic() < deadline, "the child never exited"
            time.sleep(0.01)  # polling for the child's exit, not a timing guess
        assert gone_here(holder)
    finally:
        child.wait()
    assert gone_here(holder)  # reaped: no such process
    assert not gone_here(process_id())  # this process
    assert not gone_here(f"elsewhere:{child.pid}")  # another host cannot be checked
