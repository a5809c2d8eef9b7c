"""`scrm customers import|show|merge|unmerge`: customer records from a file, and one customer."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from scrm_tui.cli.bars import Bars, draw_bar
from scrm_tui.cli.common import EXIT_FAILED, EXIT_OK, Context, existing_db, fail
from scrm_tui.core import sanitize
from scrm_tui.core.config import Config


def run_import(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(
        _import_customers(
            context.db, context.agent, context.config, args.file, args.format, args.quiet
        )
    )


def run_show(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_show_customer(context.db, context.agent, args.key, args.network, args.json))


def run_merge(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_merge(context.db, context.agent, args.keep, args.duplicate))


def run_unmerge(args: argparse.Namespace, context: Context) -> int:
    return asyncio.run(_merge(context.db, context.agent, args.duplicate))


async def _import_customers(
    db: Path | str, agent: str, config: Config, path: Path, fmt: str | None, quiet: bool
) -> int:
    from scrm_tui.service.customers import FileProblem, RowProblem, import_customers
    from scrm_tui.service.inbox import Inbox, StoreError

    shown = sanitize.for_message(path.name, 200)
    bar = sys.stderr.isatty() and not quiet

    def on_problem(problem: RowProblem, error: bool) -> None:
        if bar:
            print("\r\x1b[K", end="", file=sys.stderr)  # clear the progress line first
        print(f"{shown}: {'' if error else 'warning: '}{problem}", file=sys.stderr)

    bars = Bars("importing")  # under the import's finished bar
    committed = 0  # rows read up to the last batch the import committed

    def progress(done: int, total: int) -> None:
        nonlocal committed
        committed = done
        if bar:
            _progress(done, total)

    async with await Inbox.open(db, agent) as inbox:
        try:
            report = await import_customers(
                inbox,
                path,
                fmt,
                on_problem=on_problem,
                on_progress=progress,
                on_rematch=bars.bar("re-matching") if bar else None,
                on_indexing=bars.bar("indexing") if bar else None,
            )
        except FileProblem as problem:
            return fail(str(problem))
        except StoreError as error:
            if not committed:
                raise  # nothing written: said as any command says it (a lock, a read-only file)
            # The server gone or the file locked past the wait: each batch committed is
            # kept, and a re-import updates what is in, never duplicates it.
            if bar:
                print(file=sys.stderr)
            return fail(
                f"the import stopped after {committed:,} rows: {sanitize.inline(str(error))}; "
                "they are kept: "
                "run the same command again to import the rest (rows already in are "
                "updated, never duplicated)"
            )
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


def _progress(done: int, total: int) -> None:
    draw_bar("importing", done, total)


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


async def _show_customer(db: Path | str, agent: str, key: str, network: Any, as_json: bool) -> int:
    from scrm_tui.service import customers
    from scrm_tui.service.inbox import Inbox

    async with await Inbox.open(existing_db(db), agent) as inbox:
        found = await _one_customer(inbox, key, network)
        if isinstance(found, str):
            return fail(found)
        profile = await customers.describe_customer(inbox, found)
    if as_json:
        text = customers.as_json(profile)
        print(sanitize.block(text) if sys.stdout.isatty() else text)
    else:
        print(_customer_text(profile))
    return EXIT_OK


async def _merge(db: Path | str, agent: str, *keys: str) -> int:
    """`customers merge KEEP DUPLICATE` (two keys) or `customers unmerge DUPLICATE` (one)."""
    from scrm_tui.service.inbox import Inbox, MergeError

    async with await Inbox.open(existing_db(db), agent) as inbox:
        ids: list[int] = []
        for key in keys:
            found = await _one_customer(inbox, key)  # exact only: never merge a guess
            if isinstance(found, str):
                return fail(found)
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
                return fail(f"customer #{ids[0]} is not merged into anyone")
            record = await inbox.unmerge(records[0].id)
        except MergeError as error:
            return fail(str(error))
    print(f"unmerged #{record.merged_id} from #{record.survivor_id}", file=sys.stderr)
    return EXIT_OK


def _customer_text(profile: dict[str, Any]) -> str:
    """A customer for people; every value made safe for the terminal."""
    safe = sanitize.one_line

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
