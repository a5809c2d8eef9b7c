"""Every source reads a window before its cursor again: posts of the cursor's own second
that arrive after a poll, and posts listed minutes after their date, are stored, and
nothing is stored twice (#10.3). One story, told to each source through the collector,
a real database and the loopback servers speaking each API."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from scrm_tui.channels.bluesky.source import BlueskySource
from scrm_tui.channels.github.api import GitHubDiscussionSource, GitHubSource
from scrm_tui.channels.hackernews.api import HackerNewsSource
from scrm_tui.channels.mastodon.api import MastodonSource
from scrm_tui.channels.reddit.api import RedditSource
from scrm_tui.channels.rss.feeds import FeedSource
from scrm_tui.service.collector import Collector, Source, SourceSpec
from scrm_tui.service.inbox import Inbox
from tests.fakes.loopback import Loopback
from tests.fakes.replay import Replay, rss_feed
from tests.support.clock import Clock

START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC).timestamp()
SECOND = START - 60  # the second every post of the burst is dated
LATE = SECOND - 120  # a post that shows up two minutes after its date
DID = "did:plc:overlapauthor000000000000"


def iso(epoch: float, *, millis: bool = True) -> str:
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.isoformat(timespec="milliseconds" if millis else "seconds")[:-6] + "Z"


@dataclass
class World:
    loop: Loopback
    replay: Replay
    client: httpx.AsyncClient
    clock: Clock
    feed: list[tuple[str, str, float]]


@dataclass(frozen=True)
class Network:
    """How to make one source, and how a post `n` dated `when` shows up on its network
    (listed from the world's "now" on)."""

    channel: str
    make: Callable[[World], Source]
    publish: Callable[[World, int, float], None]


def _hn(world: World) -> Source:
    api = world.loop.base_url + "/hn"
    return HackerNewsSource(world.client, query="kestrel", api_url=api, clock=world.clock)


def _hn_post(world: World, n: int, when: float) -> None:
    world.loop.add_hn_comment(41_000_000 + n, f"kestrel {n}", created_at_i=int(when))


def _issues(world: World) -> Source:
    api = world.loop.github_api_url
    return GitHubSource(world.client, None, query="kestrel", api_url=api, clock=world.clock)


def _issue(world: World, n: int, when: float) -> None:
    world.loop.add_github_issue(n, f"kestrel {n}", "", created_at=iso(when, millis=False))


def _discussions(world: World) -> Source:
    account = world.loop.github_account()
    return GitHubDiscussionSource(world.client, account, query="kestrel", clock=world.clock)


def _discussion(world: World, n: int, when: float) -> None:
    world.loop.add_github_discussion(n, f"kestrel {n}", "", created_at=iso(when, millis=False))


def _mastodon(kind: str) -> Callable[[World], Source]:
    def make(world: World) -> Source:
        account = world.loop.mastodon_account() if kind == "notifications" else None
        return MastodonSource(
            world.client,
            account,
            base_url=world.loop.mastodon_url,
            kind=kind,
            tag="kestrelapp" if kind == "tag" else None,
            query="kestrel" if kind == "search" else None,
            clock=world.clock,
        )

    return make


def _toot(kind: str) -> Callable[[World, int, float], None]:
    def publish(world: World, n: int, when: float) -> None:
        # A remote status's id comes from its own date: a late one sorts among its time.
        status = world.loop.mastodon_status(
            Loopback.snowflake(when, n), f"kestrel {n}", created_at=iso(when)
        )
        if kind == "tag":
            world.loop.add_mastodon_tag_status("kestrelapp", status)
        elif kind == "search":
            world.loop.add_mastodon_search_status(status)
        else:  # the notification is made when the status arrives
            world.loop.add_mastodon_mention(Loopback.snowflake(world.clock(), n), status)

    return publish


def _bluesky(kind: str) -> Callable[[World], Source]:
    def make(world: World) -> Source:
        account = world.loop.bluesky_account()
        query = "kestrel" if kind == "search" else None
        return BlueskySource(world.client, account, kind=kind, query=query, clock=world.clock)

    return make


def _skeet(kind: str) -> Callable[[World, int, float], None]:
    def publish(world: World, n: int, when: float) -> None:
        world.loop.add_bluesky_search_post(
            DID,
            f"3kestrel{n:05d}",
            f"kestrel {n}",
            at=iso(world.clock()),  # indexed now
            created_at=iso(when),
            reason=None if kind == "search" else "mention",
        )

    return publish


def _reddit(kind: str) -> Callable[[World], Source]:
    def make(world: World) -> Source:
        return RedditSource(
            world.client,
            world.loop.reddit_account(refresh_token=None),
            kind=kind,
            query="kestrel" if kind == "search" else None,
            subreddit="loopback" if kind == "comments" else None,
            clock=world.clock,
        )

    return make


def _reddit_post(kind: str) -> Callable[[World, int, float], None]:
    def publish(world: World, n: int, when: float) -> None:
        comment = world.loop.reddit_comment(f"kz{n:05d}", f"kestrel {n}", created_utc=when)
        world.loop.add_reddit_thing(kind, comment)

    return publish


def _feed(world: World) -> Source:
    url = world.replay.url("/feed.xml")
    return FeedSource(world.client, url=url, name="news", clock=world.clock)


def _entry(world: World, n: int, when: float) -> None:
    world.feed.append((f"urn:kestrel:{n}", f"kestrel {n}", when))
    newest_first = sorted(world.feed, key=lambda item: -item[2])
    world.replay.route("/feed.xml", body=rss_feed(newest_first), content_type="application/rss+xml")


NETWORKS = {
    "hackernews": Network("hackernews", _hn, _hn_post),
    "github:issues": Network("github", _issues, _issue),
    "github:discussions": Network("github", _discussions, _discussion),
    "mastodon:tag": Network("mastodon", _mastodon("tag"), _toot("tag")),
    "mastodon:search": Network("mastodon", _mastodon("search"), _toot("search")),
    "mastodon:notifications": Network(
        "mastodon", _mastodon("notifications"), _toot("notifications")
    ),
    "bluesky:search": Network("bluesky", _bluesky("search"), _skeet("search")),
    "bluesky:notifications": Network("bluesky", _bluesky("notifications"), _skeet("notifications")),
    "reddit:search": Network("reddit", _reddit("search"), _reddit_post("search")),
    "reddit:comments": Network("reddit", _reddit("comments"), _reddit_post("comments")),
    "rss": Network("rss", _feed, _entry),
}


@pytest.fixture
def replay() -> Iterator[Replay]:
    with Replay() as running:
        yield running


@pytest.fixture
async def box(db_path: Path) -> AsyncIterator[Inbox]:
    inbox = await Inbox.open(db_path, "collector", lambda: START)
    try:
        yield inbox
    finally:
        await inbox.close()


def stored(db_path: Path, channel: str) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT text FROM mentions WHERE channel = ? ORDER BY id", (channel,)
        ).fetchall()
    return [text for (text,) in rows]


