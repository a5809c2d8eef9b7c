"""`scrm catch-up`: the matching backlog and the rising terms' past days, at low priority."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrm_tui.cli.bars import Bars
from scrm_tui.cli.common import EXIT_OK, Context
from scrm_tui.cli.signals import StoppedBySignals
from scrm_tui.core.config import Config
from scrm_tui.store.db import StoreError


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_catch_up(context.db, context.agent, context.config, args.quiet))


async def _catch_up(db: Path | str, agent: str, config: Config, quiet: bool) -> int:
    """`scrm catch-up`: the matching backlog worked off at low priority (service/backlog),
    then the rising terms' past days counted.
    Ctrl+C or a plain kill stops it between pages; the next run goes on from there."""
    from scrm_tui.service import backlog
    from scrm_tui.service.inbox import Inbox

    backlog.be_background()
    bar = not quiet and sys.stderr.isatty()
    stopping = StoppedBySignals()
    try:
        async with await Inbox.open(db, agent) as inbox:
            inbox.configure(config, None)  # the matching thresholds
            bars = Bars(drawn=bar)
            result = await backlog.work_off(
                inbox,
                bars.bar("re-matching"),
                bars.bar("indexing"),
                bars.bar("pairing"),
                bars.bar("detecting"),
            )
            counted = await _count_terms(inbox, bars.bar("counting terms"))
            from scrm_tui.service.advocacy import keep_up

            await keep_up(inbox.db, inbox.now_ms())  # advocacy's standing, moved on with time
            if bar and bars.shown is not None:
                print(file=sys.stderr)
    except asyncio.CancelledError:
        if not stopping.by:
            raise
        print("scrm: stopped; the next catch-up goes on from here", file=sys.stderr)
        return 130
    except StoreError:
        raise  # said in words by main()
    except Exception as error:
        # A bug. Started by an inbox, this process has no terminal to print it on: the
        # traceback goes where the inbox's own go (the inbox says the job stopped).
        from scrm_tui.service.bugs import record_bug

        record_bug(error, "scrm catch-up")
        raise
    finally:
        stopping.close()
    if result is None:
        print("scrm: another process is catching up (scrm watch shows how far)", file=sys.stderr)
    elif not quiet:
        if detected := bars.done.get("detecting"):
            print(f"languages detected: {detected:,} mentions")
        if counted:
            print(f"days of rising terms counted: {counted:,}")
        if indexed := bars.done.get("indexing"):
            print(f"customers indexed for matching: {indexed:,}")
        if paired := bars.done.get("pairing"):
            print(f"customers paired (their words, two by two): {paired:,}")
        print(f"authors matched: {result[0]:,} linked, {result[1]:,} with suggestions")
    return EXIT_OK


async def _count_terms(inbox: Any, bar: Callable[[int, int], None]) -> int:
    """The rising terms' past days, counted so the first `D` finds them (a bar, day by
    day; at a million mentions ~40 s of CPU once, then only the days since): how many
    days (of each watch set and mood counted apart) were counted."""
    from scrm_tui.service.measures import Settings
    from scrm_tui.service.report import count_terms_ahead

    counted = 0

    def progress(done: int, of: int) -> None:
        nonlocal counted
        counted += 1
        bar(done, of)

    settings = Settings.of(inbox.config, inbox.watch_words, inbox.brand_accounts)
    await count_terms_ahead(inbox.db, settings, inbox.now_ms(), progress)
    return counted
