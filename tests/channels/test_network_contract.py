"""One contract for every network in the table: its bad days against a real loopback
server on 127.0.0.1. A network joins by adding its harness below; the first test fails
until every network that answers or listens has one."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from scrm_tui.core import networks
from scrm_tui.core.outgoing import PermanentError, ReplyRequest, SendError, TransientError
from tests.fakes.lemmy import LemmyLoopback, serve_lemmy
from tests.fakes.loopback import Loopback
from tests.fakes.replay import Replay

NOW = datetime(2026, 8, 1, 13, 58, tzinfo=UTC).timestamp()
MASTODON_PARENT = "117020583245459824"
GITHUB_ISSUE = "https://github.com/scrm-dev/scrm/issues/7"


@pytest.fixture
def server() -> Iterator[LemmyLoopback]:
    """Every loopback API and a Lemmy instance: each network's harness finds its own."""
    yield from serve_lemmy()


def _queued_ms() -> int:
    """Reddit and GitHub look for their own comment since the reply was queued; the
    loopback stamps comments with the real time, so queue them "now" too."""
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Answers:
    """How a network's sender meets the loopback: the account, the post to make (for an
    attempt number), the route that makes it and where the loopback keeps what it made."""

    account: Callable[[Loopback], Any]
    request: Callable[[Loopback, int], ReplyRequest]
    create: str
    kind: str
    prepare: Callable[[Loopback], None] = lambda server: None


def _mastodon_request(server: Loopback, attempt: int) -> ReplyRequest:
    return ReplyRequest(
        "mastodon", "@ann same!", "5f0c6b1e-key", in_reply_to=MASTODON_PARENT, attempt=attempt
    )


def _bluesky_request(server: Loopback, attempt: int) -> ReplyRequest:
    parent = server.parent_post["uri"]
    return ReplyRequest("bluesky", "thanks!", "3lprdue7ggw26", in_reply_to=parent, attempt=attempt)


def _reddit_request(server: Loopback, attempt: int) -> ReplyRequest:
    return ReplyRequest(
        "reddit",
        "Sorry about that!",
        "k-1",
        in_reply_to="t1_d1616q2",
        attempt=attempt,
        created_ms=_queued_ms(),
    )


def _github_request(server: Loopback, attempt: int) -> ReplyRequest:
    return ReplyRequest(
        "github",
        "Fixed in 1.2.",
        "01J9ZK7Q",
        target_url=GITHUB_ISSUE,
        attempt=attempt,
        created_ms=_queued_ms(),
    )


def _lemmy_request(server: Loopback, attempt: int) -> ReplyRequest:
    assert isinstance(server, LemmyLoopback)
    return ReplyRequest(
        "lemmy",
        "A fix is in 4.2.1.",
        "c0ffee-key",
        target_url=f"{server.lemmy_url}/comment/88412",
        attempt=attempt,
        created_ms=_queued_ms(),
    )


def _lemmy_account(server: Loopback) -> Any:
    assert isinstance(server, LemmyLoopback)
    return server.lemmy_account()


ANSWERS: dict[str, Answers] = {
    "mastodon": Answers(
        account=lambda server: server.mastodon_account(),
        request=_mastodon_request,
        create="mastodon.post_status",
        kind="mastodon",
        prepare=lambda server: server.add_mastodon_status(MASTODON_PARENT) and None,
    ),
    "bluesky": Answers(
        account=lambda server: server.bluesky_account(),
        request=_bluesky_request,
        create="bluesky.createRecord",
        kind="bluesky",
    ),
    "reddit": Answers(
        account=lambda server: server.reddit_account(),
        request=_reddit_request,
        create="reddit.comment",
        kind="reddit",
    ),
    "github": Answers(
        account=lambda server: server.github_account(),
        request=_github_request,
        create="github.create_comment",
        kind="github",
    ),
    "lemmy": Answers(
        account=_lemmy_account,
        request=_lemmy_request,
        create="lemmy.create_comment",
        kind="lemmy",
    ),
}


def test_every_network_that_answers_is_under_contract() -> None:
    answering = {net.name for net in networks.all_networks() if net.sender is not None}
    assert answering == set(ANSWERS)
    # and one that cannot answer says why, in words
    for net in networks.all_networks():
        assert (net.sender is None) == (net.no_reply is not None), net.name


