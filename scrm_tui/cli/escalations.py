"""`scrm escalations`: open escalations and how long each has waited."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from scrm_tui.cli.common import EXIT_OK, Context
from scrm_tui.core import sanitize
from scrm_tui.core.config import Config


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_escalations(context.db, context.agent, context.config, args.all))


async def _escalations(db: Path | str, agent: str, config: Config, show_all: bool) -> int:
    from scrm_tui.core.timefmt import age
    from scrm_tui.service.inbox import Inbox

    async with await Inbox.open(db, agent) as inbox:
        inbox.configure(config)
        states = () if show_all else ("open", "acknowledged")
        items = await inbox.escalations.listing(states)
        now = inbox.now_ms()
        for esc in items:
            late = inbox.escalations.overdue_ms(esc, now)
            flag = "LATE " if late > 0 and esc.state != "resolved" else ""
            who = sanitize.for_message(esc.customer_name or esc.author_handle or "", 30)
            team = sanitize.for_message(esc.team, 40)
            print(
                f"#{esc.id:<4} {flag}{esc.priority} {esc.state:12} {team:12} "
                f"{age(now, esc.created_ms):>4} old  {who}  "
                f"{sanitize.for_message(esc.note, 60)}"
            )
            for target, state, error in esc.deliveries:
                extra = f": {sanitize.for_message(error, 200)}" if error and state != "sent" else ""
                print(f"        → {sanitize.for_message(target, 60)} {state}{extra}")
        if not items:
            print("no escalations" if show_all else "no open escalations", file=sys.stderr)
    return EXIT_OK
