"""The command line's grammar: every command, its flags and help, and what runs it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrm_tui import __version__
from scrm_tui.core import sanitize

EXPORTS = ("mentions", "customers", "interactions", "escalations", "outbox", "authors")


@dataclass(frozen=True)
class Command:
    """What runs a command: `function` of the module scrm_tui.cli.`module`, imported
    only when the command runs, so that `scrm --help` and the inbox's start load no
    other command's code. It is called with the parsed arguments and, unless `early`,
    the Context (the configuration read, the agent, the database)."""

    module: str
    function: str = "run"
    early: bool = False  # runs before the configuration is read: it writes or checks it
    inbox: bool = False  # opens the inbox: [keys] is checked first, and it shows warnings
    check: Callable[[argparse.Namespace], str | None] | None = None  # flags that clash

    def load(self) -> Callable[..., int]:
        from importlib import import_module

        run: Callable[..., int] = getattr(
            import_module(f"scrm_tui.cli.{self.module}"), self.function
        )
        return run


def _common() -> argparse.ArgumentParser:
    # Global options are accepted before or after the command (`scrm --db x demo`
    # and `scrm demo --db x`); SUPPRESS keeps a later default from hiding an earlier value.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        type=_database,
        metavar="PATH|URL",
        default=argparse.SUPPRESS,
        help="database file, or a PostgreSQL server's postgresql://user@host/db (default: "
        "[store] url, else scrm.db in the XDG data directory)",
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


def _database(value: str) -> Path | str:
    """--db: a postgresql:// URL as written (a Path would fold its //), else a file."""
    if value.startswith(("postgresql:", "postgres:")):
        return value
    return Path(value)


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
    parser.set_defaults(run=Command("app", inbox=True))  # no command: the inbox
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="open the inbox on demo data that keeps streaming",
        description="Open the inbox on a fresh demo database (a temporary file unless --db "
        "is given), seeded with customers and mentions of a fictional product, with new "
        "mentions arriving every few seconds. No network, no credentials.",
    )
    demo.set_defaults(run=Command("app", "run_demo", inbox=True))
    demo.add_argument("--no-stream", action="store_true", help="seed only; do not stream")

    ingest = commands.add_parser(
        "ingest",
        parents=[common],
        help="add mentions from a JSON Lines file",
        description="Add mentions from JSON Lines (one object per line; see README). Bad "
        "lines are reported with their number and skipped; the rest are stored. Exits 1 "
        "if any line failed. Running it twice stores nothing twice.",
    )
    ingest.set_defaults(run=Command("ingest"))
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
    importing.set_defaults(run=Command("customers", "run_import"))
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
    show.set_defaults(run=Command("customers", "run_show"))
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
    merge.set_defaults(run=Command("customers", "run_merge"))
    merge.add_argument("keep", metavar="KEEP")
    merge.add_argument("duplicate", metavar="DUPLICATE")
    unmerge = customer_commands.add_parser(
        "unmerge",
        parents=[common],
        help="undo a merge",
        description="Undo the latest merge of DUPLICATE (the customer that was merged away): "
        "what moved goes back, nothing is lost.",
    )
    unmerge.set_defaults(run=Command("customers", "run_unmerge"))
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
    outbox.set_defaults(run=Command("outbox"))
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
    watch.set_defaults(run=Command("watch"))
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
    catch_up.set_defaults(run=Command("catch_up"))
    catch_up.add_argument("--quiet", action="store_true", help="no progress bars or summary")
    sources = commands.add_parser(
        "sources",
        parents=[common],
        help="how each source is doing (as the sources screen, S)",
        description="Each source's state, last fetch, backoff and last error, and who collects.",
    )
    sources.set_defaults(run=Command("sources"))
    init = commands.add_parser(
        "init",
        parents=[common],
        help="write a commented example configuration to start from",
        description="Write a commented example config.toml (to --config, or the XDG config "
        "directory), readable only by you. An existing file is left alone unless --force.",
    )
    init.set_defaults(run=Command("setup", "run_init", early=True))
    init.add_argument("--force", action="store_true", help="replace an existing file")
    doctor = commands.add_parser(
        "doctor",
        parents=[common],
        help="check the configuration, credentials and that each source answers",
        description="Read the configuration and say what is wrong, with file and line; check "
        "the database, that each account's credentials are there and accepted, and that each "
        "source's host answers (one cheap request each; webhooks are only connected to). "
        "Exits 1 if any check failed, 2 if the configuration cannot be read.",
    )
    doctor.set_defaults(run=Command("setup", "run_doctor", early=True))

    keys = commands.add_parser(
        "keys",
        parents=[common],
        help="list every key binding's id and keys, with your [keys]",
        description="Every binding id, the keys it answers to (your [keys] in the config "
        "applied, marked *) and what it does: the ids to use in [keys]. Exits 1 if [keys] "
        "has an error (an unknown id or key name).",
    )
    keys.set_defaults(run=Command("setup", "run_keys"))

    accuracy = commands.add_parser(
        "accuracy",
        parents=[common],
        help="how often the sentiment scorer and the matcher agree with the agents",
        description="Per week (UTC) and language: the sentiment scorer against the "
        "sentiments agents set by hand (s), and the precision of automatic and suggested "
        "links from the agents' confirmations and rejections.",
    )
    accuracy.set_defaults(run=Command("report", "run_accuracy"))
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
    report.set_defaults(run=Command("report"))
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
    conversions_import.set_defaults(run=Command("conversions"))
    conversions_import.add_argument("file", type=Path, metavar="FILE")

    escalations = commands.add_parser(
        "escalations",
        parents=[common],
        help="list escalations and how long each has waited",
        description="Open and acknowledged escalations, oldest first, with their SLA "
        "(--all: resolved ones too).",
    )
    escalations.set_defaults(run=Command("escalations"))
    escalations.add_argument("--all", action="store_true", help="include resolved ones")

    tags = commands.add_parser(
        "tags",
        parents=[common],
        help="list tags with counts; rename or merge them everywhere",
        description="Without a command, lists every tag with how many mentions and "
        "customers have it. `rename` and `merge` change it on every mention and customer "
        "at once, recorded in the history.",
    )
    tags.set_defaults(run=Command("tags"))
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
    rules.set_defaults(run=Command("rules"))
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
    matching.set_defaults(run=Command("matching"))
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
    export.set_defaults(run=Command("export", check=_export_usage))
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
    _db_commands(commands)
    return parser


