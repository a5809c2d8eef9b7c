"""A snooze comes due in every terminal: real processes, a real clock, a short snooze,
and nothing else written meanwhile. The tests wait for what the snooze causes."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from scrm_tui.core.config import Config
from scrm_tui.core.query import Query
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.app import ScrmApp
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import fixed_clock, mention
from tests.support.terminal import Terminal, scrm_command
from tests.support.tui import list_lines, status_text, wait_until

SNOOZER = textwrap.dedent(
    """
    import asyncio, sys, time
    from scrm_tui.core.query import Query
    from scrm_tui.service.inbox import Inbox

    async def main(db, seconds):
        async with await Inbox.open(db, "dana", time.time) as box:
            rows = await box.page_older(Query(), None, 100)
            first = next(row for row in rows if row.snippet.startswith("wake me"))
            await box.set_read([first.id], True)
            until = box.snoozes.read(seconds + "s")
            await box.snoozes.snooze([first.id], until)
            print(until.ms)

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


async def seed(db_path: Path) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest(
            [mention(0, "wake me when it is time", minutes_ago=1)]
            + [mention(n, f"another post {n}", minutes_ago=5 + n) for n in range(1, 20)]
        )


def snooze_elsewhere(db_path: Path, seconds: int) -> int:
    """Another agent's process snoozes the mention for a few seconds, and exits."""
    done = subprocess.run(
        [sys.executable, "-c", SNOOZER, str(db_path), str(seconds)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())


def state(db_path: Path) -> tuple[int | None, int, list[tuple[str, str]]]:
    """(snoozed until, how many agents have read it, its history of snoozes)."""
    with sqlite3.connect(db_path) as conn:
        (mention_id, until) = conn.execute(
            "SELECT id, snoozed_until_ms FROM mentions WHERE text LIKE 'wake me%'"
        ).fetchone()
        (reads,) = conn.execute(
            "SELECT count(*) FROM mention_reads WHERE mention_id = ?", (mention_id,)
        ).fetchone()
        history = conn.execute(
            "SELECT kind, actor FROM interactions WHERE mention_id = ? "
            "AND kind IN ('snoozed', 'woke') ORDER BY id",
            (mention_id,),
        ).fetchall()
    return until, reads, history


def shown(pilot) -> bool:
    return any("wake me" in line for line in list_lines(pilot))


async def test_a_snooze_set_in_another_process_leaves_and_comes_back_here_when_due(
    db_path: Path,
) -> None:
    """Dana's process snoozes a mention for 3 s and exits. This inbox (the only one
    open) shows it leave, and wakes it when it is due: back, unread, recorded."""
    await seed(db_path)
    app = ScrmApp(db_path=db_path, agent="kim", config=Config(), clock=time.time)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: shown(pilot))
        due_ms = await asyncio.to_thread(snooze_elsewhere, db_path, 3)
        await wait_until(pilot, lambda: not shown(pilot))
        assert (
            "1/19" in status_text(pilot)
            or pilot.app.screen.query_one(MentionList).window.total == 19
        )
        await wait_until(pilot, lambda: shown(pilot), timeout=30)
        late = time.time() * 1000 - due_ms
        until, reads, history = state(db_path)
        assert until is None and reads == 0  # unread again, for dana too
        assert history == [("snoozed", "dana"), ("woke", "scrm")]
        assert late < 5000, f"came back {late:.0f} ms after it was due"
        line = next(line for line in list_lines(pilot) if "wake me" in line)
        assert line.startswith("●")  # unread
        assert pilot.app.screen.query_one(MentionList).window.total == 20


async def test_a_wake_up_committed_by_another_process_reaches_every_inbox(
    db_path: Path, tmp_path: Path, terminal: Terminal
) -> None:
    """Two terminals: scrm in tmux wakes the mention when it is due (its clock is real);
    this inbox's clock stands still, so the mention can only come back here through
    what the other process committed. Both show it back."""
    await seed(db_path)
    terminal.start("exec " + scrm_command("--db", str(db_path)), 100, 24, tmp_path)
    terminal.wait_text("wake me")
    app = ScrmApp(
        db_path=db_path, agent="kim", config=Config(), clock=fixed_clock, poll_interval=0.1
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: shown(pilot))
        await asyncio.to_thread(snooze_elsewhere, db_path, 3)
        # Waited for in a thread: this process's inbox goes on meanwhile.
        await asyncio.to_thread(terminal.wait_for, lambda screen: "wake me" not in screen)
        await wait_until(pilot, lambda: not shown(pilot))
        await asyncio.to_thread(terminal.wait_for, lambda screen: "wake me" in screen, 30)
        await wait_until(pilot, lambda: shown(pilot), timeout=30)
        assert state(db_path)[2] == [("snoozed", "dana"), ("woke", "scrm")]
    back = next(line for line in terminal.screen().splitlines() if "wake me" in line)
    assert back.lstrip().startswith("●")
    async with await Inbox.open(db_path, "kim", fixed_clock) as kim:
        assert await kim.count(Query()) == 20
