"""Customer search (`C`) at scale: the search a newer key replaced is stopped in SQLite,
so the next key's answer never waits for it."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scrm_tui.core.models import CustomerIn
from scrm_tui.service import linking
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.match_index import MatchIndexReader
from scrm_tui.ui.dialogs.find_customer import FindCustomerScreen
from tests.conftest import fixed_clock
from tests.support.tui import running, static_text, toasts, wait_until, wait_while_working
from tests.tui.test_customer_tui import options

# Customers called "Omega": the search's first lookup (the key "omega") reads thousands
# of index rows, each slowed to 10 ms.
OMEGAS = 3000
LET_GO = 60.0


class SlowLookups:
    """Slows the index's statements that name `word` (a search for it) to a step every
    10 ms, as a lookup at tens of millions of rows would run: only SQLite's interrupt
    ends one early. Every other statement runs at full speed."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.running = threading.local()
        self.started = threading.Event()
        self.released = threading.Event()

    def _trace(self, sql: str) -> None:
        self.running.sql = sql  # expanded: the bound values are in it

    def _step(self) -> int:
        if self.word in getattr(self.running, "sql", "") and not self.released.is_set():
            self.started.set()
            time.sleep(0.01)
        return 0

    def install(self, conn: sqlite3.Connection) -> None:
        conn.set_trace_callback(self._trace)
        conn.set_progress_handler(self._step, 1)


@pytest.fixture
def slow_omega(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowLookups]:
    slow = SlowLookups("'omega")
    opened = MatchIndexReader.__init__

    def init(self: MatchIndexReader, path: Path | str) -> None:
        opened(self, path)
        slow.install(self._conn)

    monkeypatch.setattr(MatchIndexReader, "__init__", init)
    # Past the size whose every customer is scored (20,000 in the app): the search goes
    # through the index, as it does at a million customers.
    monkeypatch.setattr(linking, "_SCAN_ALL", 1000)
    # A search that is never stopped holds the index for minutes, and meanwhile the app
    # may not answer at all: it is let go after LET_GO seconds, so that the test fails
    # (`released` set) rather than hangs.
    watchdog = threading.Timer(LET_GO, slow.released.set)
    watchdog.start()
    yield slow
    watchdog.cancel()
    slow.released.set()


async def test_a_stale_customer_search_is_stopped_and_the_next_key_answers(
    db_path: Path, slow_omega: SlowLookups
) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        people = [CustomerIn(name="Omega") for _ in range(OMEGAS)]
        await box.add_customers([*people, CustomerIn(name="Bertil Quist")])
        await box.linker.refresh_index()
    async with running(db_path, size=(100, 30), toasts=True) as pilot:
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FindCustomerScreen))
        await pilot.press(*"omega")
        await wait_while_working(pilot, slow_omega.started.is_set)
        await pilot.press(*["backspace"] * 5, *"bertil")
        # The omega search would read for half a minute: Bertil shows because it was
        # stopped, not because it ended.
        await wait_while_working(
            pilot, lambda: bool(options(pilot)) and "Bertil Quist" in options(pilot)[0]
        )
        assert not slow_omega.released.is_set()
        assert static_text(pilot, "#find-message") == ""  # no error, nothing to say
        assert toasts(pilot) == []  # an interrupted search is no error to the user
