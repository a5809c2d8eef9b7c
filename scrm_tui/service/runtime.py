"""One process's background work on one inbox: listening (the collector lease and the
spike check), sending the outbox, and claims (their heartbeat, lapse, and the release
of what dead processes held). The TUI and `scrm watch` both run it; it tells what
happened through one plain callback (service/runtime_events.py), never through Textual."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrm_tui.core.config import Config
from scrm_tui.service import runtime_events as events
from scrm_tui.service.credentials import Credentials
from scrm_tui.service.inbox import CommitWatch, Inbox, StoreError

if TYPE_CHECKING:
    import subprocess

    from scrm_tui.service.listen import Listener

log = logging.getLogger(__name__)

LISTEN_TICK = 1.0  # how often a standing-by process looks whether the collector is gone
BACKLOG_LOOK = 1.0  # how often the matching backlog's progress is looked at

Report = Callable[[events.Event], None]
# Runs one short job in the background under a group's name: a Textual worker in the
# TUI (whatever waits for the app's work waits for it too), an asyncio task elsewhere.
Spawn = Callable[[Callable[[], Awaitable[None]], str], None]


class Runtime:
    """What one process does on its own while an inbox is open. Each kind of job runs
    one at a time (a tick while one runs is skipped: it would find nothing new)."""

    def __init__(
        self, inbox: Inbox, report: Report, *, spawn: Spawn | None = None, clock: Any = time.time
    ) -> None:
        self.inbox = inbox
        self.report = report
        self.spawn = spawn or self._task
        self.clock = clock
        self.listener: Listener | None = None
        self.outbox_due: int | None = 0  # when the outbox next has work (None: empty)
        self._running: set[str] = set()  # the groups with a job under way
        self._tasks: set[asyncio.Future[None]] = set()  # kept: a task without one may vanish
        self._ticker: asyncio.Future[None] | None = None
        self._backlog_job: subprocess.Popen[bytes] | None = None  # `scrm catch-up`, if ours
        self._following: asyncio.Future[None] | None = None  # looks at the backlog's progress
        self._rematch_owed = False  # whether matching work was owed when the job started
        self._trouble: str | None = None  # why the database is out of reach, as last told

    # ---------------------------------------------------------------- running jobs

    def _once(self, group: str, job: Callable[[], Awaitable[None]]) -> None:
        """Start `job` unless one of its group is under way."""
        if group in self._running:
            return
        self._running.add(group)

        async def run() -> None:
            try:
                await job()
            finally:
                self._running.discard(group)

        self.spawn(run, group)

    def _task(self, job: Callable[[], Awaitable[None]], group: str) -> None:
        task = asyncio.ensure_future(job())
        self._tasks.add(task)
        task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Future[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background job failed", exc_info=task.exception())

    # ---------------------------------------------------------------- the inbox's side

    def start(self) -> None:
        """Send what this process queues at once, and say this agent is here."""
        self.inbox.on_queued(self.send_outbox)
        self.presence_due()

    def tick(self, changed: bool) -> None:
        """The inbox's last look (Inbox.has_changed, `changed`: a commit landed) told
        when the outbox next has work and who holds claims: act on what is due. A
        commit with nothing to send (the usual case) starts no pass; the first tick
        passes over whatever is there (a send a crash left half done)."""
        inbox = self.inbox
        due, first = inbox.pulse.outbox_due, self.outbox_due == 0
        self.outbox_due = due
        if due is not None and (changed or first or due <= inbox.now_ms()):
            self.send_outbox()
        presence = inbox.presence
        if presence.due() or presence.any_gone(inbox.claim_holders):
            self.presence_due()

    def watch_commits(
        self, on_change: Callable[[], object], *, every: float = 0.5, settle: float = 0.0
    ) -> CommitWatch:
        """The inbox's commit watch (Inbox.watch_commits), whose word that the database
        went out of reach or came back is told as DatabaseReach, once per change. The
        caller closes it."""
        loop = asyncio.get_running_loop()
        watching: list[CommitWatch] = []

        def woke() -> None:
            on_change()
            # On the watch's thread: the loop is bothered only when the reach changed
            # (a commit, the usual call, costs it nothing).
            if watching and watching[0].trouble != self._trouble:
                loop.call_soon_threadsafe(self._tell_reach, watching[0])

        watching.append(self.inbox.watch_commits(woke, every=every, settle=settle))
        return watching[0]

    def _tell_reach(self, watch: CommitWatch) -> None:
        trouble = watch.trouble
        if (trouble is None) != (self._trouble is None):
            self.report(events.DatabaseReach(trouble))
        self._trouble = trouble

    def next_due_ms(self) -> list[int]:
        """When the outbox's next send and the presence's next tick are due (ms)."""
        due = (self.outbox_due, self.inbox.presence.next_due_ms())
        return [when for when in due if when is not None]

    # ---------------------------------------------------------------- sending

    def send_outbox(self) -> None:
        """One pass over the outbox (Inbox.kick calls it when this process queues)."""
        self._once("outbox", self._outbox_pass)

    async def _outbox_pass(self) -> None:
        inbox = self.inbox
        # An empty outbox (the usual case) needs no sender: it brings in the HTTP
        # stack, ~9 MB that an inbox which never replies should not carry.
        self.outbox_due = await inbox.outbox_due()
        if self.outbox_due is None:
            return
        worker = inbox.outbox_worker()
        await worker.release_dead()
        items = await worker.run_due()
        # What is left waits for its time (a retry's backoff) or for a commit.
        self.outbox_due = await inbox.outbox_due()
        self.report(events.OutboxPassed(tuple(items)))

    # ---------------------------------------------------------------- claims

    def presence_due(self) -> None:
        """One presence tick: the heartbeat, claims gone idle, the dead's swept."""
        self._once("presence", self._presence_tick)

    async def _presence_tick(self) -> None:
        presence = self.inbox.presence
        try:
            lapsed = await presence.tick()
        except StoreError:
            return  # busy or refused: the next tick tries again
        if lapsed:
            self.report(events.ClaimsLapsed(tuple(lapsed), presence.idle_s))

    # ---------------------------------------------------------------- listening

    def open_listener(
        self, config: Config, creds: Credentials, *, state_dir: Path | None = None
    ) -> Listener | None:
        """Build the configured sources (None: no source is enabled), told of what
        cannot run, with the collector reporting through this runtime."""
        from scrm_tui.service.listen import Listener

        listener = Listener.create(self.inbox, config, creds, state_dir=state_dir, clock=self.clock)
        if listener is None:
            return None
        self.listener = listener
        collector = listener.collector
        report = self.report
        collector.on_polled = lambda spec, state, stored: report(
            events.Polled(spec.name, state, stored)
        )
        collector.on_progress = lambda name, where: report(events.Backfilling(name, where))
        collector.on_lease = lambda holding, other: report(events.LeaseChanged(holding, other))
        collector.on_spike = lambda raised: report(events.SpikeRaised(raised))
        for name, why in listener.problems.items():
            report(events.SourceProblem(name, why))
        return listener

    def stand_by(self, config: Config, creds: Credentials, *, state_dir: Path | None) -> None:
        """Listen as `scrm watch` does, but only while no other process collects: this
        process stands by, and takes over within seconds of the collector stopping."""
        if self.open_listener(config, creds, state_dir=state_dir) is None:
            return
        self._ticker = asyncio.ensure_future(self._listen_every(LISTEN_TICK))

    async def _listen_every(self, seconds: float) -> None:
        while True:
            self.listen()
            await asyncio.sleep(seconds)

    def listen(self) -> None:
        """One collector tick (a backfill may take a while: one at a time)."""
        listener = self.listener
        if listener is not None:

            async def step() -> None:
                await listener.step()

            self._once("listen", step)

    async def collect(self, stop: asyncio.Event) -> None:
        """Poll while holding the lease, else wait to take it over, until `stop`."""
        assert self.listener is not None
        await self.listener.collector.run(stop)

    async def collect_once(self, stop: asyncio.Event) -> bool:
        """Poll every source once, if the lease is free; False if another holds it.
        Setting `stop` ends it early; the lease is handed over either way."""
        assert self.listener is not None
        collector = self.listener.collector
        if not await collector.take_lease():
            return False
        polling = asyncio.ensure_future(collector.poll_due())
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            await collector.release()
        await polling
        return True

    # ---------------------------------------------------------------- catching up

    def finish_rematch(self, db_path: Path | str, config_path: Path | None) -> None:
        """Have the customers an import or an upgrade left waiting indexed, and an owed
        re-match finished, by a low-priority process of its own (service/backlog: one
        per database; it goes on if this process ends), and follow it from what it
        tells through the database. Matching and customer search work meanwhile; this
        process only reads a row a second."""

        async def start() -> None:
            from scrm_tui.service import backlog

            inbox = self.inbox
            if not await backlog.owed(inbox):
                return
            self._rematch_owed = await inbox.linker.rematch_owed()
            if (await backlog.job_state(inbox)).holder is None:
                self._backlog_job = await asyncio.to_thread(
                    backlog.start, db_path, inbox.agent, config_path
                )
            # Looks every BACKLOG_LOOK, each a short job: one that lasted as long as the
            # job would be waited for by whatever waits for the host's work.
            self._following = asyncio.ensure_future(self._follow_backlog())

        self._once("rematch", start)

    async def _follow_backlog(self) -> None:
        while True:
            self._once("backlog", self._look_at_backlog)
            await asyncio.sleep(BACKLOG_LOOK)

    async def _look_at_backlog(self) -> None:
        from scrm_tui.service import backlog

        state = await backlog.job_state(self.inbox)
        job = self._backlog_job
        # Ours may still be starting (not holding the lease yet): wait for it.
        if state.holder is not None or (job is not None and job.poll() is None):
            self.report(events.Working("rematch", state.words()))
            return
        if self._following is not None:
            self._following.cancel()
            self._following = None
        self.report(events.Working("rematch", None))
        if job is not None and job.returncode:
            self.report(
                events.Notice(
                    f"Matching stopped before the end (exit status {job.returncode}; a bug "
                    "is in errors.log in the state folder). The next scrm to start, or "
                    "`scrm catch-up`, goes on from there.",
                    warning=True,
                )
            )
        elif self._rematch_owed and not await self.inbox.linker.rematch_owed():
            # Said only for matching: languages detected in the background need no
            # word (the rows show theirs as the job goes).
            self.report(
                events.Notice(
                    "Customers indexed and authors re-matched (l on a mention to review)."
                )
            )

    def finish_rescore(self) -> None:
        """Score the mentions a re-score still owes, saying how far it is (one process
        does it at a time; the list shows each page as it lands)."""
        self._once("rescore", self._rescore)

    async def _rescore(self) -> None:
        priorities = self.inbox.priorities
        await priorities.weights()  # weights new to the database owe one
        if not await priorities.rescore_owed():
            return

        def progress(done: int, total: int) -> None:
            words = f"scoring priorities {100 * done // max(total, 1)}%"
            self.report(events.Working("rescore", words))

        try:
            done = await priorities.resume_rescore(progress)
        finally:
            self.report(events.Working("rescore", None))
        if done:
            self.report(events.Rescored(done))

    async def close(self) -> None:
        """Stop listening and hand the collector lease over at once."""
        for looking in (self._ticker, self._following):
            if looking is not None:
                looking.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await looking
        # A job under way (a send) ends as it would have: its result is recorded.
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.listener is not None:
            await self.listener.close()
