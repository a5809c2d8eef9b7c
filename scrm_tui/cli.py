"""Command line: parse arguments, then start the inbox or run a headless command.

Textual is imported only by the commands that open the inbox, so `scrm ingest`
and `scrm export` start quickly inside scripts and pipes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrm_tui import __version__
from scrm_tui.core import sanitize
from scrm_tui.core.config import Config, ConfigError
from scrm_tui.store.db import StoreBusy, StoreError

if TYPE_CHECKING:
    from scrm_tui.core.query import QueryError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXPORTS = ("mentions", "customers", "interactions", "escalations", "outbox", "authors")


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


def _network(name: str) -> Any:
    from scrm_tui.core.query_values import CHANNEL_ALIASES

    channel = CHANNEL_ALIASES.get(name.strip().lower())
    if channel is None:
        known = ", ".join(sorted(CHANNEL_ALIASES))
        raise argparse.ArgumentTypeError(
            f"unknown network {sanitize.for_message(name)!r} (known: {known})"
        )
    return channel


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

    customers = commands.add_parser(
        "customers",
        parents=[common],
        help="import and look up customers",
        description="Import customer records, or show one customer.",
    )
    customer_commands = customers.add_subparsers(dest="customers_command", metavar="COMMAND")
    customer_commands.required = True
    importing = customer_commands.add_parser(
        "import",
        parents=[common],
        help="create or update customers from a file",
        description="Create or update customers from CSV, JSON or JSON Lines (see README). "
        "Rows update by external id, else email, else handle; nothing is duplicated. Bad rows are "
        "reported with their line and skipped. Exits 1 if any row failed.",
    )
    importing.add_argument("file", type=Path, metavar="FILE")
    importing.add_argument(
        "--format", choices=["csv", "json", "jsonl"], help="default: from the file itself"
    )
    importing.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    show = customer_commands.add_parser(
        "show",
        parents=[common],
        help="one customer, with identities and history",
        description="Show a customer found by internal id (#12), external id, email or "
        "handle (@kate@fosstodon.org, u/kate; a bare handle with --network). When nothing "
        "matches exactly, names the closest customers and exits 1.",
    )
    show.add_argument("key", metavar="KEY", help="#id, external id, e-mail or handle")
    show.add_argument(
        "--network",
        type=_network,
        metavar="NAME",
        help="look the handle up on this network only (mastodon, bluesky, hn, reddit, ...)",
    )
    merge = customer_commands.add_parser(
        "merge",
        parents=[common],
        help="fold a duplicate customer into another",
        description="The same person imported twice: move DUPLICATE's handles, mentions and "
        "history to KEEP and fill KEEP's empty fields. Undo with `scrm customers unmerge`.",
    )
    merge.add_argument("keep", metavar="KEEP")
    merge.add_argument("duplicate", metavar="DUPLICATE")
    unmerge = customer_commands.add_parser(
        "unmerge",
        parents=[common],
        help="undo a merge",
        description="Undo the latest merge of DUPLICATE (the customer that was merged away): "
        "what moved goes back, nothing is lost.",
    )
    unmerge.add_argument("duplicate", metavar="DUPLICATE")
    show.add_argument("--json", action="store_true", help="machine-readable output")

    outbox = commands.add_parser(
        "outbox",
        parents=[common],
        help="list, send, retry or discard replies and webhook calls waiting to go out",
        description="The outbox holds every reply, macro post and webhook delivery. Without "
        "an action, lists what is waiting or failed (--all: everything). `send` sends what "
        "is due now with this machine's credentials and exits (for cron or a script).",
    )
    outbox.add_argument(
        "action", nargs="?", choices=["list", "send", "retry", "discard"], default="list"
    )
    outbox.add_argument("ids", nargs="*", type=int, metavar="ID", help="items to retry/discard")
    outbox.add_argument("--all", action="store_true", help="list sent items too")

    watch = commands.add_parser(
        "watch",
        parents=[common],
        help="poll the networks for mentions, headless (for tmux or systemd)",
        description="Poll every source of [sources] for the [watch] terms, on each one's "
        "schedule, and store what it finds. Only one process polls at a time (a lease in "
        "the database); a second waits and takes over if the first stops.",
    )
    watch.add_argument("--once", action="store_true", help="one round of polls, then exit")
    catch_up = commands.add_parser(
        "catch-up",
        parents=[common],
        help="detect languages, index customers, re-match authors left owed and count "
        "the dashboard's rising terms, at low priority, then exit",
        description="Detect the language of mentions stored before scrm kept languages, "
        "index the customers an import or an upgrade left waiting and finish "
        "the re-match of unlinked authors it owes, and count the past days of the "
        "dashboard's rising terms, at low priority (nice "
        "10), telling its progress through the database (the inbox's top line and `scrm "
        "watch` show it); then exit. The inbox starts it in the background by itself. One "
        "process at a time does it; a stopped one is resumed by the next.",
    )
    catch_up.add_argument("--quiet", action="store_true", help="no progress bars or summary")
    commands.add_parser(
        "sources",
        parents=[common],
        help="how each source is doing (as the sources screen, S)",
        description="Each source's state, last fetch, backoff and last error, and who collects.",
    )
    init = commands.add_parser(
        "init",
        parents=[common],
        help="write a commented example configuration to start from",
        description="Write a commented example config.toml (to --config, or the XDG config "
        "directory), readable only by you. An existing file is left alone unless --force.",
    )
    init.add_argument("--force", action="store_true", help="replace an existing file")
    commands.add_parser(
        "doctor",
        parents=[common],
        help="check the configuration, credentials and that each source answers",
        description="Read the configuration and say what is wrong, with file and line; check "
        "the database, that each account's credentials are there and accepted, and that each "
        "source's host answers (one cheap request each; webhooks are only connected to). "
        "Exits 1 if any check failed, 2 if the configuration cannot be read.",
    )

    commands.add_parser(
        "keys",
        parents=[common],
        help="list every key binding's id and keys, with your [keys]",
        description="Every binding id, the keys it answers to (your [keys] in the config "
        "applied, marked *) and what it does: the ids to use in [keys]. Exits 1 if [keys] "
        "has an error (an unknown id or key name).",
    )

    accuracy = commands.add_parser(
        "accuracy",
        parents=[common],
        help="how often the sentiment scorer and the matcher agree with the agents",
        description="Per week (UTC) and language: the sentiment scorer against the "
        "sentiments agents set by hand (s), and the precision of automatic and suggested "
        "links from the agents' confirmations and rejections.",
    )
    accuracy.add_argument("--weeks", type=int, default=8, help="how many weeks back (default 8)")
    accuracy.add_argument("--json", action="store_true", help="JSON instead of tables")

    report = commands.add_parser(
        "report",
        parents=[common],
        help="the dashboard's figures for a range, for e-mail and cron",
        description="Awareness and the other figures of the dashboard (D) for a range, "
        "each against the period of the same length before it. Every figure says how it "
        "is made (the JSON gives its formula, inputs and the inbox filter for its records).",
    )
    report.add_argument(
        "--range",
        default="7d",
        help="24h, 7d (default), 30d, 90d, or START..END in UTC (2026-11-01..2026-11-30)",
    )
    report.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="default text"
    )

    conversions = commands.add_parser(
        "conversions",
        parents=[common],
        help="import sales (conversions) to credit the replies that led to them",
        description="`import FILE` reads a CSV with a header: campaign, value, date "
        "(YYYY-MM-DD) and optionally utm_content. A row whose utm_content is m<id> is "
        "credited to the sent reply to mention <id> that carried that tag (and so to its "
        "agent and network) on the dashboard's Sales. A file with a bad row is refused "
        "whole, each bad line named; importing the same file again stores nothing twice.",
    )
    conversion_commands = conversions.add_subparsers(
        dest="conversions_command", metavar="COMMAND", required=True
    )
    conversions_import = conversion_commands.add_parser(
        "import", parents=[common], help="store the conversions of a CSV file"
    )
    conversions_import.add_argument("file", type=Path, metavar="FILE")

    escalations = commands.add_parser(
        "escalations",
        parents=[common],
        help="list escalations and how long each has waited",
        description="Open and acknowledged escalations, oldest first, with their SLA "
        "(--all: resolved ones too).",
    )
    escalations.add_argument("--all", action="store_true", help="include resolved ones")

    tags = commands.add_parser(
        "tags",
        parents=[common],
        help="list tags with counts; rename or merge them everywhere",
        description="Without a command, lists every tag with how many mentions and "
        "customers have it. `rename` and `merge` change it on every mention and customer "
        "at once, recorded in the history.",
    )
    tag_commands = tags.add_subparsers(dest="tags_command", metavar="COMMAND")
    tag_commands.add_parser("list", parents=[common], help="every tag, with counts")
    rename = tag_commands.add_parser(
        "rename",
        parents=[common],
        help="rename a tag on every mention and customer",
        description="Rename tag OLD to NEW everywhere. A NEW already in use is refused: "
        "that is `scrm tags merge OLD --into NEW`.",
    )
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    merge_tags = tag_commands.add_parser(
        "merge",
        parents=[common],
        help="fold several tags into one",
        description="Everything tagged with any TAG is tagged INTO instead (a new or an "
        "existing tag), and the TAGs are gone: `scrm tags merge bug bugs --into bug`.",
    )
    merge_tags.add_argument("sources", nargs="+", metavar="TAG")
    merge_tags.add_argument("--into", required=True, metavar="INTO", help="the tag they become")

    rules = commands.add_parser(
        "rules",
        parents=[common],
        help="list the inbox rules, or dry-run them over the stored mentions",
        description="[[rules]] in the config act on each new mention as it is stored. "
        "`list` (the default) shows them in order; `test` says what each would do to the "
        "mentions stored so far, each rule on its own, changing nothing.",
    )
    rule_commands = rules.add_subparsers(dest="rules_command", metavar="COMMAND")
    rule_commands.add_parser("list", parents=[common], help="the rules, in order")
    rules_test = rule_commands.add_parser(
        "test",
        parents=[common],
        help="what each rule would do to the stored mentions (changes nothing)",
        description="For each rule: how many stored mentions its filter matches and how many "
        "each action would change (`billing: would tag 412, assign 37`). Nothing is written.",
    )
    rules_test.add_argument("--rule", metavar="NAME", help="only this rule")

    matching = commands.add_parser(
        "matching",
        parents=[common],
        help="the author matcher's model: show its weights, or refit them from decisions",
        description="Authors are linked to customers with a calibrated probability. `show` "
        "(the default) says which weights are in use; `refit` re-estimates them from the "
        "agents' confirmations and rejections and stores them in the database, where every "
        "matching process picks them up; `reset` goes back to the shipped weights.",
    )
    matching_commands = matching.add_subparsers(dest="matching_command", metavar="COMMAND")
    matching_commands.add_parser("show", parents=[common], help="the weights in use")
    matching_commands.add_parser(
        "refit", parents=[common], help="re-estimate the weights from the agents' decisions"
    )
    matching_commands.add_parser("reset", parents=[common], help="back to the shipped weights")

    export = commands.add_parser(
        "export",
        parents=[common],
        help="write stored records out",
        description="Write stored mentions (with sentiment and status), customers (in the "
        "import format: it imports back to the same records), the interaction history, "
        "escalations or the outbox. CSV cells are exact unless --for-spreadsheet.",
    )
    export.add_argument("what", choices=EXPORTS, help="what to export")
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.add_argument(
        "--for-spreadsheet",
        action="store_true",
        help="CSV to open in a spreadsheet: a cell that would run as a formula (= + - @) "
        "gets a leading ' (then it no longer imports back exactly)",
    )
    export.add_argument(
        "--filter",
        metavar="FILTER",
        help="mentions only: those the filter matches, in the inbox's filter language "
        "(e.g. 'sync OR outage -is:done'); snoozed ones too",
    )
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write here instead of standard output (a new or ordinary file, replaced "
        "only once the export is complete)",
    )
    return parser


def _fail(message: str) -> int:
    print(f"scrm: {message}", file=sys.stderr)
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # `scrm sources | head`: the reader has what it wanted. Python would still
        # complain while flushing stdout at exit; point it at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export" and args.for_spreadsheet and args.format != "csv":
        parser.error("--for-spreadsheet is for CSV: add --format csv")
    if args.command == "export" and args.filter is not None and args.what != "mentions":
        parser.error("--filter is for mentions: scrm export mentions --filter '...'")
    # Before the configuration is loaded: these two write it or explain what is wrong with it.
    if args.command == "init":
        return _init(getattr(args, "config", None), args.force)
    if args.command == "doctor":
        return asyncio.run(_doctor(getattr(args, "config", None), getattr(args, "db", None)))
    from scrm_tui.service.settings import agent_name, database_path, load_config

    try:
        config = load_config(getattr(args, "config", None))
    except ConfigError as error:
        return _fail(str(error))
    if args.command not in (None, "demo"):  # the inbox shows these itself
        from scrm_tui.service.settings import config_warnings

        for warning in config_warnings(config):
            print(f"scrm: warning: {warning}", file=sys.stderr)
    if args.command == "keys":
        return _keys(config)
    if args.command in (None, "demo"):
        # A key that cannot be what the config says is an error before the inbox opens.
        from scrm_tui.ui.keymap import check

        keys = check(config.keys)
        for problem in keys.errors:
            _fail(problem)
        if keys.errors:
            return EXIT_FAILED
    agent = getattr(args, "agent", None) or agent_name(config)
    db_arg: Path | None = getattr(args, "db", None)
    try:
        if args.command == "ingest":
            return asyncio.run(
                _ingest(database_path(config, db_arg), agent, config, args.file, args.quiet)
            )
        if args.command == "export":
            return asyncio.run(_export(database_path(config, db_arg), agent, config, args))
        if args.command == "customers" and args.customers_command == "import":
            return asyncio.run(
                _import_customers(
                    database_path(config, db_arg), agent, config, args.file, args.format, args.quiet
                )
            )
        if args.command == "customers" and args.customers_command in ("merge", "unmerge"):
            named = (
                (args.keep, args.duplicate)
                if args.customers_command == "merge"
                else (args.duplicate,)
            )
            return asyncio.run(_merge(database_path(config, db_arg), agent, *named))
        if args.command == "customers":
            return asyncio.run(
                _show_customer(
                    database_path(config, db_arg), agent, args.key, args.network, args.json
                )
            )
        if args.command == "outbox":
            return asyncio.run(_outbox(database_path(config, db_arg), agent, config, args))
        if args.command == "watch":
            return asyncio.run(_watch(database_path(config, db_arg), agent, config, args.once))
        if args.command == "catch-up":
            return asyncio.run(_catch_up(database_path(config, db_arg), agent, config, args.quiet))
        if args.command == "sources":
            return asyncio.run(_sources(database_path(config, db_arg), agent, config))
        if args.command == "tags":
            return asyncio.run(_tags(database_path(config, db_arg), agent, args))
        if args.command == "rules":
            return asyncio.run(_rules(database_path(config, db_arg), agent, config, args))
        if args.command == "report":
            return asyncio.run(_report(database_path(config, db_arg), agent, config, args))
        if args.command == "accuracy":
            return asyncio.run(_accuracy(database_path(config, db_arg), agent, args))
        if args.command == "matching":
            return asyncio.run(_matching(database_path(config, db_arg), agent, args))
        if args.command == "conversions":
            return asyncio.run(_conversions(database_path(config, db_arg), agent, args.file))
        if args.command == "escalations":
            return asyncio.run(_escalations(database_path(config, db_arg), agent, config, args.all))
        if args.command == "demo":
            return _demo(config, agent, db_arg, stream=not args.no_stream)
        return _run_app(
            config,
            agent,
            database_path(config, db_arg),
            demo=False,
            stream=False,
            config_path=getattr(args, "config", None),
        )
    except StoreBusy as error:
        return _fail(f"{error}; try again")  # a script may simply run it again
    except StoreError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130


class _StoppedBySignals:
    """Ctrl+C or a plain kill (TERM) cancels the running task, so that a command stops
    between two of its writes and says so; `by` lists the signals that came."""

    SIGNALS = ("SIGINT", "SIGTERM")

    def __init__(self) -> None:
        import signal

        self.by: list[int] = []
        self._task = asyncio.current_task()
        self._loop = asyncio.get_running_loop()
        self._signals = [getattr(signal, name) for name in self.SIGNALS]
        for signum in self._signals:
            self._loop.add_signal_handler(signum, self._stop, signum)

    def _stop(self, signum: int) -> None:
        self.by.append(signum)
        if self._task is not None:
            self._task.cancel()

    def close(self) -> None:
        for signum in self._signals:
            self._loop.remove_signal_handler(signum)


async def _ingest(db: Path, agent: str, config: Config, source: str, quiet: bool) -> int:

    from scrm_tui.core.records import TEXT_LIMIT
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.service.ingest import IngestReport, LineError, ingest_stream
    from scrm_tui.service.settings import credentials

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
    # Ctrl+C or a plain kill: the batch being written commits (or not) as a whole, the
    # worker processes end, and the summary says what was stored. (kill -9 cannot be
    # caught: the workers end with this process all the same.)
    report = IngestReport()
    stopping = _StoppedBySignals()
    try:
        async with await Inbox.open(db, agent) as inbox:
            # A rule that escalates queues its team's webhook calls: they need the URLs.
            escalating = any(rule.escalate for rule in config.rules)
            inbox.configure(config, credentials(config) if escalating else None)
            await ingest_stream(
                inbox, stream, on_error=on_error, on_progress=on_progress, report=report
            )
            if not quiet and sys.stderr.isatty():
                print(file=sys.stderr)
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


async def _outbox(db: Path, agent: str, config: Config, args: argparse.Namespace) -> int:
    from scrm_tui.core.timefmt import absolute
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.service.settings import credentials

    async with await Inbox.open(db, agent) as inbox:
        inbox.configure(config, credentials(config))
        if args.action in ("retry", "discard"):
            if not args.ids:
                return _fail(f"outbox {args.action}: give the item numbers (see `scrm outbox`)")
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


async def _escalations(db: Path, agent: str, config: Config, show_all: bool) -> int:
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


async def _watch(db: Path, agent: str, config: Config, once: bool) -> int:
    from scrm_tui.service.watch import Refused, watch

    def problem(name: str, why: str) -> None:
        print(f"scrm: {_source_problem(name, why)}", file=sys.stderr)

    try:
        await watch(db, agent, config, once=once, problem=problem)
    except Refused as refused:
        return _fail(str(refused))
    return EXIT_OK


async def _sources(db: Path, agent: str, config: Config) -> int:
    from scrm_tui.core.timefmt import absolute, ago
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.service.listen import build_sources, open_client
    from scrm_tui.service.settings import credentials

    # What the config asks for but cannot run has no state row: say it here too.
    async with open_client() as client:
        _, problems = build_sources(config, credentials(config), client)

    async with await Inbox.open(db, agent) as inbox:
        holder = await inbox.collector()
        now = inbox.now_ms()
        if holder and holder[1] > now:
            print(f"collector: {sanitize.for_message(holder[0], 80)}")
        else:
            print("collector: none running (start `scrm watch`)")
        states = await inbox.source_states()
        for state in states:
            fetched = ago(now, state.last_ok_ms) if state.last_ok_ms else "never"
            line = (
                f"{sanitize.for_message(state.source, 80):32} {state.state:9} "
                f"last fetched {fetched:9} "
                f"{state.stored:>7,} stored"
            )
            if state.state != "ok" and state.backoff_until_ms:
                line += f"  until {absolute(state.backoff_until_ms)}"
            if state.backfill is not None:
                line += f"  backfilling, at {sanitize.for_message(state.backfill, 40)}"
            if state.fetching_ms is not None and holder and holder[1] > now:
                line += f"  fetching for {max(0, now - state.fetching_ms) // 1000} s"
            if state.last_error and state.state != "ok":
                line += f"\n{'':33}{sanitize.for_message(state.last_error, 300)}"
            print(line)
        for name, why in problems.items():
            print(_source_problem(name, why, width=32))
        if not states and not problems:
            print("no source has run yet", file=sys.stderr)
    return EXIT_OK


async def _report(db: Path, agent: str, config: Config, args: argparse.Namespace) -> int:
    from scrm_tui.core.ranges import RangeError, parse_range
    from scrm_tui.service import report
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.service.report_format import render

    if not db.exists():
        return _fail(f"no database at {db}")
    async with await Inbox.open(db, agent) as inbox:
        try:
            period = parse_range(args.range, inbox.now_ms())
        except RangeError as error:
            return _fail(f"--range: {error}")
        settings = report.Settings.of(config, inbox.brand_words)
        built = await report.build(inbox.db, period, settings, inbox.now_ms())
    print(render(built, args.format))
    return EXIT_OK


async def _accuracy(db: Path, agent: str, args: argparse.Namespace) -> int:
    import json

    from scrm_tui.service.accuracy import accuracy, as_text
    from scrm_tui.service.inbox import Inbox

    if args.weeks < 1:
        return _fail(f"--weeks {args.weeks}: at least 1")
    if not db.exists():
        return _fail(f"no database at {db}")
    async with await Inbox.open(db, agent) as inbox:
        report = await accuracy(inbox.db, inbox.now_ms(), args.weeks)
    if args.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(as_text(report))
    return EXIT_OK


async def _conversions(db: Path, agent: str, file: Path) -> int:
    """`scrm conversions import FILE`: all rows or none, each bad line named."""
    from scrm_tui.service.conversions import ConversionsError, import_file
    from scrm_tui.service.inbox import Inbox

    if not db.exists():
        return _fail(f"no database at {db}")
    async with await Inbox.open(db, agent) as inbox:
        try:
            done = await import_file(inbox.db, file, inbox.now_ms())
        except ConversionsError as error:
            return _fail(f"{file}: nothing imported\n{error}")
        except OSError as error:
            return _fail(f"{file}: cannot be read ({error.strerror or error})")
    skipped = done.rows - done.stored
    again = f" ({skipped:,} imported before, skipped)" if skipped else ""
    print(
        f"imported {done.stored:,} conversion{'s' if done.stored != 1 else ''}{again}",
        file=sys.stderr,
    )
    return EXIT_OK


async def _tags(db: Path, agent: str, args: argparse.Namespace) -> int:
    from scrm_tui.service import tagging
    from scrm_tui.service.inbox import Inbox

    if not db.exists():
        return _fail(f"no database at {db}")
    async with await Inbox.open(db, agent) as inbox:
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
            return _fail(str(error))
    mentions, customers = counts
    print(
        f"{done}: {mentions:,} mention{'s' if mentions != 1 else ''}, "
        f"{customers:,} customer{'s' if customers != 1 else ''}",
        file=sys.stderr,
    )
    return EXIT_OK


async def _matching(db: Path, agent: str, args: argparse.Namespace) -> int:
    """`scrm matching [show|refit|reset]`: the match model's weights."""
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.store import match_weights

    if not db.exists():
        return _fail(f"no database at {db}")
    async with await Inbox.open(db, agent) as inbox:
        if args.matching_command == "refit":
            done = await inbox.linker.refit()
            said = (
                f"{done.candidates:,} candidates of {done.authors:,} decided authors "
                f"({done.right:,} confirmed right, {done.candidates - done.right:,} wrong); "
                f"{done.unseen:,} decided authors the matcher no longer shows"
            )
            if done.weights is None:
                print(
                    f"scrm: too few decisions to refit ({said}); the shipped weights stay",
                    file=sys.stderr,
                )
                return EXIT_OK
            print(f"refitted the match weights on {said}, in {done.seconds:.1f} s")
            return EXIT_OK
        if args.matching_command == "reset":
            gone = await match_weights.forget(inbox.db)
            print("back to the shipped weights" if gone else "the shipped weights are in use")
            return EXIT_OK
        stored = await match_weights.stored(inbox.db)
        if stored is None:
            print("the shipped weights are in use (`scrm matching refit` learns from decisions)")
        else:
            print(
                f"weights refitted by {sanitize.for_message(stored.fitted_by)} on "
                f"{stored.candidates:,} candidates of {stored.authors:,} decided authors"
            )
        print((await inbox.linker.matcher()).weights.to_json())
    return EXIT_OK