def _db_commands(commands: Any) -> None:
    db = commands.add_parser(
        "db",
        help="move the database between SQLite and PostgreSQL",
        description="Work on a whole database: `scrm db copy SRC DST` copies it.",
    )
    db_commands = db.add_subparsers(dest="db_command", metavar="COMMAND")
    db_commands.required = True
    copy = db_commands.add_parser(
        "copy",
        help="copy every table from one database to another (SQLite or PostgreSQL)",
        description="Copy everything from SRC to DST, each a SQLite file or a "
        "postgresql://user@host/db URL, in either direction. DST must be empty (or a copy "
        "of SRC that was interrupted: it goes on from where it stopped). Counts and a "
        "checksum of each table are compared at the end. Stop scrm on SRC first.",
    )
    copy.set_defaults(run=Command("db", "run_copy"))
    copy.add_argument("source", type=_database, metavar="SRC", help="the database to copy")
    copy.add_argument("destination", type=_database, metavar="DST", help="where to copy it")
    copy.add_argument("-q", "--quiet", action="store_true", help="no progress, errors only")


def _export_usage(args: argparse.Namespace) -> str | None:
    """What `scrm export`'s flags cannot mean together, said before anything is read."""
    if args.for_spreadsheet and args.format != "csv":
        return "--for-spreadsheet is for CSV: add --format csv"
    if args.filter is not None and args.what != "mentions":
        return "--filter is for mentions: scrm export mentions --filter '...'"
    return None
