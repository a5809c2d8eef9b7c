"""`scrm sources`: how each source is doing, as the sources screen (S) shows it."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from scrm_tui.cli.common import EXIT_OK, Context, source_problem
from scrm_tui.core import sanitize
from scrm_tui.core.config import Config


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_sources(context.db, context.agent, context.config))


async def _sources(db: Path | str, agent: str, config: Config) -> int:
    from scrm_tui.core.timefmt import absolute, ago
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.service.listen import build_sources, open_client
    from scrm_tui.service.settings import credentials

    # What the config asks for but cannot run has no state row: say it here too.
    async with open_client() as client:
        _, problems = build_sources(config, credentials(config), client)

    async with await Inbox.open(db, agent) as inbox:
        holder = await inbox.collector()
        now = inbox.now_ms()
        if holder and holder[1] > now:
            print(f"collector: {sanitize.for_message(holder[0], 80)}")
        else:
            print("collector: none running (start `scrm watch`)")
        states = await inbox.source_states()
        for state in states:
            fetched = ago(now, state.last_ok_ms) if state.last_ok_ms else "never"
            line = (
                f"{sanitize.for_message(state.source, 80):32} {state.state:9} "
                f"last fetched {fetched:9} "
                f"{state.stored:>7,} stored"
            )
            if state.state != "ok" and state.backoff_until_ms:
                line += f"  until {absolute(state.backoff_until_ms)}"
            if state.backfill is not None:
                line += f"  backfilling, at {sanitize.for_message(state.backfill, 40)}"
            if state.fetching_ms is not None and holder and holder[1] > now:
                line += f"  fetching for {max(0, now - state.fetching_ms) // 1000} s"
            if state.last_error and state.state != "ok":
                line += f"\n{'':33}{sanitize.for_message(state.last_error, 300)}"
            print(line)
        for name, why in problems.items():
            print(source_problem(name, why, width=32))
        if not states and not problems:
            print("no source has run yet", file=sys.stderr)
    return EXIT_OK