async def _rules(db: Path, agent: str, config: Config, args: argparse.Namespace) -> int:
    rules = config.rules
    if args.rules_command == "test" and args.rule is not None:
        rules = tuple(rule for rule in rules if rule.name == args.rule)
        if not rules:
            known = ", ".join(rule.name for rule in config.rules) or "none"
            return _fail(f"no rule named {sanitize.for_message(args.rule)!r} (rules: {known})")
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

    if not db.exists():
        return _fail(f"no database at {db}")
    async with await Inbox.open(db, agent) as inbox:
        total, found = await applying.dry_run(inbox, rules)
    for rule, would in zip(rules, found, strict=True):
        print(applying.would_say(rule, would, total))
    return EXIT_OK


def _tag(name: str) -> str:
    """A tag as typed or stored, safe for the terminal."""
    return sanitize.for_message(name.lower(), 40)


def _source_problem(name: str, why: str, width: int = 0) -> str:
    """`[sources.NAME] cannot run: WHY`, both parts from the config, made inert."""
    where = f"[sources.{sanitize.for_message(name, 60)}]"
    return f"{where:{width}} cannot run: {sanitize.for_message(why, 300)}"


def _init(config_arg: Path | None, force: bool) -> int:
    from scrm_tui.core.locations import default_config
    from scrm_tui.service.doctor import write_example

    path = config_arg or default_config()
    try:
        write_example(path, force=force)
    except FileExistsError:
        print(
            f"scrm: {path} already exists; left as it is (`scrm init --force` replaces it)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except OSError as error:
        return _fail(f"cannot write {path}: {error.strerror}")
    again = f" --config {path}" if config_arg else ""
    print(f"wrote {path} (readable only by you)")
    print("next:")
    print("  1. edit it: set [watch] terms, uncomment the [sources.*] to listen to")
    print(f"  2. `scrm doctor{again}` checks it, your credentials and each source")
    print(f"  3. `scrm watch{again}` starts listening; `scrm{again}` opens the inbox")
    return EXIT_OK


def _keys(config: Config) -> int:
    from scrm_tui.ui.keymap import check, listing

    keys = check(config.keys)
    rows = listing(keys.keymap)
    width = max(len(binding) for binding, _, _ in rows) + 2
    for binding, shown, does in rows:
        mark = "*" if binding in keys.keymap else " "
        print(f"{binding:<{width}}{mark} {shown:<24} {does}")
    if keys.keymap:
        print("\n* set in [keys]")
    for warning in keys.warnings:
        print(f"scrm: warning: {warning}", file=sys.stderr)
    for error in keys.errors:
        _fail(error)
    return EXIT_FAILED if keys.errors else EXIT_OK


def _check_keys(config: Config) -> tuple[list[str], list[str]]:
    """[keys] errors and warnings for `scrm doctor` (the bindings are the UI's to know)."""
    from scrm_tui.ui.keymap import check

    keys = check(config.keys)
    return keys.errors, keys.warnings


async def _doctor(config_arg: Path | None, db_arg: Path | None) -> int:
    from scrm_tui.core.locations import state_dir
    from scrm_tui.service.doctor import diagnose

    result = await diagnose(
        config_arg,
        db_path=db_arg,
        state_dir=state_dir(),
        on_check=lambda check: print(check.line, flush=True),
        check_keys=_check_keys,
    )
    if not result.unusable:
        print(result.summary)
    return result.exit_code


def _name(source: str) -> str:
    return "stdin" if source == "-" else sanitize.for_message(source, 200)


async def _export(db: Path, agent: str, config: Config, args: argparse.Namespace) -> int:
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
    if not db.exists():
        return _fail(f"no database at {db} (run `scrm ingest` or `scrm demo --db {db}` first)")
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
        return _fail(str(error))
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


def _bar(label: str, done: int, total: int, unit: str = "") -> None:
    """One line on the terminal: `importing [#########.........]  61% 61,000/100,000`."""
    width = 30
    filled = width * done // max(total, 1)
    percent = 100 * done // max(total, 1)
    bar = "#" * filled + "." * (width - filled)
    print(
        f"\r{label} [{bar}] {percent:3d}% {done:,}/{total:,}{unit}",
        end="",
        file=sys.stderr,
        flush=True,
    )


def _progress(done: int, total: int) -> None:
    _bar("importing", done, total)


class _Bars:
    """The catch-up's bars on a terminal, each on its own line under the one before:
    `indexing [###.....]  10% 1,000/10,000 customers`, then `re-matching ... authors`."""

    UNITS = {
        "detecting": " mentions",
        "indexing": " customers",
        "pairing": " customers",
        "re-matching": " authors",
        "counting terms": " days",
    }

    def __init__(self, shown: str | None = None, *, drawn: bool = True) -> None:
        self.shown = shown  # the bar on the current line, if any
        self.drawn = drawn  # False: only remember how far each got (not a terminal)
        self.done: dict[str, int] = {}

    def bar(self, label: str) -> Callable[[int, int], None]:
        def show(done: int, total: int) -> None:
            self.done[label] = done
            if not self.drawn:
                return
            if self.shown is not None and self.shown != label:
                print(file=sys.stderr)
            self.shown = label
            _bar(label, done, total, self.UNITS[label])

        return show


async def _count_terms(inbox: Any, bar: Callable[[int, int], None]) -> int:
    """The rising terms' past days, counted so the first `D` finds them (a bar, day by
    day; at a million mentions ~40 s of CPU once, then only the days since): how many
    days (of each watch set and mood counted apart) were counted."""
    from scrm_tui.service.measures import Settings
    from scrm_tui.service.report import count_terms_ahead

    counted = 0

    def progress(done: int, of: int) -> None:
        nonlocal counted
        counted += 1
        bar(done, of)

    settings = Settings.of(inbox.config, inbox.watch_words, inbox.brand_accounts)
    await count_terms_ahead(inbox.db, settings, inbox.now_ms(), progress)
    return counted


async def _catch_up(db: Path, agent: str, config: Config, quiet: bool) -> int:
    """`scrm catch-up`: the matching backlog worked off at low priority (service/backlog),
    then the rising terms' past days counted.
    Ctrl+C or a plain kill stops it between pages; the next run goes on from there."""
    from scrm_tui.service import backlog
    from scrm_tui.service.inbox import Inbox

    backlog.be_background()
    bar = not quiet and sys.stderr.isatty()
    stopping = _StoppedBySignals()
    try:
        async with await Inbox.open(db, agent) as inbox:
            inbox.configure(config, None)  # the matching thresholds
            bars = _Bars(drawn=bar)
            result = await backlog.work_off(
                inbox,
                bars.bar("re-matching"),
                bars.bar("indexing"),
                bars.bar("pairing"),
                bars.bar("detecting"),
            )
            counted = await _count_terms(inbox, bars.bar("counting terms"))
            from scrm_tui.service.advocacy import keep_up

            await keep_up(inbox.db, inbox.now_ms())  # advocacy's standing, moved on with time
            if bar and bars.shown is not None:
                print(file=sys.stderr)
    except asyncio.CancelledError:
        if not stopping.by:
            raise
        print("scrm: stopped; the next catch-up goes on from here", file=sys.stderr)
        return 130
    except StoreError:
        raise  # said in words by main()
    except Exception as error:
        # A bug. Started by an inbox, this process has no terminal to print it on: the
        # traceback goes where the inbox's own go (the inbox says the job stopped).
        from scrm_tui.service.bugs import record_bug

        record_bug(error, "scrm catch-up")
        raise
    finally:
        stopping.close()
    if result is None:
        print("scrm: another process is catching up (scrm watch shows how far)", file=sys.stderr)
    elif not quiet:
        if detected := bars.done.get("detecting"):
            print(f"languages detected: {detected:,} mentions")
        if counted:
            print(f"days of rising terms counted: {counted:,}")
        if indexed := bars.done.get("indexing"):
            print(f"customers indexed for matching: {indexed:,}")
        if paired := bars.done.get("pairing"):
            print(f"customers paired (their words, two by two): {paired:,}")
        print(f"authors matched: {result[0]:,} linked, {result[1]:,} with suggestions")
    return EXIT_OK


async def _finish_rematch(inbox: Any, bar: bool) -> tuple[int, int] | None:
    """Index a backlog of customers and finish a re-match of authors that an import
    owes (one was interrupted, or an upgrade marked every customer)."""
    if not await inbox.linker.rematch_owed():
        return 0, 0
    print("scrm: indexing customers and re-matching authors left owed", file=sys.stderr)
    bars = _Bars()
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
        (lambda done, total: _bar("scoring", done, total, " mentions")) if bar else None
    )
    if bar:
        print(file=sys.stderr)


