"""`scrm db copy SRC DST`: move a database between SQLite and PostgreSQL, with progress."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrm_tui.cli.common import EXIT_FAILED, EXIT_OK, Context, fail


def run_copy(args: argparse.Namespace, context: Context) -> int:
    from scrm_tui.service.db_copy import copy_database, shown
    from scrm_tui.store.db import StoreError

    source: Path | str = args.source
    destination: Path | str = args.destination
    if isinstance(source, Path):
        source = source.expanduser()
    if isinstance(destination, Path):
        destination = destination.expanduser()
    terminal = sys.stderr.isatty() and not args.quiet
    progress = _Progress(terminal=terminal, quiet=args.quiet)
    try:
        report = copy_database(source, destination, progress)
    except StoreError as error:
        progress.end_line()
        return fail(str(error))
    except KeyboardInterrupt:
        progress.end_line()
        return fail(
            "interrupted: what was copied is kept; run the same command again to go on from there"
        )
    if report.mismatches:
        for mismatch in report.mismatches:
            fail(f"check failed: {mismatch}")
        return fail(
            f"{shown(destination)} is not a true copy of {shown(source)} (was scrm still "
            "writing to the source?): stop every scrm on it, then copy into an empty database"
        )
    if report.nul_texts:
        print(
            f"scrm: note: {report.nul_texts:,} text(s) held a NUL character, which PostgreSQL "
            "cannot store: each NUL is stored as ␀ (U+2400), as the screen shows it",
            file=sys.stderr,
        )
    if not args.quiet:
        resumed = (
            f" ({report.resumed_tables} done by the earlier run)" if report.resumed_tables else ""
        )
        print(
            f"copied {report.tables} tables{resumed}, {report.rows:,} rows, from "
            f"{shown(source)} to {shown(destination)} in {report.seconds:.1f} s; every "
            "table's rows and checksum match"
        )
    return EXIT_OK if not report.mismatches else EXIT_FAILED


class _Progress:
    """On a terminal, a bar per table with its rate (`mentions [####....] 40% 680/1,711
    · 9,800 rows/s`); otherwise one line per table once it is copied."""

    def __init__(self, *, terminal: bool, quiet: bool) -> None:
        self.terminal = terminal
        self.quiet = quiet
        self.open = False

    def __call__(self, table: str, done: int, total: int, seconds: float) -> None:
        if self.quiet:
            return
        finished = done < 0
        if not self.terminal:
            if finished:
                rate = f" ({total / seconds:,.0f} rows/s)" if total and seconds > 0 else ""
                print(
                    f"{table}: {total:,} rows in {seconds:.1f} s{rate}", file=sys.stderr, flush=True
                )
            return
        from scrm_tui.cli.bars import draw_bar

        shown = total if finished else done
        if not total:
            print(f"\r{table:<22} (empty)", file=sys.stderr, flush=True)
            return
        # Always as wide, so a shorter figure leaves nothing of the longer one behind.
        rate = f" · {shown / seconds:>9,.0f} rows/s" if seconds > 0 else " " * 19
        draw_bar(f"{table:<22}", shown, total, rate)
        self.open = not finished
        if finished:
            print(file=sys.stderr, flush=True)

    def end_line(self) -> None:
        if self.open:
            print(file=sys.stderr, flush=True)
            self.open = False
