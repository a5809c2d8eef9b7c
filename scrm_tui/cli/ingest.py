"""`scrm ingest FILE`: add mentions from JSON Lines, then finish what they leave owed."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from scrm_tui.cli.bars import Bars, draw_bar
from scrm_tui.cli.common import EXIT_FAILED, EXIT_OK, Context, fail
from scrm_tui.cli.signals import StoppedBySignals
from scrm_tui.core import sanitize
from scrm_tui.core.config import Config


def run(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_ingest(context.db, context.agent, context.config, args.file, args.quiet))


async def _ingest(db: Path | str, agent: str, config: Config, source: str, quiet: bool) -> int:

    from scrm_tui.core.records import TEXT_LIMIT
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.service.ingest import IngestReport, LineError, ingest_stream
    from scrm_tui.service.settings import credentials
    from scrm_tui.store.db import StoreError

    def on_error(error: LineError) -> None:
        print(f"{_name(source)}: {error}", file=sys.stderr)

    def on_progress(report: IngestReport) -> None:
        if not quiet and sys.stderr.isatty():
            print(
                f"\r{report.lines:,} lines read, {report.stored:,} stored",
                end="",
                file=sys.stderr,
                flush=True,
            )

    try:
        stream = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    except OSError as error:
        return fail(f"cannot read {sanitize.for_message(source, 200)}: {error.strerror}")
    # Ctrl+C or a plain kill: the batch being written commits (or not) as a whole, the
    # worker processes end, and the summary says what was stored. (kill -9 cannot be
    # caught: the workers end with this process all the same.)
    report = IngestReport()
    stopping = StoppedBySignals()
    failed: StoreError | None = None
    try:
        async with await Inbox.open(db, agent) as inbox:
            # A rule that escalates queues its team's webhook calls: they need the URLs.
            escalating = any(rule.escalate for rule in config.rules)
            inbox.configure(config, credentials(config) if escalating else None)
            try:
                await ingest_stream(
                    inbox, stream, on_error=on_error, on_progress=on_progress, report=report
                )
            except StoreError as error:
                # The server gone or the file locked past the wait: what was committed
                # is kept and said, and the same command stores the rest (nothing twice).
                failed = error
            if not quiet and sys.stderr.isatty():
                print(file=sys.stderr)
            if failed is None:
                await _finish_rematch(inbox, not quiet and sys.stderr.isatty())
                await _finish_rescore(inbox, not quiet and sys.stderr.isatty())
    except asyncio.CancelledError:
        if not stopping.by:
            raise
    finally:
        stopping.close()
        if stream is not sys.stdin.buffer:
            stream.close()
    stopped_by = stopping.by
    if failed is not None and not report.stored:
        raise failed  # nothing stored: said as any command says it (a lock, a read-only file)
    if failed is not None:
        print(
            f"stopped: {report.stored:,} stored, {report.duplicates:,} already known, "
            f"{len(report.errors):,} bad lines; {sanitize.inline(str(failed))}; "
            "run it again to store the rest",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if not quiet or stopped_by:
        if stopped_by and sys.stderr.isatty():
            print(file=sys.stderr)
        print(
            f"{'interrupted: ' if stopped_by else ''}{report.stored:,} stored, "
            f"{report.duplicates:,} already known, {len(report.errors):,} bad lines"
            + ("; run it again to store the rest" if stopped_by else ""),
            file=sys.stderr,
        )
    if report.cut and not quiet:
        print(
            f"{report.cut:,} text{'s' if report.cut != 1 else ''} over {TEXT_LIMIT:,} "
            "characters: stored cut for the inbox, "
            "whole for `scrm export mentions`",
            file=sys.stderr,
        )
    if stopped_by:
        return 128 + stopped_by[0]
    return EXIT_OK if report.ok else EXIT_FAILED


def _name(source: str) -> str:
    return "stdin" if source == "-" else sanitize.for_message(source, 200)


async def _finish_rematch(inbox: Any, bar: bool) -> tuple[int, int] | None:
    """Index a backlog of customers and finish a re-match of authors that an import
    owes (one was interrupted, or an upgrade marked every customer)."""
    if not await inbox.linker.rematch_owed():
        return 0, 0
    print("scrm: indexing customers and re-matching authors left owed", file=sys.stderr)
    bars = Bars()
    from scrm_tui.service import backlog

    done: tuple[int, int] | None = await backlog.work_off(
        inbox,
        bars.bar("re-matching") if bar else None,
        bars.bar("indexing") if bar else None,
        bars.bar("pairing") if bar else None,
    )
    if bar and bars.shown is not None:
        print(file=sys.stderr)
    return done


async def _finish_rescore(inbox: Any, bar: bool) -> None:
    """Score the priorities a re-score still owes (stored before priorities existed, or
    scored with weights since changed): `scoring [###.....]  10% 1,000/10,000 mentions`."""
    await inbox.priorities.weights()  # weights new to the database owe a re-score
    if not await inbox.priorities.rescore_owed():
        return
    print("scrm: scoring the priorities of stored mentions", file=sys.stderr)
    await inbox.priorities.resume_rescore(
        (lambda done, total: draw_bar("scoring", done, total, " mentions")) if bar else None
    )
    if bar:
        print(file=sys.stderr)