def test_a_name_nobody_registered_is_named_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(networks.UnknownNetwork, match="unknown network 'myspace' \\(known: "):
        networks.network("myspace")
    monkeypatch.setattr(networks, "_TABLE", {})
    with pytest.raises(networks.UnknownNetwork, match="no networks are registered"):
        networks.network("mastodon")


NAMES = sorted(ANSWERS)


def _sender(name: str, server: Loopback, client: httpx.AsyncClient) -> Any:
    """The network's sender as the outbox makes it: through its record."""
    answers = ANSWERS[name]
    answers.prepare(server)
    make = networks.network(name).sender
    assert make is not None
    return make(client, answers.account(server), lambda: NOW)


async def _refused(name: str, server: Loopback, client: httpx.AsyncClient) -> SendError:
    with pytest.raises(SendError) as caught:
        await _sender(name, server, client).send(ANSWERS[name].request(server, 1))
    return caught.value


async def _retried(name: str, server: Loopback, client: httpx.AsyncClient) -> None:
    """Attempt 2 after a failed attempt 1, then what the network holds: one post."""
    await _sender(name, server, client).send(ANSWERS[name].request(server, 2))
    assert server.count(ANSWERS[name].kind) == 1


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("timeout", "{label} did not answer within 0.3 s"),
        ("truncate", "{label} sent a response that is not valid JSON"),
    ],
)
async def test_an_answer_lost_after_posting_then_a_retry_makes_one_post(
    server: Loopback, client: httpx.AsyncClient, name: str, fault: str, reason: str
) -> None:
    if fault == "timeout":
        server.delay(ANSWERS[name].create, 1.0)
    else:
        server.truncate(ANSWERS[name].create)
    error = await _refused(name, server, client)
    label = networks.network(name).label
    assert type(error) is TransientError and error.reason == reason.format(label=label)
    await _retried(name, server, client)


@pytest.mark.parametrize("name", NAMES)
async def test_a_5xx_after_posting_then_a_retry_makes_one_post(
    server: Loopback, client: httpx.AsyncClient, name: str
) -> None:
    # The post was made but its answer lost: the sender either finds it at once
    # (Bluesky looks its record key up) or fails, and the retry finds it.
    server.fail(ANSWERS[name].create, status=502, body={"error": "bad gateway"}, after=True)
    try:
        await _sender(name, server, client).send(ANSWERS[name].request(server, 1))
    except TransientError:
        await _retried(name, server, client)
    assert server.count(ANSWERS[name].kind) == 1


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (403, "{label}: blocked by something in between: 403 Forbidden"),
        (502, "{label}: HTTP 502 from 127.0.0.1 (an HTML error page)"),
    ],
)
async def test_an_html_page_in_between_is_worth_another_try(
    server: Loopback, client: httpx.AsyncClient, name: str, status: int, reason: str
) -> None:
    server.html(ANSWERS[name].create, status)
    error = await _refused(name, server, client)
    label = networks.network(name).label
    assert type(error) is TransientError and error.reason == reason.format(label=label)
    assert server.count(ANSWERS[name].kind) == 0


@pytest.mark.parametrize("name", NAMES)
async def test_a_429_waits_as_asked(server: Loopback, client: httpx.AsyncClient, name: str) -> None:
    server.fail(
        ANSWERS[name].create, status=429, body={"error": "slow down"}, headers={"Retry-After": "90"}
    )
    error = await _refused(name, server, client)
    assert type(error) is TransientError and error.status == 429
    assert error.retry_at == NOW + 90
    assert server.count(ANSWERS[name].kind) == 0


@pytest.mark.parametrize("name", NAMES)
async def test_a_refusal_is_permanent_and_says_no_secret(
    server: Loopback, client: httpx.AsyncClient, name: str
) -> None:
    server.fail(ANSWERS[name].create, status=422, body={"error": "This action is not allowed"})
    error = await _refused(name, server, client)
    assert isinstance(error, PermanentError)
    for secret in (
        Loopback.MASTODON_TOKEN,
        Loopback.BLUESKY_PASSWORD,
        Loopback.REDDIT_CLIENT_SECRET,
        Loopback.REDDIT_REFRESH_TOKEN,
        Loopback.GITHUB_TOKEN,
        LemmyLoopback.LEMMY_PASSWORD,
    ):
        assert secret not in error.reason
    assert server.count(ANSWERS[name].kind) == 0


