"""Search at scale: the count follows the first rows (capped first), a stale search is
interrupted in SQLite, and a search never holds up live arrivals or the reading pane."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from textual.pilot import Pilot
from textual.worker import WorkerState

from scrm_tui.core.models import Sentiment
from scrm_tui.core.records import flatten
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.window import COUNT_CAP
from scrm_tui.store import db as db_module
from scrm_tui.store.mentions import MentionStore
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import NOW, fixed_clock, mention
from tests.support.tui import (
    detail_text,
    list_lines,
    running,
    static_text,
    status_text,
    toasts,
    wait_until,
    wait_while_working,
)

CALM = Sentiment(compound=0.0, pos=0.0, neu=1.0, neg=0.0)


async def seed(db_path: Path, texts: list[str]) -> None:
    """Mentions with these texts, newest first, stored in one batch (no scoring: the
    store's executemany, so ten thousand take a moment)."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        rows = [flatten(mention(n, text), CALM) for n, text in enumerate(texts)]
        await box.store(rows, offered=len(rows))


class SlowSearch:
    """Slows statements that name `word` (a search for it), on whichever connection
    runs them, to a step every 10 ms in SQLite's own thread, as a search over tens of
    millions of rows would run: only SQLite's interrupt ends one early. Every other
    statement runs at full speed."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.running = threading.local()  # each connection runs in a thread of its own
        self.started = threading.Event()
        self.released = threading.Event()

    def _trace(self, sql: str) -> None:
        # The expanded SQL (bound values in it); SQLite's own statements inside one
        # (the FTS index's reads) come as `-- ...`.
        if not sql.startswith("--"):
            self.running.sql = sql

    def _step(self) -> int:
        # Returns after each step: SQLite looks for an interrupt between steps.
        if self.word in getattr(self.running, "sql", "") and not self.released.is_set():
            self.started.set()
            time.sleep(0.01)
        return 0

    async def install(self, conn: aiosqlite.Connection) -> None:
        await conn.set_trace_callback(self._trace)
        await conn.set_progress_handler(self._step, 1)


@pytest.fixture
def slow_omega(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowSearch]:
    """Every connection the app opens from now on runs a search for "omega" slowly."""
    slow = SlowSearch('"omega')
    opened = db_module._connect

    async def connect(path: Path) -> aiosqlite.Connection:
        conn = await opened(path)
        await slow.install(conn)
        return conn

    monkeypatch.setattr(db_module, "_connect", connect)
    yield slow
    slow.released.set()


def store_elsewhere(db_path: Path, tmp_path: Path, text: str) -> None:
    """`scrm ingest` of one mention, in a process of its own."""
    source = tmp_path / "arrival.jsonl"
    record = {
        "channel": "bluesky",
        "id": "arrived-1",
        "text": text,
        "created_at": NOW.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "author": {"handle": "late.bsky.social", "name": "Late Comer"},
    }
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    ingest = subprocess.run(
        [sys.executable, "-m", "scrm_tui", "--db", str(db_path), "ingest", "-q", str(source)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ingest.returncode == 0, ingest.stderr


def position(pilot: Pilot) -> str:
    return static_text(pilot, "#position").strip()


async def test_the_count_says_at_least_10000_then_the_true_figure(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    matching = COUNT_CAP + 37
    await seed(db_path, [f"kestrel sync {n}" for n in range(matching)] + ["other"] * 5)
    counting = asyncio.Event()
    full_count = MentionStore.count

    async def held(self: MentionStore, query: Any, *args: Any, **kwargs: Any) -> int:
        if not query.is_empty:
            await counting.wait()  # the whole count takes its time, as at 10M
        return await full_count(self, query, *args, **kwargs)

    monkeypatch.setattr(MentionStore, "count", held)
    async with running(db_path) as pilot:
        await pilot.press("slash", *"kestrel", "enter")
        await wait_while_working(pilot, lambda: "kestrel sync" in list_lines(pilot)[0])
        await wait_while_working(pilot, lambda: "≥ 10,000 of" in status_text(pilot))
        assert position(pilot) == "1/≥10,000"
        counting.set()
        await wait_until(pilot, lambda: f"{matching:,} of" in status_text(pilot))
        assert position(pilot) == f"1/{matching:,}"
        assert "≥" not in status_text(pilot)


async def test_a_stale_search_is_interrupted_and_the_last_filter_shows(
    db_path: Path, slow_omega: SlowSearch
) -> None:
    words = ("alpha", "beta", "omega")
    await seed(db_path, [f"{word} post {n}" for n in range(600) for word in words])
    async with running(db_path, toasts=True) as pilot:
        await pilot.press("slash", *"omega")
        await wait_while_working(pilot, slow_omega.started.is_set)
        await pilot.press(*["backspace"] * 5, *"beta", "enter")
        # The omega search would run for minutes: beta's rows show because it was
        # stopped, not because it ended.
        await wait_while_working(pilot, lambda: "beta post" in list_lines(pilot)[0], timeout=20)
        await wait_while_working(pilot, lambda: "/beta → 600 of" in status_text(pilot))
        assert not slow_omega.released.is_set()
        assert toasts(pilot) == []  # an interrupted search is no error to the user
        assert not any("alpha" in line or "omega" in line for line in list_lines(pilot))


async def test_a_long_search_holds_up_neither_arrivals_nor_the_reading_pane(
    db_path: Path, tmp_path: Path, slow_omega: SlowSearch
) -> None:
    await seed(db_path, [f"omega post {n}" for n in range(300)])
    async with running(db_path) as pilot:
        await pilot.press("slash", *"omega post", "enter")
        await wait_while_working(pilot, slow_omega.started.is_set)
        store_elsewhere(db_path, tmp_path, "a fresh complaint arrives")
        await wait_while_working(
            pilot, lambda: "a fresh complaint" in list_lines(pilot)[0], timeout=20
        )
        await pilot.click(MentionList, offset=(2, 0))  # the arrival, to read
        await wait_while_working(pilot, lambda: "Late Comer" in detail_text(pilot), timeout=20)
        assert "/omega post" not in status_text(pilot)  # still searching
        slow_omega.released.set()
        await wait_until(pilot, lambda: "/omega post" in status_text(pilot))
        assert "omega post" in list_lines(pilot)[0]


async def test_typing_back_to_the_filter_shown_drops_the_search_typed_meanwhile(
    db_path: Path, slow_omega: SlowSearch
) -> None:
    await seed(db_path, [f"{word} post {n}" for n in range(300) for word in ("alpha", "omega")])
    async with running(db_path, toasts=True) as pilot:
        await pilot.press("slash", *"alpha", "enter")
        await wait_until(pilot, lambda: "/alpha → 300 of" in status_text(pilot))
        await pilot.press("slash", *["backspace"] * 5, *"omega")
        await wait_while_working(pilot, slow_omega.started.is_set)
        await pilot.press(*["backspace"] * 5, *"alpha", "enter")
        await wait_while_working(
            pilot,
            lambda: (
                not any(
                    worker.name == "_load_view" and worker.state is WorkerState.RUNNING
                    for worker in pilot.app.workers
                )
            ),
            timeout=20,
        )
        assert "/alpha → 300 of" in status_text(pilot)
        assert all("omega" not in line for line in list_lines(pilot))
        assert toasts(pilot) == []
