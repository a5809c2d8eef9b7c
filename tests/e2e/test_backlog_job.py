"""The matching backlog (customers to index, authors to re-match) is worked off by a
low-priority process of its own, one per database, whose progress every inbox shows;
a killed one is resumed, and none is left running once its work is done."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from scrm_tui.service import backlog
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.linking import Linker
from scrm_tui.service.match_pool import NICE
from tests.conftest import fixed_clock, mention
from tests.e2e.test_match_backlog import WAITING, seed_customers, watch_config
from tests.fakes.replay import Replay
from tests.support.killing import (
    count,
    group_alive,
    kill_and_check_group,
    running,
    scrm_command,
    wait_for,
)
from tests.support.terminal import Terminal
from tests.support.terminal import scrm_command as shell_command
from tests.support.tui import running as app_running
from tests.support.tui import static_text, toasts, wait_until

MANY = 20_000  # customers to index: seconds of work, in pages, with worker processes
INDEXED = "SELECT n FROM match_population"
OWED = "SELECT count(*) FROM pending_work"
TOLD = "SELECT count(*) FROM job_progress"


async def _owing(db: Path, customers: int = MANY) -> None:
    """A database as an upgrade leaves it: customers waiting to be indexed, and the
    re-match of an unlinked author owed."""
    async with await Inbox.open(db, "agent", fixed_clock) as box:
        await box.ingest([mention(1)])
    seed_customers(db, customers)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO pending_work VALUES ('rematch', 1, 0, 0, 0)")


def holder_pid(db: Path) -> int:
    """The pid of the process holding the backlog's lease (0 while none does)."""
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT holder FROM leases WHERE name = 'rematch'").fetchone()
    return int(row[0].rpartition(":")[2]) if row else 0