# -- listening ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Listens:
    """How one of a network's sources meets the loopback: the source, the route it
    reads, a cursor it made, one it never could have, and how many mentions it finds."""

    source: Callable[[Any, httpx.AsyncClient, float], Any]  # (server, client, now)
    route: str
    now: float
    since_ms: int
    cursor: str | None
    damaged: str
    found: int
    # Served by the replay of recorded files (a path) rather than the loopback's API.
    replayed: bool = False
    # Whom its errors name (a feed's own name), when not the network's label.
    speaks_as: str | None = None
    # A body cut short is read as far as it goes (a feed's entries before the cut), not
    # refused: tests/channels/test_source_feeds.py holds what it keeps.
    reads_cut_bodies: bool = False


def _ms(year: int, month: int, day: int) -> int:
    return int(datetime(year, month, day, tzinfo=UTC).timestamp() * 1000)


def _mastodon_source(server: Loopback, client: httpx.AsyncClient, now: float) -> Any:
    from scrm_tui.channels.mastodon.api import MastodonSource

    account = server.mastodon_account()
    return MastodonSource(
        client, account, base_url=server.mastodon_url, kind="notifications", clock=lambda: now
    )


def _bluesky_source(server: Loopback, client: httpx.AsyncClient, now: float) -> Any:
    from scrm_tui.channels.bluesky.source import BlueskySource

    account = server.bluesky_account()
    return BlueskySource(client, account, kind="search", query="redistricting", clock=lambda: now)


def _reddit_source(server: Loopback, client: httpx.AsyncClient, now: float) -> Any:
    from scrm_tui.channels.reddit.api import RedditSource

    account = server.reddit_account(refresh_token=None)
    return RedditSource(client, account, kind="comments", subreddit="r/test", clock=lambda: now)


def _github_source(server: Loopback, client: httpx.AsyncClient, now: float) -> Any:
    from scrm_tui.channels.github.api import GitHubSource

    account = server.github_account()
    return GitHubSource(
        client, account, query="sesame", api_url=server.github_api_url, clock=lambda: now
    )


def _lemmy_source(server: Loopback, client: httpx.AsyncClient, now: float) -> Any:
    from scrm_tui.channels.lemmy import LemmySession, LemmySource

    session = LemmySession(client, _lemmy_account(server), lambda: now)
    return LemmySource(session, kind="search", query="kestrel", clock=lambda: now)


def _hackernews_source(server: Replay, client: httpx.AsyncClient, now: float) -> Any:
    from scrm_tui.channels.hackernews.api import HackerNewsSource

    url = server.url("/hn")
    return HackerNewsSource(client, query="apple", api_url=url, hits_per_page=20, clock=lambda: now)


def _rss_source(server: Replay, client: httpx.AsyncClient, now: float) -> Any:
    from scrm_tui.channels.rss.feeds import FeedSource

    return FeedSource(client, url=server.url("/feed"), name="Alerts", clock=lambda: now)


LISTENS: dict[str, Listens] = {
    "mastodon": Listens(
        _mastodon_source,
        "mastodon.notifications",
        NOW,
        _ms(2026, 8, 1),
        "21",
        '{"newest": 3}',
        1,
    ),
    "bluesky": Listens(
        _bluesky_source,
        "bluesky.searchPosts",
        datetime(2025, 5, 19, 17, 20, tzinfo=UTC).timestamp(),
        _ms(2025, 5, 19),
        None,
        '{"seen": []}',
        25,
    ),
    "reddit": Listens(
        _reddit_source,
        "reddit.subreddit_comments",
        datetime(2023, 10, 8, 19, 41, 16, tzinfo=UTC).timestamp(),
        _ms(2023, 10, 1),
        None,
        '{"after": 7}',
        10,
    ),
    "github": Listens(
        _github_source,
        "github.search_issues",
        datetime(2022, 7, 19, 4, 41, 7, tzinfo=UTC).timestamp(),
        _ms(2022, 7, 19),
        None,
        '{"newest": []}',
        2,
    ),
    "lemmy": Listens(
        _lemmy_source,
        "lemmy.search",
        NOW,
        _ms(2026, 8, 1),
        None,
        '{"page": "two"}',
        3,
    ),
    "hackernews": Listens(
        _hackernews_source,
        "/hn/search_by_date",
        datetime(2014, 6, 5, 4, 0, tzinfo=UTC).timestamp(),
        0,
        None,
        '{"after": "x"}',
        20,
        replayed=True,
    ),
    "rss": Listens(
        _rss_source,
        "/feed",
        datetime(2026, 11, 20, 12, 0, tzinfo=UTC).timestamp(),
        0,
        None,
        "[1, 2]",
        20,
        replayed=True,
        speaks_as="Alerts",
        reads_cut_bodies=True,
    ),
}
LISTENING = sorted(LISTENS)


