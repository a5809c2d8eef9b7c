"""Customers where the engines differ underneath: ids a rolled-back write used up, which
a later import must not assume are still free; the match index kept by each engine's
triggers and the writer, checked against what its entries say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scrm_tui.core.models import Channel, CustomerIn
from scrm_tui.service.customers import describe_customer
from scrm_tui.service.inbox import Inbox
from tests.support.plain import rows, value


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


def index_truth(rows_of: list[tuple[Any, ...]]) -> dict[str, Any]:
    """What match_words, match_df, match_pairs and match_population must hold, worked out
    in Python from the indexed entries alone."""
    words: set[tuple[str, int]] = set()
    pairs: set[tuple[str, int]] = set()
    df: dict[str, int] = {}
    for customer_id, entry_words, name_words in rows_of:
        mine = json.loads(entry_words)
        words |= {(w, customer_id) for w in mine}
        ordered = sorted(set(mine))
        pairs |= {
            (f"{a} {b}", customer_id) for n, a in enumerate(ordered) for b in ordered[n + 1 :]
        }
        for w in json.loads(name_words):
            df[w] = df.get(w, 0) + 1
    return {"words": words, "pairs": pairs, "df": df, "population": len(rows_of)}


def index_held(target: str | Path) -> dict[str, Any]:
    return {
        "words": set(rows(target, "SELECT word, customer_id FROM match_words")),
        "pairs": set(rows(target, "SELECT pair, customer_id FROM match_pairs")),
        "df": dict(rows(target, "SELECT word, n FROM match_df")),
        "population": value(target, "SELECT n FROM match_population WHERE id = 1"),
    }


@pytest.mark.both_engines
async def test_the_match_index_follows_new_edited_and_merged_customers(
    inbox: Inbox, target: str | Path
) -> None:
    people = [
        CustomerIn(name="Zoë Müller", external_id="C-1", email="zoe@acme.de"),
        CustomerIn(name="Ångström Berg", external_id="C-2", company="Acme"),
        CustomerIn(name="Li Wang", external_id="C-3", identities=((Channel.GITHUB, "liwang"),)),
    ]
    ids = (await inbox.add_customers(people)).ids
    # The database's own triggers mark each new customer to be indexed.
    dirty = "SELECT customer_id FROM match_dirty ORDER BY customer_id"
    assert [c for (c,) in rows(target, dirty)] == ids
    assert await inbox.linker.refresh_index() == 3
    assert rows(target, dirty) == []
    entries = "SELECT customer_id, words, name_words FROM match_entries ORDER BY customer_id"
    assert [r[0] for r in rows(target, entries)] == ids
    assert index_held(target) == index_truth(rows(target, entries))
    assert ("muller", ids[0]) in index_held(target)["words"]

    # An edit (a re-import under the same id) and a merge (both sides) mark them again.
    await inbox.add_customers([CustomerIn(name="Zoe Mueller-Schmidt", external_id="C-1")])
    await inbox.merge_customers(ids[2], ids[1])
    assert {c for (c,) in rows(target, dirty)} == set(ids)
    assert await inbox.linker.refresh_index() == 3
    held = index_held(target)
    assert held == index_truth(rows(target, entries))
    assert held["population"] == value(
        target, "SELECT count(*) FROM customers WHERE merged_into IS NULL"
    )
    assert ("muller", ids[0]) not in held["words"] and ("schmidt", ids[0]) in held["words"]
    assert not any(c == ids[1] for _, c in held["words"])  # merged away: out of the index
    # The new name is what matching finds now.
    outcome = await inbox.linker.search("Zoe Mueller-Schmidt")
    assert outcome and outcome[0].customer.id == ids[0]

    # Customers indexed before word pairs existed (an upgrade) are paired by SQL from
    # their entries: the same pairs, in the order the matcher looks them up.
    async with inbox.db.transaction(wakes=False) as conn:
        await conn.execute("DELETE FROM match_pairs")
        await conn.execute("UPDATE match_pairs_done SET upto = 0 WHERE id = 1")
    assert await inbox.linker.pair_up() == 2
    assert index_held(target) == index_truth(rows(target, entries))
