"""The collector over real HTTP: backfill, cursors, backoff, degraded and stopped sources,
and one lease holder among processes."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from scrm_tui.channels.hackernews.api import HackerNewsSource
from scrm_tui.channels.http import make_client
from scrm_tui.channels.rss.feeds import FeedSource
from scrm_tui.core.config import parse_config
from scrm_tui.core.listening import OVERLAP_S, Page
from scrm_tui.service.collector import DEGRADED_AFTER, Collector, SourceSpec
from scrm_tui.service.credentials import resolve
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.listen import build_sources
from tests.fakes.replay import Replay
from tests.support.clock import Clock

# The recorded Algolia answer is from June 2014: "now" is just after it.
NOW = datetime(2014, 6, 5, 4, 0, tzinfo=UTC).timestamp()
HN = "/hn/search_by_date"

# The lease row, cursors and source states are the store's contract: on each engine.
pytestmark = pytest.mark.both_engines


@pytest.fixture
def server() -> Iterator[Replay]:
    with Replay() as running:
        # One page of recorded hits (the replay answers every page with the same file).
        answer = json.loads(running.payload("hn_algolia_search_by_date_comment.json"))
        answer["nbPages"] = 1
        running.route(HN, body=answer)
        running.route("/feeds/hn.xml", file="rss2_hackernews.xml")
        yield running


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(timeout=0.5, connect_timeout=1.0) as http:
        yield http


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
async def box(target: str | Path, clock: Clock) -> AsyncIterator[Inbox]:
    inbox = await Inbox.open(target, "collector", clock)
    try:
        yield inbox
    finally:
        await inbox.close()


def specs(server: Replay, client: httpx.AsyncClient, clock: Clock) -> list[SourceSpec]:
    hn = HackerNewsSource(client, query="apple", api_url=server.url("/hn"), clock=clock)
    feed = FeedSource(client, url=server.url("/feeds/hn.xml"), name="HN front page", clock=clock)
    return [
        SourceSpec("hackernews", "hackernews", 60, hn),
        SourceSpec("rss:hn", "rss", 300, feed),
    ]


def collector(box: Inbox, sources: list[SourceSpec], clock: Clock, name: str = "h:1") -> Collector:
    return Collector(
        box, sources, clock=clock, holder=name, rng=random.Random(7), backfill_s=10 * 86400
    )


async def test_a_poll_stores_each_source_once_and_keeps_its_cursor(
    box: Inbox, server: Replay, client: httpx.AsyncClient, clock: Clock
) -> None:
    col = collector(box, specs(server, client, clock), clock)

    assert await col.poll_due() == 2
    total, _ = await box.stats()
    states = {s.source: s for s in await col.states.all()}
    assert states["hackernews"].stored + states["rss:hn"].stored == total > 20
    assert states["hackernews"].cursor and states["rss:hn"].cursor
    # Not due again before its interval; when due, nothing is stored twice.
    assert await col.poll_due() == 0
    clock.now += 301
    asked_before = len(server.requests(HN))
    assert await col.poll_due() == 2
    assert (await box.stats())[0] == total
    # It reads again from a while before its cursor (OVERLAP_S): storage drops repeats.
    asked = server.requests(HN)[asked_before].param("numericFilters")
    floor = int(states["hackernews"].cursor or 0) - int(OVERLAP_S)
    assert asked.startswith(f"created_at_i>{floor},")


async def test_a_failing_source_backs_off_and_the_others_go_on(
    box: Inbox, server: Replay, client: httpx.AsyncClient, clock: Clock
) -> None:
    col = collector(box, specs(server, client, clock), clock)
    server.fail(HN, status=503, body="<html>busy</html>", times=None)

    await col.poll_due()

    hn = await col.states.get("hackernews")
    feed = await col.states.get("rss:hn")
    assert hn is not None and feed is not None
    assert hn.state == "backoff" and hn.failures == 1 and "503" in (hn.last_error or "")
    assert hn.backoff_until_ms is not None and hn.backoff_until_ms > clock.now * 1000
    assert feed.state == "ok" and feed.stored > 0
    # Backing off: not polled until then, and degraded after repeated failures.
    for _ in range(DEGRADED_AFTER - 1):
        clock.now += 1
        assert "hackernews" not in [s.name for s in await col.due()]
        state = await col.states.get("hackernews")
        assert state is not None and state.backoff_until_ms is not None
        clock.now = state.backoff_until_ms / 1000 + 1
        await col.poll_due()
    hn = await col.states.get("hackernews")
    assert hn is not None and hn.state == "degraded" and hn.failures == DEGRADED_AFTER


async def test_a_refusal_of_a_source_that_sends_no_token_backs_off(
    box: Inbox, server: Replay, client: httpx.AsyncClient, clock: Clock
) -> None:
    # Hacker News takes no account: a 401 is no credential a person could fix.
    col = collector(box, specs(server, client, clock), clock)
    server.fail(HN, status=401, body='{"message": "Invalid API key"}', times=1)
    await col.poll_due()
    hn = await col.states.get("hackernews")
    assert hn is not None and hn.state == "backoff"
    assert hn.last_error == "Hacker News refused the request (401): Invalid API key"
    assert hn.backoff_until_ms is not None
    clock.now = hn.backoff_until_ms / 1000 + 1
    await col.poll_due()
    hn = await col.states.get("hackernews")
    assert hn is not None and hn.state == "ok" and hn.stored > 0


async def test_only_one_collector_holds_the_lease(
    target: str | Path, server: Replay, client: httpx.AsyncClient, clock: Clock
) -> None:
    first = await Inbox.open(target, "a", clock)
    second = await Inbox.open(target, "b", clock)
    try:
        one = collector(first, specs(server, client, clock), clock, "host-a:1")
        two = collector(second, specs(server, client, clock), clock, "host-b:2")
        assert await one.take_lease() and not await two.take_lease()
        clock.now += 10
        assert await one.take_lease()  # renewing
        clock.now += 21  # the first stops renewing (it died on another host)
        assert await two.take_lease() and not await one.take_lease()
    finally:
        await first.close()
        await second.close()


def hn_hit(object_id: int, text: str, created: float) -> dict[str, object]:
    return {
        "objectID": str(object_id),
        "created_at_i": int(created),
        "author": f"user{object_id}",
        "comment_text": f"<p>{text}</p>",
        "parent_id": 1,
        "story_id": 1,
    }


async def test_a_search_keeps_only_what_the_whole_watch_expression_allows(
    box: Inbox, server: Replay, client: httpx.AsyncClient, clock: Clock
) -> None:
    # Algolia has no NOT: scrm asks for "kestrel" and drops what the text excludes.
    hits = [
        hn_hit(11, "Kestrel sync is down for me", NOW - 600),
        hn_hit(12, "A kestrel falcon on my balcony", NOW - 500),
        hn_hit(13, "Ask HN: which notes app?", NOW - 400),  # matched off-text: kept
    ]
    server.route(HN, body={"hits": hits, "nbPages": 1, "page": 0})
    config = parse_config(
        f'[watch]\nterms = \'kestrel -"kestrel falcon"\'\nbackfill = "1h"\n'
        f'[sources.hackernews]\napi_url = "{server.url("/hn")}"\n'
    )
    sources, problems = build_sources(
        config, resolve(config, {}, None), client, env={}, clock=clock
    )
    assert problems == {} and [s.name for s in sources] == ["hackernews:kestrel"]
    await collector(box, sources, clock).poll_due()
    details = [await box.detail(row.id) for row in await box.rows(range(1, 10))]
    assert sorted((d.text, d.matched) for d in details if d is not None) == [
        ("Ask HN: which notes app?", "kestrel"),
        ("Kestrel sync is down for me", "kestrel"),
    ]


class Pages:
    """A source whose backfill has `pages` pages, each taking `seconds` of the clock."""

    def __init__(self, clock: Clock, pages: int, seconds: float) -> None:
        self.clock, self.pages, self.seconds = clock, pages, seconds

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        self.clock.now += self.seconds
        page = int(cursor or 0) + 1
        stamp = datetime.fromtimestamp(NOW - page * 60, UTC).strftime("%H:%M")
        return Page((), str(page), more=page < self.pages, progress=stamp)


async def test_a_long_backfill_keeps_the_lease_and_shows_how_far_it_got(
    target: str | Path, clock: Clock
) -> None:
    first = await Inbox.open(target, "a", clock)
    second = await Inbox.open(target, "b", clock)
    try:
        spec = SourceSpec("slow", "hackernews", 60, Pages(clock, pages=60, seconds=3))
        one = collector(first, [spec], clock, "host-a:1")
        two = collector(second, [spec], clock, "host-b:2")
        # 50 pages of 3 s each: far past the lease's 20 s, renewed between pages.
        assert await one.step()
        await one.idle()
        assert not await two.take_lease()
        state = await one.states.get("slow")
        assert state is not None and state.cursor == "50"
        assert state.backfill == datetime.fromtimestamp(NOW - 50 * 60, UTC).strftime("%H:%M")
        assert await one.step()  # the rest of the backfill: caught up, no progress shown
        await one.idle()
        state = await one.states.get("slow")
        assert state is not None and state.cursor == "60" and state.backfill is None
        await one.release()
        assert await two.take_lease()  # a clean exit hands over at once
    finally:
        await first.close()
        await second.close()
