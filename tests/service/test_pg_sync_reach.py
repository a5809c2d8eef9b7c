"""The matcher's synchronous PostgreSQL connection (store/pg/sync.py) after a server
restart: a read goes on on a new connection, an outage is said in words (never the
password), and the worker's lookups carry on once the server is back."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import StoreUnavailable
from scrm_tui.store.match_index.reader import MatchIndexReader
from scrm_tui.store.mentions.ingest import existing_ids_now
from scrm_tui.store.pg.sync import SyncPgConnection
from tests.conftest import fixed_clock, mention
from tests.support.postgres import Server

KEYS = [("mastodon", "mastodon-1"), ("mastodon", "mastodon-2"), ("mastodon", "mastodon-9")]


@pytest.fixture
async def url(postgres: Server) -> str:
    """A database holding mastodon-1 and mastodon-2, stored by scrm; the URL says a
    password (the server trusts the user: it is never checked, only never shown)."""
    found = postgres.fresh().replace("scrm@", "scrm:hunter2@")
    async with await Inbox.open(found, "tester", fixed_clock) as box:
        await box.ingest([mention(1), mention(2)])
    return found


@pytest.fixture
def conn(url: str) -> Iterator[SyncPgConnection]:
    made = SyncPgConnection(url)
    try:
        yield made
    finally:
        made.close()


def count(conn: SyncPgConnection) -> int:
    [(n,)] = conn.execute("SELECT count(*) FROM mentions WHERE channel = ?", ("mastodon",))
    return int(n)


def until_back(conn: SyncPgConnection) -> int:
    """The count, asked again while the connection says the server is out of reach (it
    tries again at most every RETRY_MAX s)."""
    pause = threading.Event()
    for _ in range(600):
        try:
            return count(conn)
        except StoreUnavailable:
            pause.wait(0.1)
    raise AssertionError("the server never came back")


def test_a_read_after_a_restart_goes_on_on_a_new_connection(
    conn: SyncPgConnection, postgres: Server
) -> None:
    assert count(conn) == 2
    before = conn.raw
    postgres.stop("fast")
    postgres.start()
    assert count(conn) == 2  # no error: the read was tried again on a new connection
    assert conn.raw is not before
    # Still read-only, as it was made.
    with pytest.raises(Exception, match="read-only"):
        conn.execute("DELETE FROM mentions")
    assert count(conn) == 2


def test_an_outage_is_said_in_words_and_the_connection_comes_back(
    conn: SyncPgConnection, postgres: Server
) -> None:
    assert count(conn) == 2
    postgres.stop("fast")
    try:
        for _ in range(2):  # the drop, then a try to reach it again
            with pytest.raises(StoreUnavailable) as refused:
                count(conn)
            said = str(refused.value)
            assert said.startswith("the database is out of reach (")
            assert "hunter2" not in said and "\n" not in said
    finally:
        postgres.start()
    assert until_back(conn) == 2


def test_a_write_cut_by_the_restart_is_reported_not_sent_again(url: str, postgres: Server) -> None:
    writer = SyncPgConnection(url, read_only=False)
    try:
        writer.execute("UPDATE mentions SET assignee = 'dana'")
        postgres.stop("fast")
        postgres.start()
        with pytest.raises(StoreUnavailable, match="out of reach"):
            writer.execute("UPDATE mentions SET assignee = 'kim'")
        assert writer.execute("SELECT DISTINCT assignee FROM mentions") == [("dana",)]
    finally:
        writer.close()


def test_the_workers_lookups_carry_on_after_a_restart(url: str, postgres: Server) -> None:
    reader = MatchIndexReader(url)
    try:
        population = reader.population()
        assert existing_ids_now(url, KEYS) == set(KEYS[:2])
        postgres.stop("fast")
        postgres.start()
        assert existing_ids_now(url, KEYS) == set(KEYS[:2])
        assert reader.population() == population
    finally:
        reader.close()


def test_a_server_out_of_reach_at_first_is_said_in_words(postgres: Server) -> None:
    url = postgres.url("postgres").replace(str(postgres.port), "1").replace("@", ":hunter2@")
    with pytest.raises(StoreUnavailable) as refused:
        SyncPgConnection(url)
    said = str(refused.value)
    assert said.startswith("cannot connect to postgresql://scrm:")
    assert "hunter2" not in said and "is PostgreSQL running" in said