async def _import_customers(
    db: Path, agent: str, config: Config, path: Path, fmt: str | None, quiet: bool
) -> int:
    from scrm_tui.service.customers import FileProblem, RowProblem, import_customers
    from scrm_tui.service.inbox import Inbox

    shown = sanitize.for_message(path.name, 200)
    bar = sys.stderr.isatty() and not quiet

    def on_problem(problem: RowProblem, error: bool) -> None:
        if bar:
            print("\r\x1b[K", end="", file=sys.stderr)  # clear the progress line first
        print(f"{shown}: {'' if error else 'warning: '}{problem}", file=sys.stderr)

    bars = _Bars("importing")  # under the import's finished bar

    async with await Inbox.open(db, agent) as inbox:
        try:
            report = await import_customers(
                inbox,
                path,
                fmt,
                on_problem=on_problem,
                on_progress=_progress if bar else None,
                on_rematch=bars.bar("re-matching") if bar else None,
                on_indexing=bars.bar("indexing") if bar else None,
            )
        except FileProblem as problem:
            return _fail(str(problem))
    if bar:
        print(file=sys.stderr)
    if not quiet:
        print(
            f"{report.rows:,} rows: {report.created:,} created, {report.updated:,} updated, "
            f"{report.unchanged:,} unchanged, {len(report.errors):,} bad rows, "
            f"{len(report.warnings):,} warnings",
            file=sys.stderr,
        )
        if report.linked or report.suggested:
            print(
                f"authors: {report.linked:,} linked to a customer, "
                f"{report.suggested:,} with suggestions (press l on a mention to review)",
                file=sys.stderr,
            )
        if report.rematch_elsewhere:
            print(
                "authors: another scrm process is re-matching them to customers",
                file=sys.stderr,
            )
    return EXIT_OK if report.ok else EXIT_FAILED