def test_every_network_that_listens_is_under_contract() -> None:
    listening = {net.name for net in networks.all_networks() if net.sources is not None}
    assert listening == set(LISTENS)


@pytest.fixture
def replay() -> Iterator[Replay]:
    """The recorded files the replayed networks read, each on its path."""
    with Replay() as running:
        running.route("/hn/search_by_date", file="hn_algolia_search_by_date_comment.json")
        running.route("/feed", file="atom_google_alerts.xml")
        yield running


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Callable[[str], Any]:
    """The server a network's source reads: the loopback or the replay."""
    return lambda name: request.getfixturevalue("replay" if LISTENS[name].replayed else "server")


async def _fetch_fails(name: str, server: Any, client: httpx.AsyncClient) -> SendError:
    case = LISTENS[name]
    with pytest.raises(SendError) as caught:
        await case.source(server, client, case.now).fetch(case.cursor, case.since_ms)
    return caught.value


FAULTS = ("500", "timeout", "truncate", "drop")
# Every listening network meets every fault, but a body cut short where a network reads
# as far as it goes (a feed): tests/channels/test_source_feeds.py holds what that keeps.
MET = [
    (name, fault)
    for name in LISTENING
    for fault in FAULTS
    if not (fault == "truncate" and LISTENS[name].reads_cut_bodies)
]


@pytest.mark.parametrize(("name", "fault"), MET)
async def test_server_errors_timeouts_and_cut_bodies_are_transient_and_pass(
    served: Callable[[str], Any], client: httpx.AsyncClient, name: str, fault: str
) -> None:
    case, server = LISTENS[name], served(name)
    clean = await case.source(server, client, case.now).fetch(case.cursor, case.since_ms)
    assert len(clean.mentions) == case.found
    if fault == "500":
        server.fail(case.route, status=500, body={"error": "boom"})
    elif fault == "timeout":
        server.delay(case.route, 1.0)
    elif fault == "truncate":
        server.truncate(case.route)
    else:
        server.drop(case.route)
    error = await _fetch_fails(name, server, client)
    assert type(error) is TransientError
    if fault == "500":
        assert error.status == 500
    elif fault == "timeout":
        assert "did not answer" in error.reason
    page = await case.source(server, client, case.now).fetch(case.cursor, case.since_ms)
    assert page == clean  # the next poll reads as if nothing had happened


@pytest.mark.parametrize("name", LISTENING)
async def test_a_403_html_page_is_something_in_between_not_the_credentials(
    served: Callable[[str], Any], client: httpx.AsyncClient, name: str
) -> None:
    server = served(name)
    server.html(LISTENS[name].route, 403)
    error = await _fetch_fails(name, server, client)
    says = LISTENS[name].speaks_as or networks.network(name).label
    assert type(error) is TransientError
    assert error.reason == f"{says}: blocked by something in between: 403 Forbidden"


@pytest.mark.parametrize("name", LISTENING)
async def test_a_429_with_retry_after_waits_as_asked(
    served: Callable[[str], Any], client: httpx.AsyncClient, name: str
) -> None:
    case, server = LISTENS[name], served(name)
    server.fail(case.route, status=429, body={"error": "slow down"}, headers={"Retry-After": "90"})
    error = await _fetch_fails(name, server, client)
    assert type(error) is TransientError and error.status == 429
    assert error.retry_at == case.now + 90


@pytest.mark.parametrize("name", LISTENING)
async def test_a_damaged_cursor_is_permanent_and_asks_nothing(
    served: Callable[[str], Any], client: httpx.AsyncClient, name: str
) -> None:
    case, server = LISTENS[name], served(name)
    with pytest.raises(PermanentError):
        await case.source(server, client, case.now).fetch(case.damaged, case.since_ms)
    assert server.requests(case.route) == []  # a cursor is read before any request
