"""The app's one clock: asleep until a commit or the next thing due, then one look;
and the check that the terminal is still there."""

from __future__ import annotations

import asyncio
import contextlib
import select
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scrm_tui.service.inbox import StoreError

if TYPE_CHECKING:
    from textual.app import App

    from scrm_tui.service.inbox import CommitWatch, Inbox
    from scrm_tui.service.presence import Presence
    from scrm_tui.service.runtime import Runtime
    from scrm_tui.ui.screens.inbox import InboxScreen

    _Base = App[int]
else:
    _Base = object

HANGUP_CHECK = 2.0  # how often to look whether the terminal is still there
CLAIM_LOOK = 1.0  # while a claim is young (its seconds count) or its holder is here
MINUTE_MS = 61_000  # a claim younger than this shows its age in seconds (and a hair)
SCREEN_CLOCK = 5.0  # otherwise: the sources' line and the ages (ui/screens/inbox.py)
CLOCK_SLACK = 0.01  # s after a due time that the clock wakes, so that it is due then


def terminal_gone(stream: object = None) -> bool:
    """The terminal behind stdin hung up: its other end (the SSH session, the
    terminal window) is closed, so no key will ever arrive."""
    if not sys.platform.startswith("linux"):
        return False  # macOS's poll() cannot watch a tty (it answers POLLNVAL)
    try:
        source: Any = stream or sys.__stdin__
        fd = source.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLIN)  # POLLHUP / POLLERR are always reported
        events = poller.poll(0)
    except (AttributeError, OSError, ValueError):
        return False
    return any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in events)


class KeepsTheClock(_Base):
    """The app's side of time: when it looks at the database, and what a look sets going."""

    inbox: Inbox | None
    runtime: Runtime | None
    clock: Callable[[], float]
    poll_interval: float
    _live: InboxScreen | None
    _nudge: asyncio.Event
    _watch: CommitWatch | None
    _hangup_at: float
    _hangups_told: bool
    _tell_bug: Callable[[BaseException, str], None]

    async def _run_clock(self) -> None:
        """The app's one clock, asleep until a commit moves the change mark (the commit
        watch sets `_nudge`) or until the next thing that goes by time is due (see
        _until_due): an idle inbox wakes for neither. One task rather than a timer, so
        that a look never overlaps the next, and a worker's start and end are not paid
        for each commit."""
        while not self._exit:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._until_due()):
                    await self._nudge.wait()
            noticed = self._nudge.is_set() or not self._watching()
            self._nudge.clear()
            try:
                await self._tick(look=noticed)
            except Exception as error:  # a bug: told and logged, and the clock goes on
                self._clock_failed(error)

    def _until_due(self) -> float:
        """Seconds until the clock has something to do with nothing committed. Each
        thing that goes by time is asked when it is next due: a send or a retry, a
        snooze's end, the presence heartbeat and a claim going idle; the screen's clock
        (a young claim's seconds, the sources' line, the ages); the terminal's hang-up
        check, where the driver does not tell of it. A clock given to the app (a test's,
        moved by hand) cannot be foreseen: it is looked at every poll_interval."""
        if self.clock is not time.time or not self._watching():
            return self.poll_interval
        inbox = self.inbox
        if inbox is None:
            return self.poll_interval
        now_ms = inbox.now_ms()
        pulse = inbox.pulse
        assert self.runtime is not None
        wake = [] if pulse.next_wake is None else [pulse.next_wake]
        due_ms = [*self.runtime.next_due_ms(), *wake]
        # What is overdue was acted on at its time and is still there (a wake-up that
        # another process's lock held up, a read-only file): tried again after a poll
        # interval, not at once and again at once.
        waits = [(when - now_ms) / 1000 if when > now_ms else self.poll_interval for when in due_ms]
        # A claim's age counts by the second in its first minute (by the minute after:
        # the screen's clock catches that); a holder on this host may die at any time.
        young = pulse.newest_claim is not None and now_ms - pulse.newest_claim < MINUTE_MS
        ticking = young or self._presence.any_here(pulse.holders)
        waits.append(CLAIM_LOOK if ticking else SCREEN_CLOCK)
        if not self.is_headless and not self._hangups_told:
            waits.append(self._hangup_at + HANGUP_CHECK - time.monotonic())
        # A hair late rather than early: what is due is then due when looked at.
        return max(min(waits), 0.0) + CLOCK_SLACK

    def _clock_failed(self, error: Exception) -> None:
        self._tell_bug(error, "ScrmApp._tick")

    async def _tick(self, look: bool = True) -> None:
        """One wake of the app's clock. `look`: a commit may have moved the change mark,
        so one small read (Inbox.has_changed: the mark, the header's counts, who holds
        claims, when a send or a snooze is due); else nothing is read here. Then more
        only where something changed or a time came due: the inbox's look at what
        changed, the outbox's pass, the presence heartbeat and sweep."""
        inbox = self.inbox
        if inbox is None or self._exit:
            return
        changed = False
        if look:
            try:
                changed = await inbox.has_changed()
            except StoreError:
                self._nudge.set()  # busy or refused: look again after the poll interval
                await asyncio.sleep(self.poll_interval)
                return
        if self._live is not None:
            self._live.tick(changed)
        # The same read told when the outbox (written by any process) next has work and
        # who holds claims: the runtime acts on what is due.
        if self.runtime is not None:
            self.runtime.tick(changed)
        if (
            not self.is_headless
            and not self._hangups_told
            and time.monotonic() - self._hangup_at >= HANGUP_CHECK
        ):
            self._hangup_at = time.monotonic()
            self._check_terminal()

    def _watching(self) -> bool:
        """Whether the commit watch tells of commits. Should its thread have died (a
        bug: told once), the clock looks every poll_interval instead, as it once did."""
        watch = self._watch
        if watch is None or watch.alive:
            return True
        if watch.error is not None:
            self._clock_failed(RuntimeError(f"the commit watch stopped: {watch.error!r}"))
            watch.error = None
        return False

    @property
    def _presence(self) -> Presence:
        assert self.inbox is not None
        return self.inbox.presence

    def _check_terminal(self) -> None:
        """Quit when the terminal is gone (an SSH link that died without a hang-up
        signal): Textual's input thread would spin on the closed tty at 100% CPU, and
        this process would keep the collector lease and outbox claims to itself."""
        if terminal_gone():
            self.exit(1, message="scrm: the terminal went away")
