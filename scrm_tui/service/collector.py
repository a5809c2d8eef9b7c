"""The collector: polls each source on its schedule, within each API's limits, as the one
lease holder among every scrm process on the database.

Each source is polled in its own task, so a slow one (an answer trickling in until the
HTTP deadline ends it) holds up no other, nor the lease's renewal; a stop cancels the
requests in flight and waits for what is being stored. A poll stores the mentions
first and the cursor after, so a crash in between fetches them again (ingest is
idempotent) and never skips any. Errors never leave a source: a transient one backs
off exponentially with jitter (or as long as the API asked), repeated ones mark the
source degraded, refused credentials stop it with the reason and it is tried again
after AUTH_RETRY_S. Every poll sets the state anew.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from scrm_tui.core.listening import Page
from scrm_tui.core.models import SourceState, SourceStatus
from scrm_tui.core.outgoing import AuthError, SendError
from scrm_tui.service import spikes
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.processes import gone_here, process_id
from scrm_tui.store.db import StoreError
from scrm_tui.store.lease import LeaseStore
from scrm_tui.store.sources import SourceStateStore

log = logging.getLogger(__name__)

Clock = Callable[[], float]
LEASE = "collector"
LEASE_TTL_MS = 20_000  # a collector that stops renewing is replaced within ~20-25 s
RENEW_S = 5.0
DEGRADED_AFTER = 5  # failures in a row before a source is shown as degraded
BACKOFF_BASE_S = 15.0
BACKOFF_CAP_S = 30 * 60.0
MAX_PAGES_PER_POLL = 50  # a backfill yields to the other sources after this many
AUTH_RETRY_S = 30 * 60.0  # refused credentials: try again this long after (a fix may land)
# A fetch slower than this is written down ("fetching for 40 s" in `scrm sources` and S);
# quicker ones cost no write, which would wake every open terminal.
SHOW_FETCHING_AFTER_S = 2.0
# The lease holder tests the running hour for a spike this often (service/spikes.py):
# a burst is raised within this much of its mentions being stored (a read of ~30
# rollup rows; the write only when a spike is new).
SPIKE_EVERY_S = 15.0
# The lease holder counts the rising terms' past days this often (a look at which days
# are not counted yet, a few rollup reads; the counting only for those): a day that
# ended, or a late arrival in an old one, is counted before a dashboard asks for it.
TERMS_EVERY_S = 600.0


class Source(Protocol):
    async def fetch(self, cursor: str | None, since_ms: int) -> Page: ...


@dataclass(frozen=True)
class SourceSpec:
    """One thing to poll: `name` is unique ("hackernews", "rss:alerts"), `interval_s`
    the pause between polls (inside the API's limits)."""

    name: str
    channel: str
    interval_s: float
    source: Source


def backoff_s(failures: int, rng: random.Random) -> float:
    """15 s, 30 s, 1 min … capped at 30 min, each drawn from [half, full]."""
    delay = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2.0 ** max(0, failures - 1))
    return delay * (0.5 + 0.5 * rng.random())


