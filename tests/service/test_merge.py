"""Merging a customer imported twice, and undoing it with nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrm_tui.core.models import Channel, CustomerIn
from scrm_tui.service.inbox import Inbox, MergeError
from tests.conftest import mention
from tests.e2e.test_cli import scrm

KATE = CustomerIn(
    name="Kate Lindqvist",
    external_id="C-1",
    email="kate@brightline.se",
    identities=((Channel.MASTODON, "kate@hachyderm.io"),),
    fields=(("region", "EU"),),
)
KATE_AGAIN = CustomerIn(
    name="K. Lindqvist",
    external_id="CRM-77",
    email="k.lindqvist@gmail.com",
    company="Brightline",
    phone="+46 8 123 45",
    tier="pro",
    identities=((Channel.GITHUB, "klindqvist"),),
    fields=(("region", "Nordics"), ("plan", "annual")),
)


async def seed(inbox: Inbox) -> tuple[int, int]:
    keep, dup = (await inbox.add_customers([KATE, KATE_AGAIN])).ids
    await inbox.ingest(
        [
            mention(1, "love it", handle="kate@hachyderm.io"),
            mention(2, "broken", channel=Channel.GITHUB, handle="klindqvist"),
        ]
    )
    await inbox.log_contact(dup, "call", "renewal call went well", direction="in")
    return keep, dup


@pytest.mark.both_engines
async def test_merge_combines_identities_history_and_fields(inbox: Inbox) -> None:
    keep, dup = await seed(inbox)
    before_keep = await inbox.customers.profile(keep)
    await inbox.merge_customers(keep, dup)

    merged = await inbox.customers.profile(keep)
    assert merged["identities"] == {"github": ["klindqvist"], "mastodon": ["kate@hachyderm.io"]}
    assert merged["mentions"] == {"github": 1, "mastodon": 1}
    assert merged["interactions"]["call"] == 1
    # Empty fields are filled from the duplicate; what the survivor had is kept.
    assert (merged["email"], merged["company"], merged["tier"]) == (
        "kate@brightline.se",
        "Brightline",
        "pro",
    )
    assert merged["fields"] == {"region": "EU", "plan": "annual"}
    assert (await inbox.customers.profile(dup))["merged_into"] == keep
    # The duplicate is out of the matcher and of exports; the merge is in the history.
    assert dup not in {c.id for c in await inbox.linker.store.customer_cards()}
    assert "merge" in merged["interactions"]
    # New mentions by the duplicate's handle now land on the survivor.
    await inbox.ingest([mention(3, "again", channel=Channel.GITHUB, handle="klindqvist")])
    assert (await inbox.customers.profile(keep))["mentions"]["github"] == 2

    [record] = await inbox.merges.records(customer_id=keep)
    await inbox.unmerge(record.id)
    restored_keep = await inbox.customers.profile(keep)
    restored_dup = await inbox.customers.profile(dup)
    assert restored_keep["identities"] == before_keep["identities"]
    assert (restored_keep["company"], restored_keep["fields"]) == (None, {"region": "EU"})
    assert restored_dup["merged_into"] is None
    assert restored_dup["identities"] == {"github": ["klindqvist"]}
    # Everything by the handle moves back with it, the mention after the merge too.
    assert restored_dup["mentions"] == {"github": 2}
    assert restored_dup["interactions"]["call"] == 1
    with pytest.raises(MergeError, match="already undone"):
        await inbox.unmerge(record.id)


@pytest.mark.both_engines
async def test_merge_refuses_nonsense(inbox: Inbox) -> None:
    keep, dup = await seed(inbox)
    with pytest.raises(MergeError, match="itself"):
        await inbox.merge_customers(keep, keep)
    await inbox.merge_customers(keep, dup)
    with pytest.raises(MergeError, match="already merged"):
        await inbox.merge_customers(dup, keep)
    with pytest.raises(MergeError, match="no customer"):
        await inbox.merge_customers(keep, 999)


@pytest.mark.both_engines
async def test_cli_merge_and_unmerge(inbox: Inbox, target: str | Path) -> None:
    await seed(inbox)
    await inbox.close()
    done = scrm("customers", "merge", "C-1", "CRM-77", "--db", str(target))
    assert done.returncode == 0, done.stderr
    assert "merged #2 into #1" in done.stderr and "unmerge '#2'" in done.stderr
    shown = scrm("customers", "show", "C-1", "--db", str(target))
    assert "klindqvist" in shown.stdout
    again = scrm("customers", "unmerge", "#2", "--db", str(target))
    assert again.returncode == 0 and "unmerged #2 from #1" in again.stderr
    twice = scrm("customers", "unmerge", "#2", "--db", str(target))
    assert twice.returncode == 1 and "not merged into anyone" in twice.stderr
