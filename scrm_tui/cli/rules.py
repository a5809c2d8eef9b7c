"""`scrm rules [list|test]`: the inbox rules, or a dry run of them over what is stored."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from scrm_tui.cli.common import EXIT_OK, Context, existing_db, fail
from scrm_tui.core import sanitize
from scrm_tui.core.config import Config


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_rules(context.db, context.agent, context.config, args))


async def _rules(db: Path | str, agent: str, config: Config, args: argparse.Namespace) -> int:
    rules = config.rules
    if args.rules_command == "test" and args.rule is not None:
        rules = tuple(rule for rule in rules if rule.name == args.rule)
        if not rules:
            known = ", ".join(rule.name for rule in config.rules) or "none"
            return fail(f"no rule named {sanitize.for_message(args.rule)!r} (rules: {known})")
    if not rules:
        where = config.source or "the config"
        print(f"no rules yet: add [[rules]] to {where} (see README)", file=sys.stderr)
        return EXIT_OK
    if args.rules_command != "test":
        for number, rule in enumerate(rules, start=1):
            shown = sanitize.for_message(rule.filter, 200) or "(every mention)"
            print(f"{number}. {rule.name}: {shown}")
            print(f"   {sanitize.for_message(rule.describe(), 300)}")
        if config.auto_assign:
            cap = f", at most {config.assign_cap} open each" if config.assign_cap else ""
            print(f"then: whatever is still unassigned, round-robin among agents present{cap}")
        return EXIT_OK
    from scrm_tui.service import rules as applying
    from scrm_tui.service.inbox import Inbox

    async with await Inbox.open(existing_db(db), agent) as inbox:
        total, found = await applying.dry_run(inbox, rules)
    for rule, would in zip(rules, found, strict=True):
        print(applying.would_say(rule, would, total))
    return EXIT_OK
