"""`scrm export WHAT`: stored records written out as JSON Lines or CSV."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scrm_tui.cli.common import EXIT_OK, EXIT_USAGE, Context, fail
from scrm_tui.core.config import Config

if TYPE_CHECKING:
    from scrm_tui.core.query import QueryError


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_export(context.db, context.agent, context.config, args))


async def _export(db: Path | str, agent: str, config: Config, args: argparse.Namespace) -> int:
    from scrm_tui.service import export, output_file
    from scrm_tui.service.inbox import Inbox

    what, fmt, output, spreadsheet = args.what, args.format, args.output, args.for_spreadsheet
    write = getattr(export, f"export_{what}")
    options: dict[str, object] = {"spreadsheet": spreadsheet}
    if args.filter is not None:
        from scrm_tui.core.query import QueryError, parse

        try:
            options["query"] = parse(args.filter)
        except QueryError as error:
            print(_filter_problem(args.filter, error), file=sys.stderr)
            return EXIT_USAGE
    if isinstance(db, Path) and not db.exists():
        return fail(f"no database at {db} (run `scrm ingest` or `scrm demo --db {db}` first)")
    try:
        if output is not None:
            output_file.check(output, db)  # before opening: refused, it touches nothing
        async with await Inbox.open(db, agent) as inbox:
            if what == "outbox":
                from scrm_tui.service.settings import credentials

                # Only to redact: whatever secret this machine knows never leaves in it.
                inbox.configure(config, credentials(config))
            if output is None:
                terminal = sys.stdout.isatty()
                count = await write(inbox, sys.stdout, fmt, terminal=terminal, **options)
            else:
                # Written whole or not at all: a crash or a full disk halfway leaves
                # the previous file as it was and no partial one behind.
                with output_file.written_whole(output) as handle:
                    count = await write(inbox, handle, fmt, terminal=False, **options)
    except output_file.OutputError as error:
        return fail(str(error))
    print(f"{count:,} {what} exported", file=sys.stderr)
    return EXIT_OK


def _filter_problem(typed: str, error: QueryError) -> str:
    """A bad --filter in words, with where it is: the column, and a caret under the
    part when the filter is plain text a terminal shows one cell per character."""
    lines = [f"scrm: bad --filter at column {error.position + 1}: {error}"]
    end = error.position + error.length
    if typed.isascii() and typed.isprintable():
        lines += [f"  {typed}", "  " + " " * error.position + "^" * (end - error.position)]
    return "\n".join(lines)
