"""Helpers for driving the app with Textual's pilot: build, settle, read the screen."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from textual.app import App
from textual.css.query import NoMatches, WrongType
from textual.message_pump import MessagePump
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import Worker, WorkerCancelled, WorkerState

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


SETTLE_ROUNDS = 8  # a key's work sets off at most a few more steps (load, count, detail)
SETTLE_LIMIT = 60.0  # seconds: an app that never settles fails its test, not the run


async def settle(pilot: Pilot) -> None:
    """Let what the last keys and actions set off finish: every message already queued
    is handled (each node's queue in turn, however loaded the machine), then the
    workers that started, and the same again for what those set off.

    Textual's own pause() guesses from CPU time that the app is idle, which a busy
    machine fools: the process gets no CPU, so it looks idle before it has read a key.
    """
    app = pilot.app
    quiet = 0
    for _ in range(SETTLE_ROUNDS):
        await _drain(app)
        running = [worker for worker in app.workers if worker.state is WorkerState.RUNNING]
        if running:
            quiet = 0
            await finish(running)
        elif any(worker.state is WorkerState.PENDING for worker in app.workers):
            quiet = 0  # made but not yet begun: the next round waits for it
        else:
            quiet += 1
            if quiet == 2:  # nothing ran and nothing new was queued by the last round
                break
    await pilot.pause()


async def _drain(app: App[object]) -> None:
    """Return once every node has handled the messages queued to it before this call."""
    nodes: list[MessagePump] = [app, *app.screen_stack]
    for screen in app.screen_stack:
        nodes.extend(screen.walk_children())
    pending: list[tuple[MessagePump, asyncio.Event]] = []
    for node in nodes:
        reached = asyncio.Event()
        if node.call_later(reached.set):  # behind whatever is queued there now
            pending.append((node, reached))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_LIMIT
    # A node removed meanwhile (a dismissed dialog, an expired toast) drops its queue; one
    # not yet running (a screen just pushed, its task not yet begun on a loaded machine)
    # will handle it once it starts, so it is waited for.
    while any(not reached.is_set() and not _gone(node) for node, reached in pending):
        if loop.time() > deadline:
            raise AssertionError("the app did not handle its queued messages in time")
        await asyncio.sleep(0.005)


def _gone(node: MessagePump) -> bool:
    return bool(node._closing or node._closed)


async def finish(workers: Iterable[Worker[object]]) -> None:
    """Wait for these workers. One that a newer one replaced (an exclusive group: a new
    filter while the last one loads) ends cancelled, which is how the app works, not a
    failure; one that raised fails the test."""

    async def done(worker: Worker[object]) -> None:
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()

    await asyncio.gather(*(done(worker) for worker in list(workers)))


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys one at a time, each handled (its workers too) before the next."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10) -> None:
    """Wait for something the app does on its own (a poll, another process)."""
    await _poll(pilot, condition, timeout, finish_workers=True)


async def wait_while_working(
    pilot: Pilot, condition: Callable[[], bool], timeout: float = 10
) -> None:
    """Wait for something the screen shows while work is still under way (wait_until
    would first let every worker finish)."""
    await _poll(pilot, condition, timeout, finish_workers=False)


async def _poll(
    pilot: Pilot, condition: Callable[[], bool], timeout: float, *, finish_workers: bool
) -> None:
    """Poll `condition` until it holds. While the screen is changing, a condition may
    find its widget missing or another screen on top: that is "not yet", and only
    fails the test once time is up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            if condition():
                return
            last: Exception | None = None
        except (NoMatches, WrongType, AssertionError, StopIteration) as error:
            last = error
        if loop.time() > deadline:
            raise AssertionError("condition not met in time") from last
        await pilot.pause(0.02)
        if finish_workers:
            await finish(pilot.app.workers)


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
    db_path: Path, size: tuple[int, int] = (80, 24), *, toasts: bool = False, **config: object
) -> AsyncIterator[Pilot]:
    """The app on `db_path`, started and settled, ready for keys; `toasts`: show
    notifications as the real app does (Textual's test harness hides them)."""
    app = make_app(db_path, **config)
    async with app.run_test(size=size, notifications=toasts) as pilot:
        await settle(pilot)
        yield pilot


def toasts(pilot: Pilot) -> list[str]:
    """The notifications the screen shows now, each as one line of plain text."""
    found = []
    for toast in pilot.app.screen.query("Toast"):
        lines = (toast.render_line(y).text.strip() for y in range(toast.size.height))
        found.append(" ".join(line for line in lines if line))
    return found
