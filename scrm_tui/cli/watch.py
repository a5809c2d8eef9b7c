"""`scrm watch`: poll the networks headless, holding the collector's lease."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrm_tui.cli.common import EXIT_OK, Context, fail, source_problem
from scrm_tui.core import sanitize
from scrm_tui.core.config import Config


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_watch(context.db, context.agent, context.config, args.once))


async def _watch(db: Path, agent: str, config: Config, once: bool) -> int:
    import signal

    from scrm_tui.core.locations import state_dir
    from scrm_tui.core.timefmt import absolute
    from scrm_tui.service.collector import Collector
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.service.listen import build_sources, open_client
    from scrm_tui.service.settings import credentials

    creds = credentials(config)
    async with await Inbox.open(db, agent) as inbox, open_client() as client:
        inbox.configure(config, creds)
        specs, problems = build_sources(config, creds, client, state_dir=state_dir())
        for name, why in problems.items():
            print(f"scrm: {source_problem(name, why)}", file=sys.stderr)
        if not specs:
            return fail("nothing to watch: set [watch] terms and a [sources.*] table")

        last: dict[str, str] = {}
        # In a terminal (a tmux pane) each line says when; the journal adds its own.
        tty = sys.stdout.isatty()

        def say(line: str) -> None:
            line = sanitize.inline(line)  # source names come from the config: made inert
            print(f"{time.strftime('%H:%M:%S')} {line}" if tty else line, flush=True)

        def polled(spec: Any, state: Any, stored: int) -> None:
            # A round reports every source; a long watch only what changed, so a tmux
            # pane or the journal shows arrivals and trouble, not "0 new" every minute.
            now = state.state if state is not None else "ok"
            before, last[spec.name] = last.get(spec.name), now
            if now == "ok":
                again = "ok again, " if before is not None and before != "ok" else ""
                if once or stored or again:
                    say(f"{spec.name}: {again}{stored} new")
            else:
                until = (
                    f" until {absolute(state.backoff_until_ms)}" if state.backoff_until_ms else ""
                )
                say(
                    f"{spec.name}: {state.state}{until or ''}: "
                    f"{sanitize.for_message(state.last_error or '', 300)}"
                )

        def progress(name: str, where: str) -> None:
            say(f"{name}: backfilling, at {sanitize.for_message(where, 40)}")

        def lease(collecting: bool, other: str | None) -> None:
            if collecting:
                say("collecting: this process holds the lease")
            else:
                who = sanitize.for_message(other or "another process", 80)
                say(f"standing by: {who} collects; taking over when it stops")

        def spike(raised: Any) -> None:
            from scrm_tui.service.spikes import describe

            say(describe(raised))

        collector = Collector(
            inbox,
            specs,
            backfill_s=config.backfill_s,
            on_polled=polled,
            on_progress=progress,
            on_lease=None if once else lease,
            on_spike=spike,
        )
        # Ctrl+C (or a service manager's TERM) ends the watch within a moment, requests
        # in flight or not: they are cancelled, what was fetched is stored, the lease
        # is handed over.
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        _stop_between_writes(inbox, loop)
        if once:
            if not await collector.take_lease():
                holder = await inbox.collector()
                who = sanitize.for_message(holder[0] if holder else "?", 80)
                return fail(f"another collector is polling ({who})")
            polling = asyncio.ensure_future(collector.poll_due())
            stopping = asyncio.ensure_future(stop.wait())
            try:
                await asyncio.wait({polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopping.cancel()
                await collector.release()
            await polling
        else:
            print(
                f"watching {len(specs)} sources as {collector.holder}; Ctrl+C stops",
                file=sys.stderr,
            )
            catching_up = asyncio.ensure_future(_catch_up_while_watching(inbox, say, stop))
            try:
                await collector.run(stop)
            finally:
                catching_up.cancel()
        if stop.is_set():
            print("scrm: stopped; the lease is free for another collector", file=sys.stderr)
    return EXIT_OK


CATCH_UP_EVERY = 60.0  # seconds between a watch's looks for matching work owed
FOLLOW_EVERY = 2.0  # seconds between a watch's looks at another process's catch-up


def _stop_between_writes(inbox: Any, loop: asyncio.AbstractEventLoop) -> None:
    """The shell's Ctrl+Z (SIGTSTP) stops the watch between two write transactions,
    never inside one: stopped inside one, it would keep the database's write lock until
    `fg`, and every inbox's writes would fail after waiting for it. (Its matching
    workers only read, and stop where they are.)"""
    import signal

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


async def _catch_up_while_watching(inbox: Any, say: Callable[[str], None], stop: Any) -> None:
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


async def _follow_catch_up(inbox: Any, say: Callable[[str], None], stop: Any) -> None:
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
