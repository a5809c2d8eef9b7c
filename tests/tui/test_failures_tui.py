"""Failures a user can act on are told in words, and rows show what was really saved."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.message_pump import MessagePump
from textual.pilot import Pilot

from scrm_tui.core.models import Status
from scrm_tui.store.db import Database
from scrm_tui.store.sources import SourceStateStore
from scrm_tui.ui.failures import ReportsFailures
from scrm_tui.ui.screens.inbox_marks import SAVING
from scrm_tui.ui.screens.sources import SourcesScreen
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import NOW
from tests.support.locking import write_lock_held
from tests.support.tui import (
    list_lines,
    running,
    settle,
    status_text,
    toasts,
    wait_until,
    wait_while_working,
)
from tests.tui.test_tui import seed

NOW_MS = int(NOW.timestamp() * 1000)
BUSY = 15.0  # SQLite waits 5 s for the lock before it gives up; room for a loaded machine


async def test_x_while_another_process_holds_the_write_lock_says_not_saved(
    db_path: Path,
) -> None:
    await seed(db_path, 5)
    async with running(db_path, toasts=True) as pilot:
        app = pilot.app
        first = pilot.app.screen.query_one(MentionList).selected
        assert first is not None and first.status is Status.OPEN
        with write_lock_held(db_path):
            await pilot.press("x")
            # While it waits for the lock, the status line says the mark is not saved yet.
            await wait_while_working(pilot, lambda: SAVING in status_text(pilot))
            await wait_until(
                pilot, lambda: any("could not mark done" in t.lower() for t in toasts(pilot)), BUSY
            )
            said = next(t for t in toasts(pilot) if "could not mark done" in t.lower())
            assert "the database is busy" in said
            assert "another process has held the write lock for 5 s" in said
            assert "not saved" in said
            await settle(pilot)
            # The row shows the truth: still open (and unread, as it was).
            assert list_lines(pilot)[0].startswith("●")
            assert "saving" not in status_text(pilot)
        [stored] = await app.inbox.rows([first.id])
        assert stored.status is Status.OPEN and not stored.is_read
        # Once the other process lets go, the same key works.
        await pilot.press("k", "x")
        await wait_until(pilot, lambda: list_lines(pilot)[0].startswith("✓"))
        await wait_until(pilot, lambda: app.screen.query_one(MentionList).cursor == 1)
        # The row shows ✓ as soon as the key is read; the commit follows (on a busy
        # machine, later): wait for it to be in the database, as another agent would.
        deadline = asyncio.get_running_loop().time() + BUSY
        while (await app.inbox.rows([first.id]))[0].status is not Status.DONE:
            assert asyncio.get_running_loop().time() < deadline, "x was never saved"
            await settle(pilot)


async def toast_saying(pilot: Pilot, words: str, timeout: float = BUSY) -> str:
    """The notification with `words` in it, once it shows (workers may still run: a
    failed one is what is being waited for)."""
    await wait_while_working(pilot, lambda: any(words in t for t in toasts(pilot)), timeout)
    return next(t for t in toasts(pilot) if words in t)


async def test_a_busy_database_in_another_screens_worker_is_told_in_words(
    db_path: Path,
) -> None:
    """The sources screen's retry is a worker of that screen: its failure reaches the
    app's handler and is said in words, not lost."""
    db = await Database.open(db_path)
    try:
        await SourceStateStore(db).failed(
            "hackernews",
            "hackernews",
            error="HTTP 503",
            state="backoff",
            until_ms=NOW_MS + 200_000,
            now_ms=NOW_MS,
        )
    finally:
        await db.close()
    async with running(db_path, toasts=True) as pilot:
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SourcesScreen))
        with write_lock_held(db_path):
            await pilot.press("r")
            said = await toast_saying(pilot, "database is busy")
        assert "Not done" in said
        assert "The database is busy (another process has held the write lock for 5 s)" in said
        [state] = await pilot.app.inbox.source_states()
        assert state.state == "backoff" and state.backoff_until_ms == NOW_MS + 200_000


async def test_a_bug_in_a_dialogs_worker_is_told_and_its_traceback_logged(
    db_path: Path, isolated_home: Path
) -> None:
    await seed(db_path, 3)
    async with running(db_path, toasts=True) as pilot:
        app = pilot.app

        async def broken(text: str) -> list[object]:
            raise RuntimeError("the search index went missing")  # a bug, as seen from here

        app.inbox.linker.search = broken  # type: ignore[method-assign]
        await pilot.press("C")  # find a customer: the dialog searches at once
        said = await toast_saying(pilot, "the search index went missing")
        assert "Something went wrong" in said and "This is a bug in scrm" in said
        log = isolated_home / "state" / "scrm" / "errors.log"
        assert "errors.log" in said  # where to find the details
        text = log.read_text()
        assert "Traceback" in text and "RuntimeError: the search index went missing" in text
        assert "FindCustomerScreen._search" in text
        assert log.stat().st_mode & 0o077 == 0


def test_every_screen_and_widget_that_runs_workers_passes_failures_on() -> None:
    """Worker.StateChanged reaches only the node that started the worker: each class
    that starts workers must pass failures on to the app (ReportsFailures)."""
    import scrm_tui.ui as ui

    missing = []
    for info in pkgutil.walk_packages(ui.__path__, "scrm_tui.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, MessagePump):
                continue
            source = inspect.getsource(cls)
            if ("@work" in source or "run_worker(" in source) and not issubclass(
                cls, ReportsFailures
            ):
                missing.append(cls.__qualname__)
    assert missing == []