async def _one_customer(inbox: Any, key: str, network: Any = None) -> int | str:
    """The one customer `key` names, or what to say when it names none or several."""
    from scrm_tui.service import customers

    shown = sanitize.for_message(key)
    found = await customers.find_customer(inbox, key, network)
    if len(found) == 1:
        return found[0]

    def listed(pairs: list[tuple[int, str]]) -> str:
        return ", ".join(f"#{n} {sanitize.for_message(name, 40)}" for n, name in pairs)

    if found:
        hint = "" if network else "; add --network to pick a handle's network"
        names = await customers.customer_names(inbox, found)
        return f"{len(found)} customers match {shown!r}: {listed(names)}{hint}"
    message = f"no customer {shown!r} (try #id, the external id, the email or a handle)"
    closest = await customers.closest_customers(inbox, key) if key.strip() else []
    return f"{message}; closest: {listed(closest)}" if closest else message


async def _show_customer(db: Path, agent: str, key: str, network: Any, as_json: bool) -> int:
    from scrm_tui.service import customers
    from scrm_tui.service.inbox import Inbox

    if not db.exists():
        return _fail(f"no database at {db}")
    async with await Inbox.open(db, agent) as inbox:
        found = await _one_customer(inbox, key, network)
        if isinstance(found, str):
            return _fail(found)
        profile = await customers.describe_customer(inbox, found)
    if as_json:
        text = customers.as_json(profile)
        print(sanitize.block(text) if sys.stdout.isatty() else text)
    else:
        print(_customer_text(profile))
    return EXIT_OK


