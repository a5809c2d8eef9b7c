"""Authors meet customers on ingest: exact identities, automatic links, suggestions,
and the person's decisions (confirm, reject, create, undo), all on a real database."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from scrm_tui.core.config import parse_config
from scrm_tui.core.models import AuthorIn, Channel, CustomerIn, MentionRow
from scrm_tui.core.query import Query
from scrm_tui.service.customers import import_customers
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.timeline import timeline_window
from tests.conftest import mention

# The store's contract: every test here holds on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_engines

KATE = CustomerIn(
    name="Kate Lindqvist",
    external_id="C-1",
    email="kate@brightline.se",
    company="Brightline",
    tier="pro",
    identities=(
        (Channel.MASTODON, "orbital_teapot@hachyderm.io"),
        (Channel.GITHUB, "klindqvist"),
    ),
)
JOHN = CustomerIn(name="John Smith", external_id="C-2", email="john.smith@acme.com")


async def author_state(inbox: Inbox, handle: str) -> tuple[int | None, str | None]:
    found = await inbox.db.reader.execute_fetchall(
        "SELECT customer_id, match_state FROM authors WHERE handle = ?", (handle,)
    )
    assert found, f"no author {handle}"
    return found[0][0], found[0][1]


async def author_id(inbox: Inbox, handle: str) -> int:
    found = await inbox.db.reader.execute_fetchall(
        "SELECT id FROM authors WHERE handle = ?", (handle,)
    )
    assert found
    return int(found[0][0])


async def first_row(inbox: Inbox, handle: str) -> MentionRow:
    rows = await inbox.page_older(Query(), None, 999)
    return next(r for r in rows if r.author_handle == handle)


async def test_exact_identity_links_and_the_row_shows_the_customer(inbox: Inbox) -> None:
    await inbox.add_customers([KATE])
    await inbox.ingest([mention(1, channel=Channel.GITHUB, handle="KLindqvist", name="K")])
    assert await author_state(inbox, "KLindqvist") == (1, "identity")
    row = await first_row(inbox, "KLindqvist")
    assert (row.customer_name, row.customer_tier) == ("Kate Lindqvist", "pro")


async def test_mastodon_local_form_resolves_to_the_instance_it_came_from(inbox: Inbox) -> None:
    await inbox.add_customers([KATE])
    local = replace(
        mention(1),
        url="https://hachyderm.io/@orbital_teapot/1",
        author=AuthorIn(
            handle="orbital_teapot", name="Kate", url="https://hachyderm.io/@orbital_teapot"
        ),
    )
    elsewhere = mention(2, handle="@Orbital_Teapot@Hachyderm.IO", name="Kate")
    await inbox.ingest([local, elsewhere])
    # Both spellings are one account, and that account is Kate's identity.
    assert await author_state(inbox, "orbital_teapot") == (1, "identity")
    assert list(await inbox.db.reader.execute_fetchall("SELECT count(*) FROM authors")) == [(1,)]


async def test_a_distinctive_handle_on_another_network_links_automatically(inbox: Inbox) -> None:
    await inbox.add_customers([KATE, JOHN])
    await inbox.ingest(
        [mention(1, channel=Channel.BLUESKY, handle="orbital-teapot.bsky.social", name="Kate L.")]
    )
    assert await author_state(inbox, "orbital-teapot.bsky.social") == (1, "auto")
    # The link is in Kate's history, with how it was made.
    items = [i for i in await _timeline(inbox, 1) if i.kind == "link"]
    assert len(items) == 1 and "automatically" in items[0].text and items[0].actor == "scrm"


async def test_a_look_alike_is_only_suggested_and_unknowns_stay_unknown(inbox: Inbox) -> None:
    await inbox.add_customers([KATE, JOHN])
    await inbox.ingest(
        [
            mention(1, channel=Channel.REDDIT, handle="jsmyth", name="John Smyth"),
            mention(2, channel=Channel.HACKERNEWS, handle="zed", name="Totally Else"),
        ]
    )
    assert await author_state(inbox, "jsmyth") == (None, "suggested")
    assert await author_state(inbox, "zed") == (None, None)
    row = await first_row(inbox, "jsmyth")
    assert row.customer_name is None and row.match_state == "suggested"
    author = await inbox.linker.author(row.id)
    assert author is not None
    [suggestion] = await inbox.linker.candidates(author)
    assert suggestion.customer.name == "John Smith" and "name" in suggestion.fields


async def test_confirm_makes_an_identity_and_undo_puts_everything_back(inbox: Inbox) -> None:
    await inbox.add_customers([KATE, JOHN])
    await inbox.ingest([mention(1, channel=Channel.REDDIT, handle="jsmyth", name="John Smyth")])
    author = await author_id(inbox, "jsmyth")
    await inbox.linker.confirm(author, 2)
    assert await author_state(inbox, "jsmyth") == (2, "confirmed")
    profile = await inbox.customers.profile(2)
    assert profile["identities"] == {"reddit": ["jsmyth"]}
    # Later mentions by that handle are John's by exact identity.
    await inbox.ingest([mention(2, channel=Channel.REDDIT, handle="u/JSmyth", name="J")])
    assert (await first_row(inbox, "jsmyth")).customer_name == "John Smith"

    assert await inbox.linker.undo(author) == "confirmed"
    assert await author_state(inbox, "jsmyth") == (None, "suggested")
    assert (await inbox.customers.profile(2))["identities"] == {}
    info = await inbox.linker.store.author(author)
    assert info is not None
    assert [s.customer.id for s in await inbox.linker.candidates(info)] == [2]
    # Both the link and its undo stay in the history: it is the audit trail.
    links = [i for i in await _timeline(inbox, 2) if i.kind == "link"]
    assert [i.actor for i in links] == ["tester", "tester"]
    assert links[0].text.startswith("undid: confirmed")


async def test_rejected_pair_is_never_suggested_again(inbox: Inbox, tmp_path: Path) -> None:
    await inbox.add_customers([KATE, JOHN])
    await inbox.ingest([mention(1, channel=Channel.REDDIT, handle="jsmyth", name="John Smyth")])
    author = await author_id(inbox, "jsmyth")
    await inbox.linker.reject(author, 2)
    assert await author_state(inbox, "jsmyth") == (None, "rejected")
    info = await inbox.linker.store.author(author)
    assert info is not None
    assert await inbox.linker.candidates(info) == []
    # A re-import re-matches every unlinked author: the rejection holds.
    csv = tmp_path / "c.csv"
    csv.write_text("id,name,email\nC-2,John Smith,john@acme.com\n", encoding="utf-8")
    await import_customers(inbox, csv)
    assert await author_state(inbox, "jsmyth") == (None, "rejected")
    # Undoing the rejection brings the suggestion back.
    assert await inbox.linker.undo(author) == "rejected"
    assert [s.customer.id for s in await inbox.linker.candidates(info)] == [2]


async def test_rejecting_an_automatic_link_unlinks_it(inbox: Inbox) -> None:
    await inbox.add_customers([KATE])
    await inbox.ingest(
        [mention(1, channel=Channel.BLUESKY, handle="orbital-teapot.bsky.social", name="Kate L.")]
    )
    author = await author_id(inbox, "orbital-teapot.bsky.social")
    await inbox.linker.reject(author, 1)
    assert await author_state(inbox, "orbital-teapot.bsky.social") == (None, "rejected")
    assert await inbox.linker.undo(author) == "rejected"
    assert await author_state(inbox, "orbital-teapot.bsky.social") == (1, "auto")


async def test_create_customer_from_author(inbox: Inbox) -> None:
    await inbox.ingest(
        [mention(1, channel=Channel.GITHUB, handle="nadia-dev", name="Nadia \u202eEvil")]
    )
    author = await inbox.linker.store.author(await author_id(inbox, "nadia-dev"))
    assert author is not None
    customer = await inbox.linker.create_customer(author)
    assert await author_state(inbox, "nadia-dev") == (customer, "confirmed")
    profile = await inbox.customers.profile(customer)
    assert profile["name"] == "Nadia \u202eEvil"  # stored as given; shown inert
    assert profile["identities"] == {"github": ["nadia-dev"]}


async def test_import_matches_authors_seen_before_the_customer_existed(
    inbox: Inbox, tmp_path: Path
) -> None:
    await inbox.ingest(
        [
            mention(1, channel=Channel.BLUESKY, handle="orbital-teapot.bsky.social", name="Kate"),
            mention(2, channel=Channel.REDDIT, handle="jsmyth", name="John Smyth"),
        ]
    )
    assert await author_state(inbox, "jsmyth") == (None, None)  # nothing to match against
    csv = tmp_path / "c.csv"
    csv.write_text(
        "id,name,email,mastodon\n"
        "C-1,Kate Lindqvist,kate@brightline.se,orbital_teapot@hachyderm.io\n"
        "C-2,John Smith,john.smith@acme.com,\n",
        encoding="utf-8",
    )
    report = await import_customers(inbox, csv)
    assert (report.linked, report.suggested) == (1, 1)
    assert (await author_state(inbox, "orbital-teapot.bsky.social"))[1] == "auto"
    assert await author_state(inbox, "jsmyth") == (None, "suggested")


async def test_thresholds_come_from_the_config(inbox: Inbox) -> None:
    strict = parse_config("[matching]\nauto = 100\nmargin = 0\nsuggest = 99\n")
    inbox.configure(strict)
    await inbox.add_customers([KATE, JOHN])
    await inbox.ingest([mention(1, channel=Channel.REDDIT, handle="jsmyth", name="John Smyth")])
    # 77-ish is below a suggestion threshold of 99: nothing is proposed.
    assert await author_state(inbox, "jsmyth") == (None, None)


async def test_customer_search_forgives_typos_and_finds_handles(inbox: Inbox) -> None:
    await inbox.add_customers([KATE, JOHN])
    assert (await inbox.linker.search("lindkvist"))[0].customer.name == "Kate Lindqvist"
    assert (await inbox.linker.search("orbital_teapot"))[0].customer.id == 1
    assert (await inbox.linker.search("acme.com"))[0].customer.id == 2


async def _timeline(inbox: Inbox, customer_id: int):  # type: ignore[no-untyped-def]
    window = timeline_window(inbox, customer_id)
    await window.start()
    await window.ensure(0, 1000)
    return list(window.rows)


async def test_changes_from_another_process_reach_this_matcher(
    inbox: Inbox, target: str | Path
) -> None:
    await inbox.add_customers([JOHN])
    await inbox.ingest([mention(1, channel=Channel.REDDIT, handle="zed", name="Zed")])
    first = await inbox.linker.matcher()
    assert len(first) == 1
    async with await Inbox.open(target, "other") as other:
        await other.add_customers([KATE])  # another agent imports Kate
        [john_again] = (
            await other.add_customers([CustomerIn(name="J. Smith", email="js@gmail.com")])
        ).ids
        await other.merge_customers(1, john_again)  # ... and merges a duplicate of John
    await inbox.ingest(
        [mention(2, channel=Channel.BLUESKY, handle="orbital-teapot.bsky.social", name="Kate L.")]
    )
    assert await author_state(inbox, "orbital-teapot.bsky.social") == (2, "auto")
    matcher = await inbox.linker.matcher()
    # Patched in place (a rebuild costs seconds at 100,000 customers), not rebuilt.
    assert matcher is first and len(matcher) == 2 and john_again not in matcher
    assert john_again not in {hit.customer.id for hit in await inbox.linker.search("J. Smith")}
