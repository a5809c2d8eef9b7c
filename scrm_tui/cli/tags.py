"""`scrm tags [list|rename|merge]`: tags with their counts, renamed or merged everywhere."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from scrm_tui.cli.common import EXIT_OK, Context, existing_db, fail
from scrm_tui.core import sanitize


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_tags(context.db, context.agent, args))


async def _tags(db: Path | str, agent: str, args: argparse.Namespace) -> int:
    from scrm_tui.service import tagging
    from scrm_tui.service.inbox import Inbox

    async with await Inbox.open(existing_db(db), agent) as inbox:
        try:
            if args.tags_command == "rename":
                counts = await tagging.rename_tag(
                    inbox.db, args.old, args.new, agent, inbox.now_ms()
                )
                done = f"renamed tag {_tag(args.old)} to {_tag(args.new)}"
            elif args.tags_command == "merge":
                counts = await tagging.merge_tags(
                    inbox.db, args.sources, args.into, agent, inbox.now_ms()
                )
                done = f"merged {', '.join(map(_tag, args.sources))} into {_tag(args.into)}"
            else:
                listing = await tagging.tag_counts(inbox.db)
                if not listing:
                    print("no tags yet (t tags a mention in the inbox)", file=sys.stderr)
                    return EXIT_OK
                width = max(len("tag"), *(len(_tag(c.tag)) for c in listing))
                print(f"{'tag':{width}}  {'mentions':>8}  {'customers':>9}")
                for count in listing:
                    print(f"{_tag(count.tag):{width}}  {count.mentions:>8,}  {count.customers:>9,}")
                return EXIT_OK
        except ValueError as error:  # a bad or unknown tag: the message says which
            return fail(str(error))
    mentions, customers = counts
    print(
        f"{done}: {mentions:,} mention{'s' if mentions != 1 else ''}, "
        f"{customers:,} customer{'s' if customers != 1 else ''}",
        file=sys.stderr,
    )
    return EXIT_OK


def _tag(name: str) -> str:
    """A tag as typed or stored, safe for the terminal."""
    return sanitize.for_message(name.lower(), 40)