@pytest.mark.parametrize("name", list(NETWORKS))
async def test_posts_of_the_cursors_second_and_posts_listed_late_are_stored_once(
    name: str,
    server: Loopback,
    replay: Replay,
    client: httpx.AsyncClient,
    box: Inbox,
    db_path: Path,
) -> None:
    network = NETWORKS[name]
    clock = Clock(START)
    world = World(server, replay, client, clock, [])
    spec = SourceSpec(name, network.channel, 60.0, network.make(world))
    collector = Collector(box, [spec], backfill_s=3600, clock=clock)

    for n in range(3):  # the first posts of a burst, all in one second
        network.publish(world, n, SECOND)
    await collector.poll(spec)
    assert sorted(stored(db_path, network.channel)) == [f"kestrel {n}" for n in range(3)]

    clock.now += 120
    for n in range(3, 9):  # more of that same second, listed after the poll
        network.publish(world, n, SECOND)
    network.publish(world, 9, LATE)  # dated before the cursor, listed only now
    await collector.poll(spec)
    clock.now += 120
    state = await collector.poll(spec)  # and again: what it reads twice is dropped

    texts = stored(db_path, network.channel)
    assert sorted(texts) == sorted(f"kestrel {n}" for n in range(10))
    assert state is not None and state.state == "ok" and state.stored == 10
