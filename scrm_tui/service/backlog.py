"""The matching backlog an import or an upgrade leaves (customers to index, authors to
re-match), worked off by a low-priority process of its own that tells its progress
through the database, so that the inbox that started it stays as light as an idle one.

The job holds the re-match lease (one per database), ends when the work ends, and is
resumable: each page it finishes is recorded, so a killed job costs at most a page and
the next one (started by the next inbox, import or watch) goes on from there. It runs in
a session of its own: closing the terminal or the inbox that started it does not stop
it, and `scrm watch` and every inbox show how far it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scrm_tui.service import languages
from scrm_tui.service.linking import REMATCH_LEASE, REMATCH_TTL_MS
from scrm_tui.service.match_pool import NICE  # the job yields the cores as its workers do
from scrm_tui.service.processes import gone_here, process_id
from scrm_tui.service.work_lease import take_work
from scrm_tui.store.progress import JobProgress, ProgressStore

if TYPE_CHECKING:
    from scrm_tui.service.inbox import Inbox

# How often the job writes its progress (each a tiny transaction that wakes nobody).
REPORT_EVERY_S = 0.5
INDEXING = "indexing customers"
MATCHING = "matching authors"
DETECTING = "detecting languages"

Progress = Callable[[int, int], None]


class Reporter:
    """Tells the database how far this process's backlog work is, at most every
    REPORT_EVERY_S, and forgets it when the work ends."""

    def __init__(self, inbox: Inbox) -> None:
        self.store = ProgressStore(inbox.db)
        self.now_ms = inbox.now_ms
        self.holder = process_id()  # as the lease names it (work_lease.take_work)
        self._latest: tuple[str, int, int] | None = None
        self._told: tuple[str, int, int] | None = None

    def on(self, doing: str, also: Progress | None = None) -> Progress:
        """A progress callback for `doing` that also calls `also` (a bar, a line)."""

        def seen(done: int, total: int) -> None:
            self._latest = (doing, done, total)
            if also is not None:
                also(done, total)

        return seen

    async def _tell(self) -> None:
        latest = self._latest
        if latest is not None and latest != self._told:
            self._told = latest
            await self.store.report(REMATCH_LEASE, self.holder, *latest, self.now_ms())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(REPORT_EVERY_S)
            await self._tell()

    @contextlib.asynccontextmanager
    async def telling(self) -> AsyncIterator[Reporter]:
        task = asyncio.ensure_future(self._run())
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await self.store.clear(REMATCH_LEASE, self.holder)


async def owed(inbox: Inbox) -> bool:
    """Is there background work: languages to detect, customers to index, a re-match?"""
    return await languages.owed(inbox) or await inbox.linker.rematch_owed()


async def _detect_languages(inbox: Inbox, progress: Progress) -> bool:
    """The languages of mentions stored before they were kept, under the job's lease;
    False while another process holds it."""
    leases = inbox.linker.leases
    me = await take_work(leases, REMATCH_LEASE, inbox.now_ms(), REMATCH_TTL_MS)
    if me is None:
        return False

    async def renew() -> None:
        await leases.renew(REMATCH_LEASE, me, inbox.now_ms(), REMATCH_TTL_MS)

    try:
        await languages.detect_owed(inbox, progress, renew)
    finally:
        await leases.release(REMATCH_LEASE, me)
    return True


async def work_off(
    inbox: Inbox,
    on_matching: Progress | None = None,
    on_indexing: Progress | None = None,
    on_pairing: Progress | None = None,
    on_languages: Progress | None = None,
) -> tuple[int, int] | None:
    """Detect the languages owed, index the customers waiting (and pair those indexed
    before pairs existed) and finish the owed re-match here, progress told through the
    database (pairing as indexing); (linked, suggested), or None while another process
    does it."""
    async with Reporter(inbox).telling() as told:
        if await languages.owed(inbox) and not await _detect_languages(
            inbox, told.on(DETECTING, on_languages)
        ):
            return None
        return await inbox.linker.resume_rematch(
            told.on(MATCHING, on_matching),
            told.on(INDEXING, on_indexing),
            told.on(INDEXING, on_pairing or on_indexing),
        )


def be_background() -> None:
    """Lower this process's priority (its worker processes inherit it)."""
    with contextlib.suppress(OSError):
        os.nice(NICE)


def start(db: Path | str, agent: str, config: Path | None = None) -> subprocess.Popen[bytes]:
    """Start `scrm catch-up` for `db` in a session of its own (no terminal's hang-up or
    Ctrl+C reaches it); it takes the lease itself, and ends at once if another holds it.
    A server's password goes in its environment, never on its command line (`ps`)."""
    from scrm_tui.store.pg.url import without_password

    target, env = without_password(str(db)) if isinstance(db, str) else (str(db), None)
    command = [sys.executable, "-m", "scrm_tui", "--db", target, "--agent", agent]
    if config is not None:
        command += ["--config", str(config)]
    return subprocess.Popen(
        [*command, "catch-up", "--quiet"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
    )


@dataclass(frozen=True)
class JobState:
    """Whether someone is working the backlog off, and how far they are."""

    holder: str | None  # the live process holding the lease; None when nobody does
    progress: JobProgress | None  # None until the holder tells its first figures

    def words(self) -> str:
        """`indexing customers 40%` for the top line."""
        if self.progress is None:
            return "matching: starting…"
        return f"{self.progress.doing} {self.progress.percent}%"


async def job_state(inbox: Inbox) -> JobState:
    """Who holds the backlog's lease (a dead holder on this host is nobody) and what
    they last told. One small read each."""
    now = inbox.now_ms()
    lease = await inbox.linker.leases.holder(REMATCH_LEASE)
    if lease is None or lease.expires_ms <= now or gone_here(lease.holder):
        return JobState(None, None)
    progress = await ProgressStore(inbox.db).current(REMATCH_LEASE, now)
    if progress is not None and progress.holder != lease.holder:
        progress = None
    return JobState(lease.holder, progress)
