"""`scrm conversions import FILE`: sales credited to the replies that led to them."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from scrm_tui.cli.common import EXIT_OK, Context, existing_db, fail


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_conversions(context.db, context.agent, args.file))


async def _conversions(db: Path | str, agent: str, file: Path) -> int:
    """`scrm conversions import FILE`: all rows or none, each bad line named."""
    from scrm_tui.service.conversions import ConversionsError, import_file
    from scrm_tui.service.inbox import Inbox

    async with await Inbox.open(existing_db(db), agent) as inbox:
        try:
            done = await import_file(inbox.db, file, inbox.now_ms())
        except ConversionsError as error:
            return fail(f"{file}: nothing imported\n{error}")
        except OSError as error:
            return fail(f"{file}: cannot be read ({error.strerror or error})")
    skipped = done.rows - done.stored
    again = f" ({skipped:,} imported before, skipped)" if skipped else ""
    print(
        f"imported {done.stored:,} conversion{'s' if done.stored != 1 else ''}{again}",
        file=sys.stderr,
    )
    return EXIT_OK
