"""An idle inbox sleeps: with nothing committed and nothing due it reads nothing and draws
nothing, and still shows another process's commit and a snooze's end without a key."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from rich.console import RenderableType
from textual.pilot import Pilot

from scrm_tui.core.config import Config
from scrm_tui.core.query import Query
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui import app as app_module
from scrm_tui.ui.app import ScrmApp
from scrm_tui.ui.screens import inbox as inbox_screen
from tests.conftest import fixed_clock, mention
from tests.support.sqltrace import Statements
from tests.support.tui import list_lines, settle, status_text, wait_until

# Time that passes with nothing to do: what the tests look at is what happened in it.
# (At the tests' poll_interval of 0.05 s an inbox that polled would read 40 times.)
IDLE_S = 2.0

# How the wake-up of a snooze that came due begins (SnoozeStore.wake_due).
WAKE_DUE = "SELECT min(snoozed_until_ms) FROM mentions"

STORE = textwrap.dedent(
    """
    import asyncio, sys
    from scrm_tui.service.inbox import Inbox
    from tests.conftest import mention

    async def main(db):
        async with await Inbox.open(db, "kim") as box:
            await box.ingest([mention(900, "stored by another process", minutes_ago=0)])

    asyncio.run(main(sys.argv[1]))
    """
)


def store_elsewhere(db_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", STORE, str(db_path)],
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )


@contextlib.contextmanager
def counted_frames(app: ScrmApp) -> Iterator[list[int]]:
    """Frames the app sends to the terminal while the block runs (Textual's one way
    out to it; headless, it is still called with every frame, and writes nothing)."""
    frames: list[int] = []
    display = app._display

    def counted(screen: object, renderable: RenderableType | None) -> None:
        if renderable is not None:
            frames.append(1)
        display(screen, renderable)  # type: ignore[arg-type]

    app._display = counted  # type: ignore[method-assign]
    try:
        yield frames
    finally:
        del app._display


@contextlib.asynccontextmanager
async def statements(app: ScrmApp) -> AsyncIterator[Statements]:
    """Every statement the app's connections run while the block runs."""
    assert app.inbox is not None
    seen = Statements()
    connections = (app.inbox.db.reader, app.inbox.db.writer)
    for conn in connections:
        await conn.set_trace_callback(seen)
    try:
        yield seen
    finally:
        for conn in connections:
            await conn.set_trace_callback(None)


def real_clock_app(db_path: Path) -> ScrmApp:
    """The app as `scrm` runs it, on the real clock, which it can foresee."""
    return ScrmApp(db_path=db_path, agent="tester", config=Config(), poll_interval=0.05)


async def opened(pilot: Pilot, shown: str) -> None:
    await wait_until(pilot, lambda: any(shown in line for line in list_lines(pilot)))
    await settle(pilot)


@pytest.fixture(autouse=True)
def startup_work_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start-up's one-off looks (a re-match or re-score owed) run at once, not a second
    after the first page, so that they are over before the idle time begins."""
    monkeypatch.setattr(app_module, "LISTEN_DELAY", 0.0)


async def test_an_idle_inbox_reads_and_draws_nothing_yet_shows_another_processs_commit(
    db_path: Path,
) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n, f"seeded {n}") for n in range(3)])
    app = real_clock_app(db_path)
    async with app.run_test(size=(100, 24)) as pilot:
        await opened(pilot, "seeded 0")
        async with statements(app) as seen:
            with counted_frames(app) as frames:
                await asyncio.sleep(IDLE_S)  # nothing happens: that is what is looked at
            assert (seen.lines(), frames) == ([], [])
            store_elsewhere(db_path)  # and no key is pressed
            await wait_until(pilot, lambda: "stored by another process" in list_lines(pilot)[0])
        assert "4 mentions" in status_text(pilot)


async def test_a_snooze_wakes_at_its_time_with_no_read_before_it(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snooze's end is known from the last look: the inbox sleeps until then, then
    wakes the mention and shows it, with no key pressed and no look in between."""
    # The spike test (every 10 s, its own reads of the hourly rollups) is another job:
    # held off, so the statements seen are the snooze's alone.
    monkeypatch.setattr(inbox_screen, "SPIKES_AFTER_READY", 3600.0)
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(0, "wake me later")] + [mention(n, f"post {n}") for n in (1, 2)])
    app = real_clock_app(db_path)
    async with app.run_test(size=(100, 24)) as pilot:
        await opened(pilot, "wake me later")
        assert app.inbox is not None
        async with await Inbox.open(db_path, "dana") as dana:
            rows = await dana.page_older(Query(), None, 10)
            first = next(row for row in rows if row.snippet.startswith("wake me"))
            await dana.snoozes.snooze([first.id], dana.snoozes.read("3s"))
        await wait_until(pilot, lambda: "2 mentions" in status_text(pilot))
        await settle(pilot)
        due_s = (app.inbox.pulse.next_wake or 0) / 1000
        async with statements(app) as seen:
            await wait_until(pilot, lambda: "wake me later" in " ".join(list_lines(pilot)))
            woke_s = time.time()
        assert woke_s >= due_s
        lines = seen.lines()
        waking = next(i for i, s in enumerate(lines) if s.startswith(WAKE_DUE))
        assert lines[:waking] == []  # the first statement since the snooze is the wake-up's
        assert "3 mentions" in status_text(pilot)
