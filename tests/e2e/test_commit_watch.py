"""The commit watch: another process's commit that an inbox shows wakes it; its
bookkeeping (a heartbeat) does not; and without inotify it still notices, by polling."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from scrm_tui.service.inbox import Inbox
from scrm_tui.store.commit_watch import CommitWatch
from tests.conftest import fixed_clock, mention
from tests.support.calls import Calls

ELSEWHERE = textwrap.dedent(
    """
    import asyncio, sys
    from scrm_tui.service.inbox import Inbox
    from tests.conftest import mention

    async def main(db, op):
        async with await Inbox.open(db, "kim") as box:
            if op == "beat":
                await box.presence.store.beat("far-host:1:1", "kim", box.now_ms())
            else:
                await box.ingest([mention(900 + len(op), "stored elsewhere")])

    asyncio.run(main(*sys.argv[1:]))
    """
)


def elsewhere(db_path: Path, op: str) -> None:
    subprocess.run(
        [sys.executable, "-c", ELSEWHERE, str(db_path), op],
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )


@pytest.mark.parametrize("inotify", [True, False], ids=["inotify", "polling"])
async def test_a_commit_elsewhere_wakes_the_watch_and_a_heartbeat_does_not(
    db_path: Path, inotify: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        await box.ingest([mention(1, "already here")])
        if not inotify:  # as on a system without it
            monkeypatch.setattr(CommitWatch, "_inotify", lambda self: None)
        calls = Calls()
        watch = box.watch_commits(calls, every=0.05)
        try:
            calls.wait_for(1)  # the first look, at once
            assert watch.how == ("inotify" if inotify else "polling")
            elsewhere(db_path, "beat")  # bookkeeping: nothing an inbox shows
            elsewhere(db_path, "store")
            calls.wait_for(2)
        finally:
            watch.close()
        assert calls.count == 2  # the first look and the mention stored: not the beat
        assert not watch.alive


async def test_a_watch_polls_while_the_inbox_settles_then_sleeps_in_inotify(
    db_path: Path,
) -> None:
    """The app's watch polls for its first second (loading inotify would compete with
    the first frame): a commit then is seen all the same, and so is one after it has
    gone over to inotify."""
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        calls = Calls()
        watch = box.watch_commits(calls, every=0.05, settle=3600)
        try:
            calls.wait_for(1)
            elsewhere(db_path, "store")
            calls.wait_for(2)
            assert watch.how == "polling"
        finally:
            watch.close()
        calls = Calls()
        watch = box.watch_commits(calls, every=0.05, settle=0.2)
        try:
            calls.wait_for(1)
            deadline = time.monotonic() + 30
            while watch.how != "inotify":  # what the settling ends in (on Linux)
                assert watch.alive and time.monotonic() < deadline, watch.how
                await asyncio.sleep(0.01)
            elsewhere(db_path, "store-again")
            calls.wait_for(2)
        finally:
            watch.close()
