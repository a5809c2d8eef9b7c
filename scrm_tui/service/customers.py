"""Customers: import from files, look one up, and describe them for `customers show`."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrm_tui.core import networks
from scrm_tui.core.handles import handle_key
from scrm_tui.core.models import CustomerCard, CustomerIn
from scrm_tui.core.records import RecordError, parse_customer
from scrm_tui.core.timefmt import iso_from_ms
from scrm_tui.service.customer_files import FileProblem, RowProblem, read_records
from scrm_tui.service.inbox import Inbox, MergeRecord

__all__ = ["CustomerImportReport", "FileProblem", "RowProblem", "find_customer", "import_customers"]

BATCH = 2000


@dataclass
class CustomerImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    linked: int = 0  # authors now linked to a customer by the matcher
    suggested: int = 0  # authors with suggested customers
    rematch_elsewhere: bool = False  # another process is finishing the re-match

    @property
    def ok(self) -> bool:
        return not self.errors


async def import_customers(
    inbox: Inbox,
    path: Path,
    fmt: str | None = None,
    *,
    on_problem: Callable[[RowProblem, bool], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_rematch: Callable[[int, int], None] | None = None,
    on_indexing: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH,
) -> CustomerImportReport:
    """Import every good row (one transaction per batch); name every bad one; then
    index the new customers for matching (a big import: (done, total) to `on_indexing`)
    and re-match the authors nobody could place, showing (done, total) to `on_rematch`.

    Each batch that changes customers commits, with them, that a re-match is owed; the
    re-match clears it when complete. So an import killed during its re-match finishes
    it when run again, even though the rows are unchanged by then.

    Raises FileProblem when the file as a whole cannot be used (not UTF-8, no
    `name` column, broken JSON array): then nothing is imported.
    """
    records = list(read_records(path, fmt))
    report = CustomerImportReport()
    total = len(records)
    batch: list[tuple[int, CustomerIn]] = []

    def problem(item: RowProblem, *, error: bool) -> None:
        (report.errors if error else report.warnings).append(item)
        if on_problem is not None:
            on_problem(item, error)

    async def flush() -> None:
        outcome = await inbox.add_customers([c for _, c in batch], source=path.name, rematch=True)
        report.created += outcome.created
        report.updated += outcome.updated
        report.unchanged += outcome.unchanged
        for index, message in outcome.warnings:
            problem(RowProblem(batch[index][0], message), error=False)
        batch.clear()

    for done, item in enumerate(records, start=1):
        if isinstance(item, RowProblem):
            problem(item, error=True)
            continue
        line, fields = item
        report.rows += 1
        try:
            batch.append((line, parse_customer(fields)))
        except RecordError as error:
            problem(RowProblem(line, str(error)), error=True)
        if len(batch) >= batch_size:
            await flush()
            if on_progress is not None:
                on_progress(done, total)
    if batch:
        await flush()
    if on_progress is not None:
        on_progress(total, total)
    # New names and handles: authors nobody could place before may fit now (and a
    # re-match an earlier import owes is finished too).
    matched = await inbox.linker.resume_rematch(on_rematch, on_indexing)
    if matched is None:
        report.rematch_elsewhere = True
    else:
        report.linked, report.suggested = matched
    return report


async def find_customer(inbox: Inbox, key: str, network: str | None = None) -> list[int]:
    """Customer ids for an internal id (`#12` or `12`), an external id, an email, or a
    handle as people write it (`@kate@fosstodon.org`, `u/kate`), normalised the way
    identities are. With `network`, only a handle there."""
    key = key.strip()
    if network is None:
        found = await inbox.customers.find(key)
        if found:
            return found
    channels = [network] if network is not None else networks.names()
    return await inbox.customers.find_by_handle(
        [(str(channel), handle_key(channel, key)) for channel in channels]
    )


async def closest_customers(inbox: Inbox, key: str, limit: int = 5) -> list[tuple[int, str]]:
    """(id, name) of the customers `C` would list first for `key`: names, e-mails,
    companies and handles, typos forgiven."""
    return [(hit.customer.id, hit.customer.name) for hit in await inbox.linker.search(key, limit)]


async def customer_names(inbox: Inbox, ids: list[int]) -> list[tuple[int, str]]:
    """(id, name) of these customers, to tell apart several that match one key."""
    cards = [await inbox.linker.card(customer_id) for customer_id in ids]
    return [(card.id, card.name) for card in cards if card is not None]


async def customer_cards(inbox: Inbox, ids: Sequence[int]) -> list[CustomerCard]:
    """A customer list's lines, most valuable first (a merged id shows its survivor)."""
    return await inbox.customers.cards(ids)


async def describe_customer(inbox: Inbox, customer_id: int) -> dict[str, Any]:
    """Everything `scrm customers show` prints, as plain data (also its --json)."""
    profile = await inbox.customers.profile(customer_id)
    for key in ("created_ms", "updated_ms", "first_seen_ms", "last_seen_ms"):
        value = profile.pop(key)
        profile[key.replace("_ms", "")] = iso_from_ms(value) if value else None
    for item in profile["recent"]:
        item["at"] = iso_from_ms(item.pop("at_ms"))
    return profile


def as_json(profile: dict[str, Any]) -> str:
    return json.dumps(profile, ensure_ascii=False, indent=2)


async def merge_records(inbox: Inbox, customer_id: int) -> list[MergeRecord]:
    """The merges into (or of) a customer, newest first."""
    return await inbox.merges.records(customer_id=customer_id)