@contextmanager
def stopped(pid: int, db: Path) -> Iterator[None]:
    """`pid` frozen (SIGSTOP) so that what it last told stays on show; thawed after.
    Frozen between two of its write transactions (the test holds the write lock as it
    stops it), so that other processes can still write meanwhile."""
    with closing(sqlite3.connect(db, timeout=30, isolation_level=None)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        os.kill(pid, signal.SIGSTOP)
        conn.execute("ROLLBACK")
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def catch_up_processes(db: Path) -> list[int]:
    """`scrm catch-up` processes running for `db`."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"catch-up" in argv and str(db).encode() in argv:
            found.append(int(entry))
    return found


def not_here(*_: object, **__: object) -> None:
    raise AssertionError("the inbox's own process must not do the backlog")


async def test_the_backlog_runs_in_a_lower_priority_process_whose_progress_the_top_line_shows(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _owing(db_path)
    monkeypatch.setattr(Linker, "resume_rematch", not_here)
    async with app_running(db_path, size=(100, 24)) as pilot:
        await wait_until(pilot, lambda: count(db_path, TOLD) > 0, timeout=60)
        pid = holder_pid(db_path)
        assert pid not in (0, os.getpid())
        # NICE below this process's priority, as far as the system's lowest (19): a
        # suite run under `nice -n 19` has no lower one to give.
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(own + NICE, 19)
        with stopped(pid, db_path):
            await wait_until(
                pilot,
                lambda: "indexing customers " in static_text(pilot, "#status"),
                timeout=30,
            )
        await wait_until(
            pilot,
            lambda: (
                count(db_path, OWED) == 0
                and holder_pid(db_path) == 0
                and "indexing" not in static_text(pilot, "#status")
                and "matching" not in static_text(pilot, "#status")
            ),
            timeout=120,
        )
    assert count(db_path, WAITING) == 0 and count(db_path, INDEXED) == MANY
    wait_for("the job and its workers gone", lambda: not group_alive(pid))
    assert count(db_path, TOLD) == 0


async def test_a_second_inbox_follows_the_running_job_and_starts_none(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _owing(db_path)
    started: list[Path] = []
    monkeypatch.setattr(backlog, "start", lambda db, *_: started.append(db))
    with running(scrm_command("--db", str(db_path), "catch-up", "--quiet")) as job:
        wait_for("the job telling its progress", lambda: count(db_path, TOLD) > 0)
        with stopped(job.pid, db_path):
            async with app_running(db_path, size=(100, 24)) as pilot:
                await wait_until(
                    pilot,
                    lambda: "indexing customers " in static_text(pilot, "#status"),
                    timeout=30,
                )
                assert catch_up_processes(db_path) == [job.pid]
        assert job.wait(timeout=120) == 0
        wait_for("its workers gone", lambda: not group_alive(job.pid))
    assert started == []
    assert count(db_path, OWED) == 0 and count(db_path, INDEXED) == MANY


async def test_a_killed_job_leaves_nothing_running_and_the_next_inbox_resumes_it(
    db_path: Path,
) -> None:
    await _owing(db_path)
    with running(scrm_command("--db", str(db_path), "catch-up", "--quiet")) as job:
        wait_for("indexing under way", lambda: count(db_path, INDEXED) > 0)
        kill_and_check_group(job, signal.SIGKILL)  # its worker processes end with it
    part = count(db_path, INDEXED)
    assert 0 < part < MANY and count(db_path, OWED) == 1
    async with app_running(db_path, size=(100, 24)) as pilot:
        await wait_until(pilot, lambda: count(db_path, OWED) == 0, timeout=120)
        await wait_until(pilot, lambda: holder_pid(db_path) == 0)
    assert count(db_path, INDEXED) == MANY and count(db_path, WAITING) == 0
    wait_for("no catch-up left", lambda: not catch_up_processes(db_path))


async def test_a_job_goes_on_alone_when_its_inbox_is_killed_and_ends_with_its_work(
    db_path: Path, tmp_path: Path, terminal: Terminal
) -> None:
    await _owing(db_path)
    terminal.start("exec " + shell_command("--db", str(db_path)), 100, 24, tmp_path)
    wait_for("the job started", lambda: bool(catch_up_processes(db_path)))
    job = catch_up_processes(db_path)[0]
    os.kill(terminal.pid(), signal.SIGKILL)
    wait_for("the inbox gone", terminal.exited)
    # The job is in a session of its own: it finishes the work, then ends.
    wait_for("the work done", lambda: count(db_path, OWED) == 0, timeout=120)
    wait_for("the job and its workers gone", lambda: not group_alive(job))
    assert count(db_path, INDEXED) == MANY


def test_catch_up_says_another_process_is_at_it(db_path: Path) -> None:
    asyncio.run(_owing(db_path, 2000))
    with running(scrm_command("--db", str(db_path), "catch-up", "--quiet")) as first:
        wait_for("the first holding the lease", lambda: holder_pid(db_path) == first.pid)
        with (
            stopped(first.pid, db_path),
            running(scrm_command("--db", str(db_path), "catch-up")) as second,
        ):
            assert second.wait(timeout=60) == 0
            assert "another process is catching up" in (second.stderr or "").read()
        assert first.wait(timeout=60) == 0
    assert count(db_path, OWED) == 0


async def test_the_inbox_says_so_when_its_job_stops_before_the_end(db_path: Path) -> None:
    await _owing(db_path)
    async with app_running(db_path, size=(100, 24), toasts=True) as pilot:
        await wait_until(pilot, lambda: count(db_path, TOLD) > 0, timeout=60)
        job = holder_pid(db_path)
        os.killpg(job, signal.SIGKILL)  # the job and its worker processes
        await wait_until(
            pilot,
            lambda: any("Matching stopped before the end" in toast for toast in toasts(pilot)),
            timeout=30,
        )
        assert "indexing" not in static_text(pilot, "#status")
    wait_for("the job and its workers gone", lambda: not group_alive(job))
    assert count(db_path, OWED) == 1  # still owed: the next inbox goes on from there


def test_watch_shows_how_far_another_process_s_job_is(db_path: Path, tmp_path: Path) -> None:
    asyncio.run(_owing(db_path))
    with Replay() as server:
        config = watch_config(tmp_path, server)
        out = tmp_path / "watch.out"
        with running(scrm_command("--db", str(db_path), "catch-up", "--quiet")) as job:
            wait_for("the job telling its progress", lambda: count(db_path, TOLD) > 0)
            with stopped(job.pid, db_path), out.open("w") as written:
                watch = subprocess.Popen(
                    scrm_command("--db", str(db_path), "--config", str(config), "watch"),
                    stdin=subprocess.DEVNULL,
                    stdout=written,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
                try:
                    wait_for(
                        "the job's progress in the watch's output",
                        lambda: f"indexing customers (by {holder(job.pid)}): " in out.read_text(),
                    )
                finally:
                    kill_and_check_group(watch, signal.SIGTERM)  # type: ignore[arg-type]
            assert job.wait(timeout=120) == 0
    assert count(db_path, OWED) == 0


def holder(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}"
