"""`scrm report` and `scrm accuracy`: the dashboard's figures, and how often scoring agrees."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from scrm_tui.cli.common import EXIT_OK, Context, existing_db, fail
from scrm_tui.core.config import Config


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_report(context.db, context.agent, context.config, args))


def run_accuracy(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_accuracy(context.db, context.agent, args))


async def _report(db: Path | str, agent: str, config: Config, args: argparse.Namespace) -> int:
    from scrm_tui.core.ranges import RangeError, parse_range
    from scrm_tui.service import report
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.service.report_format import render

    async with await Inbox.open(existing_db(db), agent) as inbox:
        try:
            period = parse_range(args.range, inbox.now_ms())
        except RangeError as error:
            return fail(f"--range: {error}")
        settings = report.Settings.of(config, inbox.brand_words)
        built = await report.build(inbox.db, period, settings, inbox.now_ms())
    print(render(built, args.format))
    return EXIT_OK


async def _accuracy(db: Path | str, agent: str, args: argparse.Namespace) -> int:
    import json

    from scrm_tui.service.accuracy import accuracy, as_text
    from scrm_tui.service.inbox import Inbox

    if args.weeks < 1:
        return fail(f"--weeks {args.weeks}: at least 1")
    async with await Inbox.open(existing_db(db), agent) as inbox:
        report = await accuracy(inbox.db, inbox.now_ms(), args.weeks)
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(as_text(report))
    return EXIT_OK