async def _merge(db: Path, agent: str, *keys: str) -> int:
    """`customers merge KEEP DUPLICATE` (two keys) or `customers unmerge DUPLICATE` (one)."""
    from scrm_tui.service.inbox import Inbox, MergeError

    if not db.exists():
        return _fail(f"no database at {db}")
    async with await Inbox.open(db, agent) as inbox:
        ids: list[int] = []
        for key in keys:
            found = await _one_customer(inbox, key)  # exact only: never merge a guess
            if isinstance(found, str):
                return _fail(found)
            ids.append(found)
        try:
            if len(ids) == 2:
                merge_id = await inbox.merge_customers(ids[0], ids[1])
                print(
                    f"merged #{ids[1]} into #{ids[0]} (merge {merge_id}; "
                    f"undo: scrm customers unmerge '#{ids[1]}')",
                    file=sys.stderr,
                )
                return EXIT_OK
            records = [
                r
                for r in await inbox.merges.records(customer_id=ids[0])
                if r.merged_id == ids[0] and r.undone_ms is None
            ]
            if not records:
                return _fail(f"customer #{ids[0]} is not merged into anyone")
            record = await inbox.unmerge(records[0].id)
        except MergeError as error:
            return _fail(str(error))
    print(f"unmerged #{record.merged_id} from #{record.survivor_id}", file=sys.stderr)
    return EXIT_OK


