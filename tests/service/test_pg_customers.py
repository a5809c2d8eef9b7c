"""Customers on PostgreSQL where the engines differ underneath: ids a rolled-back write
used up, which a later import must not assume are still free."""

from __future__ import annotations

import pytest

from scrm_tui.core.models import Channel, CustomerIn
from scrm_tui.service.customers import describe_customer
from scrm_tui.service.inbox import Inbox


class Interrupted(Exception):
    """Stands in for Ctrl+C in the middle of an import's batch."""


@pytest.mark.both_engines
async def test_an_import_after_one_cut_short_gives_each_customer_their_own_handles(
    inbox: Inbox,
) -> None:
    await inbox.add_customers([CustomerIn(name="First One")])
    # A batch that wrote its customers and was then undone (PostgreSQL's ids move on).
    with pytest.raises(Interrupted):
        async with inbox.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO customers (name, created_ms, updated_ms) VALUES ('Lost', 1, 1)"
            )
            raise Interrupted
    outcome = await inbox.add_customers(
        [
            CustomerIn(name="Kate Lindqvist", identities=((Channel.GITHUB, "klindqvist"),)),
            CustomerIn(name="Omar Haddad", identities=((Channel.GITHUB, "ohaddad"),)),
        ]
    )
    kate, omar = outcome.ids
    assert (await describe_customer(inbox, kate))["name"] == "Kate Lindqvist"
    assert (await describe_customer(inbox, kate))["identities"] == {"github": ["klindqvist"]}
    assert (await describe_customer(inbox, omar))["name"] == "Omar Haddad"
    assert (await describe_customer(inbox, omar))["identities"] == {"github": ["ohaddad"]}
