"""Command line: parse arguments, then start the inbox or run a headless command.

Textual is imported only by the commands that open the inbox, so `scrm ingest`
and `scrm export` start quickly inside scripts and pipes.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from scrm_tui import __version__
from scrm_tui.core import sanitize
from scrm_tui.core.config import Config, ConfigError
from scrm_tui.store.db import StoreError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _common() -> argparse.ArgumentParser:
    # Global options are accepted before or after the command (`scrm --db x demo`
    # and `scrm demo --db x`); SUPPRESS keeps a later default from hiding an earlier value.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file (default: scrm.db in the XDG data directory)",
    )
    common.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="configuration file (default: config.toml in the XDG config directory)",
    )
    common.add_argument(
        "--agent",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="your name on every action (default: config, $SCRM_AGENT, then your login)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="scrm",
        description="A social CRM inbox for the terminal. Without a command, opens the inbox.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"scrm {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="open the inbox on demo data that keeps streaming",
        description="Open the inbox on a fresh demo database (a temporary file unless --db "
        "is given), seeded with customers and mentions of a fictional product, with new "
        "mentions arriving every few seconds. No network, no credentials.",
    )
    demo.add_argument("--no-stream", action="store_true", help="seed only; do not stream")

    ingest = commands.add_parser(
        "ingest",
        parents=[common],
        help="add mentions from a JSON Lines file",
        description="Add mentions from JSON Lines (one object per line; see README). Bad "
        "lines are reported with their number and skipped; the rest are stored. Exits 1 "
        "if any line failed. Running it twice stores nothing twice.",
    )
    ingest.add_argument("file", metavar="FILE", help="a .jsonl file, or - for standard input")
    ingest.add_argument("-q", "--quiet", action="store_true", help="print errors only")

    export = commands.add_parser(
        "export",
        parents=[common],
        help="write stored records out",
        description="Write stored mentions with their sentiment and status.",
    )
    export.add_argument("what", choices=["mentions"], help="what to export")
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write here instead of standard output"
    )
    return parser


def _fail(message: str) -> int:
    print(f"scrm: {message}", file=sys.stderr)
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from scrm_tui.service.settings import agent_name, database_path, load_config

    try:
        config = load_config(getattr(args, "config", None))
    except ConfigError as error:
        return _fail(str(error))
    agent = getattr(args, "agent", None) or agent_name(config)
    db_arg: Path | None = getattr(args, "db", None)
    try:
        if args.command == "ingest":
            return asyncio.run(_ingest(database_path(config, db_arg), agent, args.file, args.quiet))
        if args.command == "export":
            return asyncio.run(
                _export(database_path(config, db_arg), agent, args.format, args.output)
            )
        if args.command == "demo":
            return _demo(config, agent, db_arg, stream=not args.no_stream)
        return _run_app(config, agent, database_path(config, db_arg), demo=False, stream=False)
    except StoreError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130


async def _ingest(db: Path, agent: str, source: str, quiet: bool) -> int:
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.service.ingest import IngestReport, LineError, ingest_stream

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
        return _fail(f"cannot read {sanitize.for_message(source, 200)}: {error.strerror}")
    try:
        async with await Inbox.open(db, agent) as inbox:
            report = await ingest_stream(inbox, stream, on_error=on_error, on_progress=on_progress)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if not quiet:
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(
            f"{report.stored:,} stored, {report.duplicates:,} already known, "
            f"{len(report.errors):,} bad lines",
            file=sys.stderr,
        )
    return EXIT_OK if report.ok else EXIT_FAILED


def _name(source: str) -> str:
    return "stdin" if source == "-" else sanitize.for_message(source, 200)


async def _export(db: Path, agent: str, fmt: str, output: Path | None) -> int:
    from scrm_tui.service.inbox import Inbox

    if not db.exists():
        return _fail(f"no database at {db} (run `scrm ingest` or `scrm demo --db {db}` first)")
    async with await Inbox.open(db, agent) as inbox:
        if output is None:
            return await _export_to(inbox, sys.stdout, fmt, sys.stdout.isatty())
        tmp = output.with_name(output.name + ".partial")
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            await _export_to(inbox, handle, fmt, False)
        tmp.replace(output)  # a crash halfway never leaves a truncated export behind
    return EXIT_OK


async def _export_to(inbox: object, out: TextIO, fmt: str, terminal: bool) -> int:
    from scrm_tui.service.export import export_mentions
    from scrm_tui.service.inbox import Inbox

    assert isinstance(inbox, Inbox)
    count = await export_mentions(inbox, out, fmt, terminal=terminal)
    print(f"{count:,} mentions exported", file=sys.stderr)
    return EXIT_OK


def _demo(config: Config, agent: str, db_arg: Path | None, *, stream: bool) -> int:
    if db_arg is not None:
        return _run_app(config, agent, db_arg, demo=True, stream=stream)
    folder = Path(tempfile.mkdtemp(prefix="scrm-demo-"))
    try:
        return _run_app(config, agent, folder / "demo.db", demo=True, stream=stream)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run_app(config: Config, agent: str, db: Path, *, demo: bool, stream: bool) -> int:
    from scrm_tui.ui.app import ScrmApp

    app = ScrmApp(db_path=db, agent=agent, config=config, demo=demo, stream=stream)
    app.run()
    if app.startup_error:
        return _fail(app.startup_error)
    return app.return_code or EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