def _customer_text(profile: dict[str, Any]) -> str:
    """A customer for people; every value made safe for the terminal."""

    def safe(value: object) -> str:
        return " ".join(sanitize.inline("" if value is None else str(value)).split())

    external = f", {safe(profile['external_id'])}" if profile["external_id"] else ""
    lines = [f"{safe(profile['name'])}  (#{profile['id']}{external})"]
    for label, key in (
        ("company", "company"),
        ("email", "email"),
        ("phone", "phone"),
        ("tier", "tier"),
        ("lifetime value", "lifetime_value"),
        ("first seen", "first_seen"),
        ("last seen", "last_seen"),
        ("sentiment", "sentiment"),
        ("notes", "notes"),
    ):
        if profile.get(key) not in (None, ""):
            lines.append(f"  {label:15} {safe(profile[key])}")
        if key == "sentiment" and profile.get("unscored"):
            # Mentions in a language no scorer reads: in no mean, counted apart.
            lines.append(f"  {'unscored':15} {profile['unscored']:,} mentions")
    for channel, handles in profile["identities"].items():
        lines.append(f"  {channel:15} {', '.join(safe(h) for h in handles)}")
    if profile.get("tags"):
        lines.append(f"  {'tags':15} {', '.join(safe(t) for t in profile['tags'])}")
    for key, value in profile["fields"].items():
        lines.append(f"  {safe(key):15} {safe(value)}")
    counts = [f"{n:,} on {channel}" for channel, n in profile["mentions"].items()]
    counts += [f"{n:,} {kind}" for kind, n in profile["interactions"].items()]
    if counts:
        lines.append(f"  {'activity':15} {', '.join(counts)}")
    if profile["recent"]:
        lines.append("  recent:")
        for item in profile["recent"]:
            where = f" {safe(item['channel'])}" if item["channel"] else ""
            when = item["at"][:16].replace("T", " ")
            lines.append(f"    {when} {item['kind']}{where}: {safe(item['text'])[:70]}")
    return "\n".join(lines)


