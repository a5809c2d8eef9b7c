"""`scrm outbox [list|send|retry|discard]`: what waits to go out, sent from a script."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from scrm_tui.cli.common import EXIT_FAILED, EXIT_OK, Context, fail
from scrm_tui.core import sanitize
from scrm_tui.core.config import Config


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_outbox(context.db, context.agent, context.config, args))


async def _outbox(db: Path | str, agent: str, config: Config, args: argparse.Namespace) -> int:
    from scrm_tui.core.timefmt import absolute
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.service.settings import credentials

    async with await Inbox.open(db, agent) as inbox:
        inbox.configure(config, credentials(config))
        if args.action in ("retry", "discard"):
            if not args.ids:
                return fail(f"outbox {args.action}: give the item numbers (see `scrm outbox`)")
            failed = 0
            for outbox_id in args.ids:
                if args.action == "retry":
                    ok = await inbox.outbox.retry(outbox_id, inbox.now_ms())
                else:
                    ok = await inbox.outbox.discard(outbox_id, agent, inbox.now_ms()) is not None
                if not ok:
                    failed += 1
                    print(
                        f"scrm: #{outbox_id} is not failed/waiting (or does not exist)",
                        file=sys.stderr,
                    )
                else:
                    print(
                        f"#{outbox_id} {'queued again' if args.action == 'retry' else 'discarded'}"
                    )
            return EXIT_FAILED if failed else EXIT_OK
        if args.action == "send":
            worker = inbox.outbox_worker()
            await worker.release_dead()
            items = await worker.run_due()
            for item in items:
                print(_outbox_line(item, absolute))
            sent = sum(item.state == "sent" for item in items)
            failed = sum(item.state == "failed" for item in items)
            waiting_here = await inbox.outbox.items(("pending", "sending"))
            unsendable = sorted(
                {i.channel for i in waiting_here if i.kind != "webhook"} & set(inbox.creds.missing)
            )
            summary = f"{sent} sent, {failed} failed, {len(waiting_here)} waiting"
            due = await inbox.outbox.next_due_ms()
            if waiting_here and due is not None:
                summary += f" (next try {absolute(due)})"
            if unsendable:
                names = ", ".join(sanitize.for_message(name) for name in unsendable)
                summary += f"; no credentials here for: {names}"
            print(summary, file=sys.stderr)
            return EXIT_FAILED if failed else EXIT_OK
        states = () if args.all else ("pending", "sending", "failed")
        items = await inbox.outbox.items(states)
        for item in reversed(items):
            print(_outbox_line(item, absolute))
        if not items:
            print(
                "the outbox is empty" if args.all else "nothing waiting or failed", file=sys.stderr
            )
    return EXIT_OK


def _outbox_line(item: Any, absolute: Any) -> str:
    # A webhook's target is a config name ("team/hook"): anyone's config, so inert.
    where = sanitize.for_message(item.target if item.kind == "webhook" else item.channel, 60)
    text = sanitize.for_message(item.text if item.kind != "webhook" else "escalation", 60)
    line = (
        f"#{item.id:<5} {item.state.value:9} {item.kind:8} {where:18} {absolute(item.created_ms)}"
    )
    line += f"  {text}"
    if item.state.value == "sent" and item.remote_url:
        line += f"  → {sanitize.for_message(item.remote_url, 120)}"
    if item.last_error and item.state.value != "sent":
        line += f"\n        attempts {item.attempts}: {sanitize.for_message(item.last_error, 300)}"
        if item.state.value == "pending":
            line += f" (next try {absolute(item.next_ms)})"
    return line
