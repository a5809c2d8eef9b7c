"""`scrm watch`: the runtime's listening without a terminal UI, a line for each thing
worth telling (arrivals, trouble, the lease changing hands, spikes), and the matching
backlog worked off on the side."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from scrm_tui.core import sanitize
from scrm_tui.core.config import Config
from scrm_tui.service import runtime_events as events
from scrm_tui.service.inbox import Inbox

CATCH_UP_EVERY = 60.0  # seconds between a watch's looks for matching work owed
FOLLOW_EVERY = 2.0  # seconds between a watch's looks at another process's catch-up


class Refused(Exception):
    """The watch cannot start (nothing to watch, another collector for --once): why."""


async def watch(
    db: Path | str, agent: str, config: Config, *, once: bool, problem: Callable[[str, str], None]
) -> None:
    """Listen until Ctrl+C (or a service manager's TERM), or poll every source once
    (`once`); `problem(source, why)` for each configured source that cannot run."""
    from scrm_tui.core.locations import state_dir
    from scrm_tui.service.runtime import Runtime
    from scrm_tui.service.settings import credentials

    creds = credentials(config)
    async with await Inbox.open(db, agent) as inbox:
        inbox.configure(config, creds)
        lines = _Lines(once, problem)
        runtime = Runtime(inbox, lines.heard)
        # Only a server goes away: its LISTEN tells when, and when it is back (a file
        # needs no watch here, and gets none).
        reach = runtime.watch_commits(lambda: None) if inbox.db.engine != "sqlite" else None
        try:
            listener = runtime.open_listener(config, creds, state_dir=state_dir())
            if listener is None or not listener.collector.specs:
                raise Refused("nothing to watch: set [watch] terms and a [sources.*] table")
            # Ctrl+C (or TERM) ends the watch within a moment, requests in flight or
            # not: they are cancelled, what was fetched is stored, the lease handed over.
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            _stop_between_writes(inbox, loop)
            if once:
                if not await runtime.collect_once(stop):
                    holder = await inbox.collector()
                    who = sanitize.for_message(holder[0] if holder else "?", 80)
                    raise Refused(f"another collector is polling ({who})")
            else:
                print(
                    f"watching {len(listener.collector.specs)} sources as "
                    f"{listener.collector.holder}; Ctrl+C stops",
                    file=sys.stderr,
                )
                catching_up = asyncio.ensure_future(
                    _catch_up_while_watching(inbox, lines.say, stop)
                )
                try:
                    await runtime.collect(stop)
                finally:
                    catching_up.cancel()
            if stop.is_set():
                print("scrm: stopped; the lease is free for another collector", file=sys.stderr)
        finally:
            await runtime.close()
            if reach is not None:
                await asyncio.to_thread(reach.close)


class _Lines:
    """What the runtime tells, as the watch's lines: a round reports every source; a
    long watch only what changed, so a tmux pane or the journal shows arrivals and
    trouble, not "0 new" every minute."""

    def __init__(self, once: bool, problem: Callable[[str, str], None]) -> None:
        self.once = once
        self.problem = problem
        self.last: dict[str, str] = {}
        self.tty = sys.stdout.isatty()  # in a terminal each line says when; a journal adds its own

    def say(self, line: str) -> None:
        line = sanitize.inline(line)  # source names come from the config: made inert
        print(f"{time.strftime('%H:%M:%S')} {line}" if self.tty else line, flush=True)

    def heard(self, event: events.Event) -> None:
        if isinstance(event, events.Polled):
            self.polled(event)
        elif isinstance(event, events.Backfilling):
            self.say(f"{event.source}: backfilling, at {sanitize.for_message(event.where, 40)}")
        elif isinstance(event, events.LeaseChanged) and not self.once:
            if event.holding:
                self.say("collecting: this process holds the lease")
            else:
                who = sanitize.for_message(event.other or "another process", 80)
                self.say(f"standing by: {who} collects; taking over when it stops")
        elif isinstance(event, events.SpikeRaised):
            from scrm_tui.service.spikes import describe

            self.say(describe(event.spike))
        elif isinstance(event, events.SourceProblem):
            self.problem(event.source, event.why)
        elif isinstance(event, events.DatabaseReach):
            # Once when it goes, once when it is back: a journal, not a line a second.
            if event.trouble is not None:
                self.say(f"{events.UNREACHABLE}: {sanitize.for_message(event.trouble, 300)}")
            else:
                self.say("database reachable again")

    def polled(self, event: events.Polled) -> None:
        from scrm_tui.core.timefmt import absolute

        state = event.state
        now = state.state if state is not None else "ok"
        before, self.last[event.source] = self.last.get(event.source), now
        if now == "ok":
            again = "ok again, " if before is not None and before != "ok" else ""
            if self.once or event.stored or again:
                self.say(f"{event.source}: {again}{event.stored} new")
        elif state is not None:
            until = f" until {absolute(state.backoff_until_ms)}" if state.backoff_until_ms else ""
            self.say(
                f"{event.source}: {state.state}{until or ''}: "
                f"{sanitize.for_message(state.last_error or '', 300)}"
            )


def _stop_between_writes(inbox: Inbox, loop: asyncio.AbstractEventLoop) -> None:
    """The shell's Ctrl+Z (SIGTSTP) stops the watch between two write transactions,
    never inside one: stopped inside one, it would keep the database's write lock until
    `fg`, and every inbox's writes would fail after waiting for it. (Its matching
    workers only read, and stop where they are.)"""
    waiting: set[asyncio.Task[None]] = set()

    async def stop_now() -> None:
        async with inbox.between_writes():
            loop.remove_signal_handler(signal.SIGTSTP)  # back to the default: stop
            try:
                os.kill(os.getpid(), signal.SIGTSTP)  # stopped here until `fg` (SIGCONT)
            finally:
                loop.add_signal_handler(signal.SIGTSTP, asked)

    def asked() -> None:
        task = loop.create_task(stop_now())
        waiting.add(task)
        task.add_done_callback(waiting.discard)

    loop.add_signal_handler(signal.SIGTSTP, asked)


async def _catch_up_while_watching(
    inbox: Inbox, say: Callable[[str], None], stop: asyncio.Event
) -> None:
    """What a watch does besides polling: index customers an import or an upgrade left
    waiting and finish an owed re-match, a line per tenth done; a cancel (Ctrl+C) stops
    it between pages, and whoever comes next resumes it."""

    def tenths(doing: str, unit: str) -> Callable[[int, int], None]:
        said = [-1]

        def show(done: int, total: int) -> None:
            tenth = 10 * done // max(total, 1)
            if tenth != said[0]:
                said[0] = tenth
                say(f"{doing}: {tenth * 10}%, {done:,}/{total:,} {unit}")

        return show

    from scrm_tui.service import backlog

    while not stop.is_set():
        if await backlog.owed(inbox):
            result = await backlog.work_off(
                inbox,
                tenths("re-matching authors", "authors"),
                tenths("indexing customers", "customers"),
                on_languages=tenths("detecting languages", "mentions"),
            )
            if result is None:
                await _follow_catch_up(inbox, say, stop)
                continue  # look again at once: what it left owed (if it stopped) is ours
            if any(result):
                say(f"authors matched: {result[0]:,} linked, {result[1]:,} with suggestions")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), CATCH_UP_EVERY)


async def _follow_catch_up(inbox: Inbox, say: Callable[[str], None], stop: asyncio.Event) -> None:
    """Another process works the backlog off (`scrm catch-up`, an inbox's, an import):
    a line per tenth of what it tells through the database, until it lets go."""
    from scrm_tui.service import backlog

    said: tuple[str, int] | None = None
    while not stop.is_set():
        state = await backlog.job_state(inbox)
        if state.holder is None:
            return
        who = sanitize.for_message(state.holder, 80)
        progress = state.progress
        now = (progress.doing, progress.percent // 10) if progress is not None else ("", -1)
        if now != said:
            said = now
            if progress is None:
                say(f"matching: {who} is indexing customers and re-matching authors")
            else:
                say(f"{progress.doing} (by {who}): {progress.percent}%")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), FOLLOW_EVERY)