def _demo(config: Config, agent: str, db_arg: Path | None, *, stream: bool) -> int:
    if db_arg is not None:
        return _run_app(config, agent, db_arg, demo=True, stream=stream)
    folder = Path(tempfile.mkdtemp(prefix="scrm-demo-"))
    try:
        return _run_app(config, agent, folder / "demo.db", demo=True, stream=stream)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _upgrade_first(db: Path) -> None:
    """A database made by an older scrm is upgraded before the screen is taken, saying
    so: at a million mentions the upgrade can take a minute, which a blank terminal
    would not explain. A newer or unusable file is left to the app to report."""
    import sqlite3

    if not db.is_file():
        return
    from scrm_tui.store.schema import LATEST_VERSION

    try:
        with contextlib.closing(
            sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        ) as conn:
            [(version,)] = list(conn.execute("PRAGMA user_version"))
    except sqlite3.Error:
        return
    if not 0 < version < LATEST_VERSION:
        return
    from scrm_tui.store.db import Database

    print(
        f"scrm: upgrading {db} from schema {version} to {LATEST_VERSION} (once; on a large "
        "database this can take a minute)…",
        file=sys.stderr,
        flush=True,
    )
    started = time.monotonic()

    async def upgrade() -> None:
        await (await Database.open(db)).close()

    try:
        asyncio.run(upgrade())
    except StoreError:
        return  # the app says what is wrong, in its own words
    print(f"scrm: upgraded in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)


def _run_app(
    config: Config,
    agent: str,
    db: Path,
    *,
    demo: bool,
    stream: bool,
    config_path: Path | None = None,
) -> int:
    # Textual and the app are some 40,000 objects that live as long as the process. The
    # collector would walk them again and again while they load and while the first
    # frame is built (a full pass alone is ~17 ms); frozen, it leaves them be.
    gc.disable()
    try:
        from scrm_tui.ui.app import ScrmApp
    finally:
        gc.freeze()
        gc.enable()

    _upgrade_first(db)
    app = ScrmApp(
        db_path=db, agent=agent, config=config, demo=demo, stream=stream, config_path=config_path
    )
    app.run()
    if app.startup_error:
        return _fail(app.startup_error)
    return app.return_code or EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
