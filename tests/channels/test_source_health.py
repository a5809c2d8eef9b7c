"""A source's state says what its last poll found, and no more (#10.12): a proxy's HTML
403 is no refused login, refused credentials are tried again, and a feed read in part
says so. Through the collector, a real database and the loopback servers."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from scrm_tui.channels.bluesky.source import BlueskySource
from scrm_tui.channels.hackernews.api import HackerNewsSource
from scrm_tui.channels.mastodon.api import MastodonSource
from scrm_tui.channels.rss.feeds import FeedSource
from scrm_tui.service.collector import Collector, SourceSpec
from scrm_tui.service.inbox import Inbox
from tests.fakes.loopback import Loopback
from tests.fakes.replay import Replay, rss_feed
from tests.support.clock import Clock

START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC).timestamp()
BLOCKED = "blocked by something in between: 403 Forbidden"


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def replay() -> Iterator[Replay]:
    with Replay() as running:
        yield running


@pytest.fixture
async def box(db_path: Path, clock: Clock) -> AsyncIterator[Inbox]:
    inbox = await Inbox.open(db_path, "collector", clock)
    try:
        yield inbox
    finally:
        await inbox.close()


def collector(box: Inbox, spec: SourceSpec, clock: Clock) -> Collector:
    return Collector(box, [spec], clock=clock, rng=random.Random(3), backfill_s=3600)


async def test_a_proxys_403_page_backs_a_tokenless_source_off_and_it_recovers(
    box: Inbox, server: Loopback, client: httpx.AsyncClient, clock: Clock
) -> None:
    server.add_hn_comment(1, "kestrel works", created_at_i=int(START) - 60)
    hn = HackerNewsSource(client, query="kestrel", api_url=server.base_url + "/hn", clock=clock)
    spec = SourceSpec("hackernews:kestrel", "hackernews", 60, hn)
    col = collector(box, spec, clock)
    server.html("hackernews.search_by_date", 403)

    await col.poll_due()

    state = await col.states.get(spec.name)
    assert state is not None and state.state == "backoff"
    assert state.last_error == f"Hacker News: {BLOCKED}"
    # The next poll, once the backoff is over, says what it finds now: no restart.
    assert state.backoff_until_ms is not None
    clock.now = state.backoff_until_ms / 1000 + 1
    assert [s.name for s in await col.due()] == [spec.name]
    await col.poll_due()
    state = await col.states.get(spec.name)
    assert state is not None and state.state == "ok" and state.stored == 1


async def test_a_proxys_403_page_is_no_refused_login_for_bluesky_search(
    box: Inbox, server: Loopback, client: httpx.AsyncClient, clock: Clock
) -> None:
    search = BlueskySource(
        client, server.bluesky_account(), kind="search", query="kestrel", clock=clock
    )
    spec = SourceSpec("bluesky:search:kestrel", "bluesky", 120, search)
    server.html("bluesky.searchPosts", 403)

    await collector(box, spec, clock).poll_due()

    state = await box.source_states()
    assert [(s.state, s.last_error) for s in state] == [("backoff", f"Bluesky: {BLOCKED}")]


async def test_refused_credentials_stop_the_source_and_are_tried_again_later(
    box: Inbox, server: Loopback, client: httpx.AsyncClient, clock: Clock
) -> None:
    notes = MastodonSource(
        client,
        server.mastodon_account(),
        base_url=server.mastodon_url,
        kind="notifications",
        clock=clock,
    )
    spec = SourceSpec("mastodon:notifications", "mastodon", 60, notes)
    col = collector(box, spec, clock)
    server.fail("mastodon.notifications", payload="mastodon_error_401_invalid_token.json")

    await col.poll_due()

    state = await col.states.get(spec.name)
    assert state is not None and state.state == "auth"
    assert state.last_error == "Mastodon refused the token (401): The access token is invalid"
    # It waits for a person a good while, not a backoff's 15 s...
    assert state.backoff_until_ms is not None
    assert state.backoff_until_ms >= (START + 15 * 60) * 1000
    clock.now = state.backoff_until_ms / 1000 - 1
    assert await col.due() == []
    clock.now += 2
    # ...but not for a restart: the token works again (fixed on the server's side).
    await col.poll_due()
    state = await col.states.get(spec.name)
    assert state is not None and state.state == "ok" and state.failures == 0


async def test_a_feed_read_in_part_stores_what_parsed_and_says_where_it_broke(
    box: Inbox, replay: Replay, client: httpx.AsyncClient, clock: Clock
) -> None:
    items = [
        ("urn:kestrel:2", "Kestrel two", START - 60),
        ("urn:kestrel:1", "Kestrel one", START - 120),
    ]
    whole = rss_feed(items)
    cut = whole[: whole.index("<item>", whole.index("<item>") + 1) + 20]  # inside item 2
    replay.route("/feed.xml", body=cut, content_type="application/rss+xml", etag='"v1"')
    feed = FeedSource(client, url=replay.url("/feed.xml"), name="news", clock=clock)
    spec = SourceSpec("rss:news", "rss", 900, feed)
    col = collector(box, spec, clock)

    await col.poll_due()

    state = await col.states.get(spec.name)
    assert state is not None and state.state == "warning" and state.stored == 1
    assert state.last_error == (
        "news: read 1 entry, but the feed is not valid XML: line 1: no element found"
    )
    # The entry the cut fell into is not stored as a torso: it comes whole next time.
    assert await texts(box) == ["Kestrel two"]
    # Whole again: the next poll reads it in full (no 304 on the broken copy's
    # validators) and the state is ok again.
    replay.route("/feed.xml", body=whole, content_type="application/rss+xml", etag='"v1"')
    clock.now += 901
    await col.poll_due()
    state = await col.states.get(spec.name)
    assert state is not None and state.state == "ok"
    assert "if-none-match" not in replay.requests("/feed.xml")[-1].headers
    assert await texts(box) == ["Kestrel two", "Kestrel one"]


async def test_a_feed_broken_in_the_middle_keeps_every_entry_it_recovered(
    box: Inbox, replay: Replay, client: httpx.AsyncClient, clock: Clock
) -> None:
    items = [(f"urn:kestrel:{n}", f"Kestrel {n}", START - 60 * n) for n in range(3)]
    broken = rss_feed(items).replace("Kestrel 1", "Kestrel \x01 1")  # a control character
    replay.route("/feed.xml", body=broken, content_type="application/rss+xml")
    feed = FeedSource(client, url=replay.url("/feed.xml"), name="news", clock=clock)
    spec = SourceSpec("rss:news", "rss", 900, feed)

    await collector(box, spec, clock).poll_due()

    [state] = await box.source_states()
    assert state.state == "warning" and state.stored == 3
    assert state.last_error == (
        "news: read 3 entries, but the feed is not valid XML: "
        "line 1: not well-formed (invalid token)"
    )


async def texts(box: Inbox) -> list[str]:
    """The stored mentions' texts, oldest stored first."""
    rows = [await box.detail(i) for i in range(1, 10)]
    return [row.text for row in rows if row is not None]