class Collector:
    def __init__(
        self,
        inbox: Inbox,
        specs: Sequence[SourceSpec],
        *,
        backfill_s: float = 24 * 3600,
        clock: Clock = time.time,
        holder: str | None = None,
        rng: random.Random | None = None,
        on_progress: Callable[[str, str], None] | None = None,
        on_polled: Callable[[SourceSpec, SourceState | None, int], object] | None = None,
        on_lease: Callable[[bool, str | None], None] | None = None,
        on_spike: Callable[[spikes.Raised], None] | None = None,
        show_fetching_after_s: float = SHOW_FETCHING_AFTER_S,
    ) -> None:
        self.inbox = inbox
        self.specs = list(specs)
        self.backfill_s = backfill_s
        self.clock = clock
        self.holder = holder or process_id()
        self.rng = rng or random.Random()
        self.on_progress = on_progress
        self.on_polled = on_polled  # (source, its state after the poll, mentions stored)
        self.on_lease = on_lease  # (collecting now, who else holds the lease if known)
        self._told: bool | None = None
        self.on_spike = on_spike  # a spike this process raised (`scrm watch` prints it)
        self._spikes_at = -SPIKE_EVERY_S  # when step() last tested (monotonic seconds)
        self._terms_at = -TERMS_EVERY_S  # when step() last started counting terms
        self._terms: asyncio.Task[None] | None = None  # the count under way, if any
        self.states = SourceStateStore(inbox.db)
        self.leases = LeaseStore(inbox.db)
        self._next: dict[str, float] = {}
        self.holding = False
        self._renewed = 0.0
        self._leased = False
        self.show_fetching_after_s = show_fetching_after_s
        self._polls: dict[str, asyncio.Task[None]] = {}  # in flight, by source name
        self._fetches: dict[str, asyncio.Future[Page]] = {}  # their requests, to cancel
        self._storing = asyncio.Lock()  # one poll at a time writes what it fetched
        self._failing = False  # the last tick failed on the database (see step)

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    # ---------------------------------------------------------------- one source

    async def poll(self, spec: SourceSpec) -> SourceState | None:
        """Poll one source now (its pages, for a backfill) and record how it went.
        None when the collector stopped it mid-request: nothing was recorded then."""
        state = await self.states.get(spec.name)
        cursor = state.cursor if state else None
        since_ms = self.now_ms() - int(self.backfill_s * 1000)
        total = 0
        for _ in range(MAX_PAGES_PER_POLL):
            try:
                page = await self._fetch(spec, cursor, since_ms)
            except _Stopped:
                return None
            except SendError as error:
                async with self._storing:
                    await self._failed(spec, error)
                break
            except StoreError:
                # The database failed under the poll (noting a slow request, with the
                # server restarting): not the source's fault, so not its failure. The
                # poll ends; its cursor did not move, so nothing is skipped.
                raise
            except Exception as error:  # a bug in a source: that source stops, not us
                log.exception("source %s failed", spec.name)
                async with self._storing:
                    # Its message may quote anything, a secret included: hidden as any other.
                    reason = self.inbox.creds.redact(f"{type(error).__name__}: {error}")
                    await self._failed(spec, SendError(reason))
                break
            async with self._storing:
                stored = (await self.inbox.ingest(page.mentions)).stored if page.mentions else []
                total += len(stored)
                wait_until = (
                    self.now_ms() + int(page.wait_s * 1000) if page.wait_s is not None else None
                )
                await self.states.succeeded(
                    spec.name,
                    spec.channel,
                    cursor=page.cursor,
                    stored=len(stored),
                    now_ms=self.now_ms(),
                    wait_until_ms=wait_until,
                    backfill=page.progress if page.more else None,
                    warning=page.warning,
                )
            cursor = page.cursor or cursor
            if page.progress and self.on_progress is not None:
                self.on_progress(spec.name, page.progress)
            if not page.more or page.wait_s:
                break
            if self._leased and not await self.keep_lease():
                break  # the lease ran out during a long backfill; its new holder goes on
        after = await self.states.get(spec.name)
        if self.on_polled is not None:
            self.on_polled(spec, after, total)
        return after

    async def _fetch(self, spec: SourceSpec, cursor: str | None, since_ms: int) -> Page:
        """One page, as a task `stop_polls` can cancel; a slow one is written down so
        every terminal sees what the collector waits on."""
        started = self.now_ms()
        fetch = asyncio.ensure_future(spec.source.fetch(cursor, since_ms))
        self._fetches[spec.name] = fetch
        try:
            await asyncio.wait({fetch}, timeout=self.show_fetching_after_s)
            if not fetch.done():
                await self.states.fetching(
                    spec.name, spec.channel, since_ms=started, now_ms=self.now_ms()
                )
            return await fetch
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # this poll itself is cancelled, not only its request
            raise _Stopped from None
        finally:
            self._fetches.pop(spec.name, None)
            fetch.cancel()  # a no-op once it is done

    async def _failed(self, spec: SourceSpec, error: SendError) -> None:
        now = self.clock()
        previous = await self.states.get(spec.name)
        failures = (previous.failures if previous else 0) + 1
        if isinstance(error, AuthError):
            # Refused credentials wait for a person, but not for a restart: a token
            # fixed on the server's side (or a login that works again) is seen.
            state, until = SourceStatus.AUTH, int((now + AUTH_RETRY_S) * 1000)
        else:
            wait = backoff_s(failures, self.rng)
            if error.retry_at is not None and error.retry_at > now:
                wait = error.retry_at - now + self.rng.random()
            state = SourceStatus.DEGRADED if failures >= DEGRADED_AFTER else SourceStatus.BACKOFF
            until = int((now + wait) * 1000)
        await self.states.failed(
            spec.name,
            spec.channel,
            error=error.reason,
            state=state,
            until_ms=until,
            now_ms=self.now_ms(),
        )

    # ---------------------------------------------------------------- the schedule

    async def due(self) -> list[SourceSpec]:
        """Sources whose interval has passed and that are not backing off or stopped."""
        now_ms = self.now_ms()
        states = {s.source: s for s in await self.states.all()}
        ready = []
        for spec in self.specs:
            state = states.get(spec.name)
            if state is not None and (state.backoff_until_ms or 0) > now_ms:
                continue
            if self._next.get(spec.name, 0) > now_ms / 1000:
                continue
            ready.append(spec)
        return ready

    async def poll_due(self) -> int:
        """One round: every due source once, side by side. Returns how many were polled."""
        started = self._start(await self.due())
        await self.idle()
        return started

    def _start(self, specs: Sequence[SourceSpec]) -> int:
        """A task for each of `specs` not polled already; the tasks are kept until done."""
        started = 0
        for spec in specs:
            if spec.name in self._polls:
                continue
            task = asyncio.create_task(self._poll_scheduled(spec), name=f"poll {spec.name}")
            self._polls[spec.name] = task
            task.add_done_callback(functools.partial(self._polled_one, spec))
            started += 1
        return started

    def _polled_one(self, spec: SourceSpec, task: asyncio.Task[None]) -> None:
        if self._polls.get(spec.name) is task:
            del self._polls[spec.name]
        if task.cancelled() or (error := task.exception()) is None:
            return
        self._next[spec.name] = self.clock() + spec.interval_s
        if isinstance(error, StoreError):
            # The database failed us (busy for too long, out of reach): said in words,
            # and tried again at the next interval. No traceback: this is no bug.
            log.warning(
                "%s: poll cut short: %s; polled again at its next interval",
                spec.name,
                error,
            )
        else:
            log.error("polling %s failed", spec.name, exc_info=error)

    async def idle(self) -> None:
        """Wait until no poll is in flight (each ends by itself: the HTTP deadline)."""
        while self._polls:
            await asyncio.wait(list(self._polls.values()))

    async def stop_polls(self) -> None:
        """Cancel the requests in flight and wait for the polls to end: what they
        fetched already is stored (each page in one transaction), the rest is not."""
        for fetch in list(self._fetches.values()):
            fetch.cancel()
        await self.idle()

    async def _poll_scheduled(self, spec: SourceSpec) -> None:
        state = await self.poll(spec)
        if state is None:
            return  # stopped mid-request: due again whenever polling resumes
        if state.worked and state.backfill is not None:
            # A backfill that yielded to the others goes on next round (or when the
            # rate limit it reported allows: its backoff_until says so).
            self._next.pop(spec.name, None)
        elif state.worked:
            self._next[spec.name] = self.clock() + spec.interval_s
        else:  # a failure: its backoff, not the interval, says when to try again
            self._next.pop(spec.name, None)

    # ---------------------------------------------------------------- the lease

    async def take_lease(self) -> bool:
        """Hold (or keep) the collector lease; a holder on this host whose process is
        gone is replaced at once, any other only when its lease has run out.

        A follower only reads while the lease is live: a write every second from every
        waiting terminal would wake every other terminal's change poll."""
        now = self.now_ms()
        current = await self.leases.holder(LEASE)
        steal = None
        was = self.holding
        if current is not None and current.holder != self.holder:
            if gone_here(current.holder):
                steal = current.holder
            elif current.expires_ms > now:
                self.holding = False
                self._tell(was, current.holder)
                return False
        self.holding = await self.leases.acquire(
            LEASE, self.holder, now, LEASE_TTL_MS, steal_from=steal
        )
        if self.holding and not was:
            await self.states.stopped_fetching()  # marks of a collector that is gone
        self._renewed = self.clock()
        self._tell(was, None if self.holding else (current.holder if current else None))
        return self.holding

    def _tell(self, was: bool, other: str | None) -> None:
        """Say when this process starts or stops collecting (once per change)."""
        if self.on_lease is not None and (self.holding != was or self._told is None):
            self._told = self.holding
            self.on_lease(self.holding, other)

    async def keep_lease(self) -> bool:
        """Renew the lease when it is time (cheap to call often); False once it is lost."""
        if not self.holding or self.clock() - self._renewed >= RENEW_S:
            await self.take_lease()
        return self.holding

    async def step(self) -> bool:
        """One tick: keep or take the lease and, while holding it, start polling what
        is due (each source in its own task). Returns whether this process collects."""
        try:
            holding = await self._step()
        except StoreError as error:
            # The database busy, or its server out of reach (a restart): this tick is
            # lost and the next tries again. A page fetched meanwhile is fetched again
            # (its source's cursor did not move): nothing is lost, nothing stored twice.
            # Logged once until a tick works again: not a line a second in the journal.
            if not self._failing:
                log.warning("collector tick: %s", error)
            self._failing = True
            return self.holding
        self._failing = False
        return holding

    async def _step(self) -> bool:
        if not await self.keep_lease():
            await self.stop_polls()  # taken over while we were slow: the new holder polls
            return False
        self._leased = True  # from here a long backfill renews between its pages
        self._start(await self.due())
        # Snoozes that came due wake here too, so they do with no inbox open (a read
        # each tick; the write only when one is due).
        await self.inbox.snoozes.wake_due()
        await self.check_spikes()
        self.count_terms()
        return self.holding

    def count_terms(self) -> asyncio.Task[None] | None:
        """Every TERMS_EVERY_S, unless one is under way: count the rising terms' past
        days in a task of its own (the polls and the lease go on meanwhile)."""
        now = time.monotonic()
        if (self._terms is not None and not self._terms.done()) or (
            now - self._terms_at < TERMS_EVERY_S
        ):
            return None
        self._terms_at = now
        self._terms = asyncio.create_task(self._count_terms(), name="count terms")
        self._terms.add_done_callback(_counted_terms)
        return self._terms

    async def terms_counted(self) -> None:
        """Return once the count of the rising terms under way, if any, has ended."""
        if self._terms is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._terms)

    async def _count_terms(self) -> None:
        # Imported here: the report and its sections are not needed to start listening.
        from scrm_tui.service import advocacy, report
        from scrm_tui.service.measures import Settings

        try:
            # A reader of its own: its reads never hold up this process's other reads.
            db = await self.inbox.db.with_own_reader()
        except StoreError as error:  # a server out of reach: the next round tries again
            log.warning("counting ahead for the dashboard (rising terms, advocacy): %s", error)
            return
        try:
            inbox = self.inbox
            settings = Settings.of(inbox.config, inbox.watch_words, inbox.brand_accounts)
            await report.count_terms_ahead(db, settings, self.now_ms())
            await advocacy.keep_up(inbox.db, self.now_ms())  # moved on with time, not writes
        except StoreError as error:  # the file busy or read-only: the next round tries again
            log.warning("counting ahead for the dashboard (rising terms, advocacy): %s", error)
        finally:
            await db.close()

    async def check_spikes(self) -> list[spikes.Raised]:
        """Every SPIKE_EVERY_S: raise a spike in the running hour (or the one before)
        that no process has raised yet, for every terminal to show."""
        now = time.monotonic()
        if now - self._spikes_at < SPIKE_EVERY_S:
            return []
        self._spikes_at = now
        raised = await spikes.check(self.inbox.db, self.now_ms(), self.holder)
        for spike in raised:
            if self.on_spike is not None:
                self.on_spike(spike)
        return raised

    async def release(self) -> None:
        """Stop polling and counting, and hand the lease over at once."""
        await self.stop_polls()
        if self._terms is not None:
            self._terms.cancel()
            # Waited for, not awaited: how it ended was said when it did (_counted_terms).
            await asyncio.wait({self._terms})
        if self.holding:
            self.holding = False
            await self.states.stopped_fetching()
            await self.leases.release(LEASE, self.holder)

    async def run(self, stop: asyncio.Event, tick_s: float = 1.0) -> None:
        """Poll while holding the lease; otherwise wait to take it over. Setting `stop`
        ends it within a moment, requests in flight or not."""
        try:
            while not stop.is_set():
                await self.step()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), tick_s)
        finally:
            # A server out of reach cannot be told: the lease lapses after its TTL.
            with contextlib.suppress(StoreError):
                await self.release()


def _counted_terms(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("counting rising terms failed", exc_info=task.exception())


class _Stopped(Exception):
    """The collector cancelled this poll's request (it stops, or lost the lease)."""
