"""One person, one identity key: Hacker News names are case-sensitive (`Foo` and `foo`
are two people, two authors), and Bluesky authors whose handle failed to verify
(`handle.invalid`) are told apart by their DIDs. A database made before keeps each
author under the name it was stored with and gives each DID its own posts (schema
step 25)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import pytest

from scrm_tui.channels.hackernews.api import HackerNewsSource
from scrm_tui.core.handles import handle_key
from scrm_tui.core.models import Channel
from scrm_tui.service.inbox import Inbox
from scrm_tui.store import db as store_db
from scrm_tui.store.schema import MIGRATIONS
from tests.conftest import fixed_clock
from tests.fakes.recorded import PAYLOADS
from tests.fakes.replay import Replay
from tests.support.plain import rows

NOW = 1401940000  # just after the newest recorded comment


def hits_by(*authors: str) -> dict[str, Any]:
    """The recorded comment search, its first hits written by `authors`."""
    data: dict[str, Any] = json.loads(
        (PAYLOADS / "hn_algolia_search_by_date_comment.json").read_bytes()
    )
    data["hits"] = data["hits"][: len(authors)]
    for hit, author in zip(data["hits"], authors, strict=True):
        hit["author"] = author
    return data


async def fetched(client: httpx.AsyncClient, *authors: str) -> list[Any]:
    with Replay() as server:
        server.route("/hn/search_by_date", body=hits_by(*authors))
        source = HackerNewsSource(
            client, query="apple", api_url=server.url("/hn"), clock=lambda: NOW
        )
        return list((await source.fetch(None, 0)).mentions)


def authors_of(target: str | Path) -> list[tuple[Any, ...]]:
    return rows(
        target, "SELECT handle, handle_key FROM authors WHERE channel = 'hackernews' ORDER BY id"
    )


def test_hn_keys_keep_the_case_other_networks_fold_it() -> None:
    assert handle_key(Channel.HACKERNEWS, "Foo") != handle_key(Channel.HACKERNEWS, "foo")
    assert handle_key(Channel.HACKERNEWS, " T-A ") == "T-A"
    assert handle_key(Channel.GITHUB, "Foo") == handle_key(Channel.GITHUB, "foo")
    assert handle_key(Channel.REDDIT, "u/Foo") == handle_key(Channel.REDDIT, "foo")


@pytest.mark.both_engines
async def test_two_hn_users_differing_in_case_are_two_authors(
    client: httpx.AsyncClient, inbox: Inbox, target: str | Path
) -> None:
    mentions = await fetched(client, "Foo", "foo", "Foo")
    assert [m.author.handle for m in mentions] == ["Foo", "foo", "Foo"]
    await inbox.ingest(mentions)
    assert authors_of(target) == [("Foo", "Foo"), ("foo", "foo")]
    per_author = rows(
        target,
        "SELECT a.handle, count(*) FROM mentions m JOIN authors a ON a.id = m.author_id "
        "GROUP BY a.id, a.handle ORDER BY a.id",
    )
    assert per_author == [("Foo", 2), ("foo", 1)]


BROKEN = ("did:plc:aaaa1111", "did:plc:bbbb2222", "did:plc:aaaa1111")


async def older_database(db_path: Path, *, broken_linked: bool = False) -> None:
    """A database as the release before step 25 left it, holding `pg`'s and `T-A`'s
    authors and a customer whose HN identity is `T-A`, all under folded keys."""
    step = next(
        n for n, statements in MIGRATIONS if any("ADD COLUMN link" in str(s) for s in statements)
    )
    before = [(number, statements) for number, statements in MIGRATIONS if number < step]

    async def create() -> None:
        # The store's own migrations, as the release before that step ran them.
        with (
            mock.patch.object(store_db, "MIGRATIONS", before),
            mock.patch.object(store_db, "LATEST_VERSION", before[-1][0]),
        ):
            database = await store_db.Database.open(db_path)
            await database.close()

    await create()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == step - 1
        conn.execute("INSERT INTO customers (name, created_ms, updated_ms) VALUES ('Tea', 1, 1)")
        conn.execute(
            "INSERT INTO authors (channel, handle, handle_key, profile_ms, customer_id, "
            "match_state) VALUES ('hackernews', 'T-A', 't-a', 1, 1, 'identity'), "
            "('hackernews', 'pg', 'pg', 1, NULL, NULL), ('github', 'Octo', 'octo', 1, NULL, NULL)"
        )
        conn.execute(
            "INSERT INTO identities (customer_id, channel, handle, handle_key, source, created_ms) "
            "VALUES (1, 'hackernews', 'T-A', 't-a', 'import', 1)"
        )
        # Three posts of two people whose Bluesky handles failed, stored as one author.
        conn.execute(
            "INSERT INTO authors (id, channel, handle, handle_key, profile_ms, customer_id) "
            "VALUES (10, 'bluesky', 'handle.invalid', 'handle.invalid', 1, ?)",
            (1 if broken_linked else None,),
        )
        for n, did in enumerate(BROKEN, 1):
            uri = f"at://{did}/app.bsky.feed.post/3l{n}"
            conn.execute(
                "INSERT INTO mentions (id, channel, external_id, author_id, text, created_ms, "
                "ingested_ms, compound, pos, neu, neg) "
                "VALUES (?, 'bluesky', ?, 10, ?, ?, 0, 0, 0, 1, 0)",
                (n, uri, f"post {n}", n * 1000),
            )
            conn.execute("INSERT INTO mentions_fts (rowid, text) VALUES (?, ?)", (n, f"post {n}"))


async def test_an_older_database_keeps_each_hn_author_under_its_own_spelling(
    client: httpx.AsyncClient, db_path: Path
) -> None:
    await older_database(db_path)
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        with sqlite3.connect(db_path) as conn:
            assert conn.execute(
                "SELECT channel, handle_key FROM authors WHERE channel <> 'bluesky' ORDER BY id"
            ).fetchall() == [("hackernews", "T-A"), ("hackernews", "pg"), ("github", "octo")]
            assert conn.execute("SELECT handle_key FROM identities").fetchall() == [("T-A",)]
        # The same person posting again is the same author, still the customer's;
        # someone whose name differs only in case is someone else.
        await box.ingest(await fetched(client, "T-A", "t-a"))
    assert authors_of(db_path) == [("T-A", "T-A"), ("pg", "pg"), ("t-a", "t-a")]
    with sqlite3.connect(db_path) as conn:
        linked = conn.execute(
            "SELECT a.handle, c.name FROM mentions m JOIN authors a ON a.id = m.author_id "
            "LEFT JOIN customers c ON c.id = a.customer_id WHERE m.channel = 'hackernews' "
            "ORDER BY a.id"
        ).fetchall()
    # Before, `t-a` folded into `T-A` and was taken for the customer: now it is not.
    assert linked == [("T-A", "Tea"), ("t-a", None)]


async def bluesky_owners(db_path: Path, *, broken_linked: bool) -> list[tuple[Any, ...]]:
    """(post, author handle, key, url, customer) of each Bluesky post once the database
    made before is opened (and so migrated)."""
    await older_database(db_path, broken_linked=broken_linked)
    async with await Inbox.open(db_path, "tester", fixed_clock):
        pass
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT m.external_id, a.handle, a.handle_key, a.url, a.customer_id "
            "FROM mentions m JOIN authors a ON a.id = m.author_id "
            "WHERE m.channel = 'bluesky' ORDER BY m.id"
        ).fetchall()


async def test_an_older_database_gives_each_broken_bluesky_handle_its_own_author(
    db_path: Path,
) -> None:
    assert await bluesky_owners(db_path, broken_linked=False) == [
        (f"at://{did}/app.bsky.feed.post/3l{n}", did, did, f"https://bsky.app/profile/{did}", None)
        for n, did in enumerate(BROKEN, 1)
    ]


async def test_broken_bluesky_handles_someone_linked_to_a_customer_are_left_as_they_are(
    db_path: Path,
) -> None:
    owners = await bluesky_owners(db_path, broken_linked=True)
    # A person's decision is theirs to undo: the posts stay with the linked author.
    assert {(key, customer) for _, _, key, _, customer in owners} == {("handle.invalid", 1)}


async def test_the_re_key_leaves_customers_whose_keys_do_not_change_indexed(
    db_path: Path,
) -> None:
    """Only `T-A`'s key changes: its customer is indexed again, `pg`'s is not (at a
    million customers, re-keying every Hacker News identity left 286k to re-index)."""
    await older_database(db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO customers (name, created_ms, updated_ms) VALUES ('Paul', 1, 1)")
        conn.execute(
            "INSERT INTO identities (customer_id, channel, handle, handle_key, source, "
            "created_ms) VALUES (2, 'hackernews', 'pg', 'pg', 'import', 1)"
        )
        conn.execute("DELETE FROM match_dirty")  # both indexed, as the old release left them
    async with await Inbox.open(db_path, "tester", fixed_clock):
        pass
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT customer_id FROM match_dirty").fetchall() == [(1,)]
