"""Long queues: every escalation and every outbox item is reachable, its count true,
the newest first, and another process's change shows by itself."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot

from scrm_tui.core.config import Team
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.widgets.queue_list import QueueList
from tests.conftest import NOW, fixed_clock
from tests.support.tui import make_app, settle, static_text, wait_until

NOW_MS = int(NOW.timestamp() * 1000)
MANY = 2_500  # more than the 1,000 the screen used to read
TEAMS = (Team("billing", "Refunds and charges"),)


def _seed(db_path: Path) -> None:
    async def schema() -> None:
        async with await Inbox.open(db_path, "tester", fixed_clock):
            pass

    asyncio.run(schema())
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO escalations (team, priority, note, state, created_ms, created_by)"
            " VALUES ('billing', 'P3', ?, ?, ?, 'dana')",
            [
                (f"case {n}", "resolved" if n % 5 == 0 else "open", NOW_MS - (MANY - n) * 60_000)
                for n in range(1, MANY + 1)
            ],
        )


@pytest.fixture
def crowded(db_path: Path) -> Path:
    _seed(db_path)
    return db_path


def selected_note(pilot: Pilot) -> str | None:
    row = pilot.app.screen.query_one(QueueList).selected
    return row.note if row is not None else None


async def test_every_escalation_is_reachable_and_counted(crowded: Path) -> None:
    app = make_app(crowded, teams=TEAMS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        open_count = MANY - MANY // 5
        await wait_until(pilot, lambda: f"· {open_count:,}" in static_text(pilot, "#esc-status"))
        assert selected_note(pilot) == f"case {MANY - 1}"  # the newest open one first
        await pilot.press("G")
        await wait_until(pilot, lambda: selected_note(pilot) == "case 1")  # the oldest
        assert "case 1" in static_text(pilot, "#esc-detail-text")
        await pilot.press("3")  # all of them, resolved too
        await wait_until(pilot, lambda: f"· {MANY:,}" in static_text(pilot, "#esc-status"))
        assert selected_note(pilot) == f"case {MANY}"
        await pilot.press("G")
        await wait_until(pilot, lambda: selected_note(pilot) == "case 1")
        await pilot.press("k")
        await wait_until(pilot, lambda: selected_note(pilot) == "case 2")


ELSEWHERE = """
import asyncio, sys
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock

async def main():
    async with await Inbox.open(sys.argv[1], "kim", fixed_clock) as box:
        await box.escalations.store.create(
            mention_id=None, customer_id=None, team="billing", priority="P1",
            note="from another terminal", agent="kim", now_ms=box.now_ms(),
            deliveries=lambda _: (),
        )

asyncio.run(main())
"""


async def test_another_process_escalates_and_the_queue_shows_it(crowded: Path) -> None:
    app = make_app(crowded, teams=TEAMS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        open_count = MANY - MANY // 5
        await wait_until(pilot, lambda: f"· {open_count:,}" in static_text(pilot, "#esc-status"))
        await pilot.press("j")
        await wait_until(pilot, lambda: selected_note(pilot) == f"case {MANY - 2}")
        subprocess.run(
            [sys.executable, "-c", ELSEWHERE, str(crowded)],
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        status = f"· {open_count + 1:,}"
        await wait_until(pilot, lambda: status in static_text(pilot, "#esc-status"))
        queue = pilot.app.screen.query_one(QueueList)
        top = queue.window.get(0) if queue.window else None
        assert top is not None and top.note == "from another terminal"
        assert selected_note(pilot) == f"case {MANY - 2}"  # the cursor stayed on its row


OUTBOX_MANY = 1_200  # more than the 500 the outbox screen used to read


def _seed_outbox(db_path: Path) -> None:
    """1,200 macro posts, the oldest first: the 3 newest failed, the rest sent."""

    async def schema() -> None:
        async with await Inbox.open(db_path, "tester", fixed_clock):
            pass

    asyncio.run(schema())
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO outbox (kind, channel, text, key, state, next_ms, created_ms,"
            " updated_ms) VALUES ('post', 'mastodon', ?, ?, ?, 0, ?, ?)",
            [
                (
                    f"post {n}",
                    f"k{n}",
                    "failed" if n > OUTBOX_MANY - 3 else "sent",
                    NOW_MS - (OUTBOX_MANY - n) * 1000,
                    NOW_MS,
                )
                for n in range(1, OUTBOX_MANY + 1)
            ],
        )


@pytest.fixture
def queued(db_path: Path) -> Path:
    _seed_outbox(db_path)
    return db_path


def selected_text(pilot: Pilot) -> str | None:
    row = pilot.app.screen.query_one(QueueList).selected
    return row.text if row is not None else None


async def test_every_outbox_item_is_reachable_and_counted(queued: Path) -> None:
    app = make_app(queued)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await wait_until(pilot, lambda: "3 failed" in static_text(pilot, "#outbox-status"))
        assert selected_text(pilot) == f"post {OUTBOX_MANY}"  # the newest first
        await pilot.press("2")
        sent = f"{OUTBOX_MANY - 3:,} sent"
        await wait_until(pilot, lambda: sent in static_text(pilot, "#outbox-status"))
        assert "shown" not in static_text(pilot, "#outbox-status")  # nothing left out
        await pilot.press("G")
        await wait_until(pilot, lambda: selected_text(pilot) == "post 1")  # the oldest
        assert "post 1" in static_text(pilot, "#outbox-detail-text")
        await pilot.press("k")
        await wait_until(pilot, lambda: selected_text(pilot) == "post 2")
        await pilot.press("g")
        await wait_until(pilot, lambda: selected_text(pilot) == f"post {OUTBOX_MANY}")


QUEUE_ELSEWHERE = """
import asyncio, sys
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock

async def main():
    async with await Inbox.open(sys.argv[1], "kim", fixed_clock) as box:
        await box.outbox.enqueue(
            kind="post", channel="bluesky", text="queued in another terminal", key="k-other",
            mention_ids=[], agent="kim", now_ms=box.now_ms(),
        )

asyncio.run(main())
"""


async def test_another_process_queues_and_the_outbox_shows_it(queued: Path) -> None:
    app = make_app(queued)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("O", "2")
        sent = f"{OUTBOX_MANY - 3:,} sent"
        await wait_until(pilot, lambda: sent in static_text(pilot, "#outbox-status"))
        await pilot.press("j")
        await wait_until(pilot, lambda: selected_text(pilot) == f"post {OUTBOX_MANY - 1}")
        subprocess.run(
            [sys.executable, "-c", QUEUE_ELSEWHERE, str(queued)],
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        await wait_until(pilot, lambda: "1 pending" in static_text(pilot, "#outbox-status"))
        queue = pilot.app.screen.query_one(QueueList)
        top = queue.window.get(0) if queue.window else None
        assert top is not None and top.text == "queued in another terminal"
        assert queue.window is not None and queue.window.total == OUTBOX_MANY + 1
        assert selected_text(pilot) == f"post {OUTBOX_MANY - 1}"  # the cursor stayed put
