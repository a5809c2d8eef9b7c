"""`scrm watch`: poll the networks headless, holding the collector's lease."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from scrm_tui.cli.common import EXIT_OK, Context, fail, source_problem
from scrm_tui.core.config import Config


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_watch(context.db, context.agent, context.config, args.once))


async def _watch(db: Path | str, agent: str, config: Config, once: bool) -> int:
    # The loop is the service runtime's (service/watch.py); this only says what it cannot run.
    from scrm_tui.service.watch import Refused, watch

    def problem(name: str, why: str) -> None:
        print(f"scrm: {source_problem(name, why)}", file=sys.stderr)

    try:
        await watch(db, agent, config, once=once, problem=problem)
    except Refused as refused:
        return fail(str(refused))
    return EXIT_OK
