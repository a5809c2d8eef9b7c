"""Helpers for driving the app with Textual's pilot: build, settle, read the screen."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled

from scrm_tui.core.config import Config
from scrm_tui.ui.app import ScrmApp
from scrm_tui.ui.screens.inbox import InboxScreen
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import fixed_clock


def make_app(db_path: Path, **config: object) -> ScrmApp:
    return ScrmApp(
        db_path=db_path,
        agent="tester",
        config=Config(**config),  # type: ignore[arg-type]
        clock=fixed_clock,
        poll_interval=0.05,
    )


async def workers_done(app: App[object]) -> None:
    """Every worker has ended. One that a newer worker of its exclusive group cancelled
    (the reading pane's load when the cursor moves on) has ended too: Textual's
    wait_for_complete raises for it, which made a test fail only when the machine was
    slow enough for the two to overlap. A worker that failed still fails the test."""
    results = await asyncio.gather(
        *(worker.wait() for worker in list(app.workers)), return_exceptions=True
    )
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, WorkerCancelled):
            raise result


async def settle(pilot: Pilot) -> None:
    """Let messages, timers and workers started by the last action finish."""
    for _ in range(3):
        await pilot.pause()
        await workers_done(pilot.app)
    await pilot.pause()


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys one at a time, each handled (its workers too) before the next."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10) -> None:
    """Wait for something the app does on its own (a poll, another process)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)
        await workers_done(pilot.app)


def inbox_screen(pilot: Pilot) -> InboxScreen:
    screen = pilot.app.screen
    assert isinstance(screen, InboxScreen)
    return screen


def list_lines(pilot: Pilot) -> list[str]:
    """What the list shows, line by line, exactly as sent to the terminal."""
    widget = pilot.app.screen.query_one(MentionList)
    return [widget.render_line(y).text for y in range(widget.scrollable_content_region.height)]


def static_text(pilot: Pilot, selector: str) -> str:
    widget = pilot.app.screen.query_one(selector, Static)
    return "\n".join(widget.render_line(y).text.rstrip() for y in range(widget.size.height))


def detail_text(pilot: Pilot) -> str:
    return "\n".join(
        static_text(pilot, f"#{name}") for name in ("detail-head", "detail-parent", "detail-text")
    )


def status_text(pilot: Pilot) -> str:
    return static_text(pilot, "#status") + " " + static_text(pilot, "#new-count")


@asynccontextmanager
async def running(
    db_path: Path, size: tuple[int, int] = (80, 24), **config: object
) -> AsyncIterator[Pilot]:
    """The app on `db_path`, started and settled, ready for keys."""
    app = make_app(db_path, **config)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield pilot
