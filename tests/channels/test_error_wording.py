"""What a failed request says is what happened: a 422 on a read is no rejected post, a
401 to a request without a token refused no token, a 404 while listening names what
was not found, and GitHub's hourly limit without a reset time invents no minute. Each
through a real server on 127.0.0.1 answering with the recorded error bodies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from scrm_tui.channels.github.api import GitHubSource
from scrm_tui.channels.hackernews.api import HackerNewsSource
from scrm_tui.channels.mastodon.api import MastodonSource
from scrm_tui.channels.rss.feeds import FeedSource
from scrm_tui.core.outgoing import AuthError, PermanentError, SendError, TransientError
from tests.channels.test_reddit_text_mentions import source as reddit
from tests.fakes.loopback import Loopback
from tests.fakes.replay import Replay

NOW = datetime(2026, 8, 1, 13, 58, tzinfo=UTC).timestamp()


@pytest.fixture
def replay() -> Iterator[Replay]:
    with Replay() as running:
        yield running


def mastodon(base: str, client: httpx.AsyncClient, kind: str, **options: object) -> MastodonSource:
    return MastodonSource(
        client,
        options.pop("account", None),  # type: ignore[arg-type]
        base_url=base,
        kind=kind,
        clock=lambda: NOW,
        **options,  # type: ignore[arg-type]
    )


async def failure(source: object, kind: type[SendError] = SendError) -> SendError:
    with pytest.raises(kind) as caught:
        await source.fetch(None, 0)  # type: ignore[attr-defined]
    return caught.value


async def test_a_422_on_a_search_is_not_a_rejected_post(
    replay: Replay, client: httpx.AsyncClient
) -> None:
    replay.route("/m/api/v2/search", file="mastodon_error_422_validation.json")
    error = await failure(mastodon(replay.url("/m"), client, "search", query="kestrel"))
    assert isinstance(error, PermanentError) and error.status == 422
    assert error.reason.startswith("Mastodon could not process the request (422): Validation")
    assert "post" not in error.reason


async def test_a_401_to_a_request_without_a_token_refused_no_token(
    replay: Replay, client: httpx.AsyncClient
) -> None:
    replay.route("/m/api/v1/timelines/tag/kestrel", file="mastodon_error_401_invalid_token.json")
    error = await failure(mastodon(replay.url("/m"), client, "tag", tag="kestrel"))
    assert type(error) is PermanentError and error.status == 401  # no login to fix
    assert error.reason == "Mastodon refused the request (401): The access token is invalid"
    [request] = replay.requests("/m/api/v1/timelines/tag/kestrel")
    assert "authorization" not in request.headers


async def test_a_401_to_a_request_with_a_token_refused_the_token(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.fail("mastodon.notifications", payload="mastodon_error_401_invalid_token.json")
    source = mastodon(
        server.mastodon_url, client, "notifications", account=server.mastodon_account()
    )
    error = await failure(source, AuthError)
    assert error.reason == "Mastodon refused the token (401): The access token is invalid"


async def test_a_404_while_listening_says_what_was_not_found(
    replay: Replay, client: httpx.AsyncClient
) -> None:
    host = "127.0.0.1"
    replay.route("/m/api/v1/timelines/tag/kestrel", file="mastodon_error_404_record_not_found.json")
    tag = await failure(mastodon(replay.url("/m"), client, "tag", tag="kestrel"))
    assert tag.reason == (
        f"Mastodon could not find the hashtag #kestrel on {host} (404): Record not found"
    )
    replay.route("/hn/search_by_date", status=404, body={"message": "Not Found"})
    hn = HackerNewsSource(client, query="kestrel", api_url=replay.url("/hn"), clock=lambda: NOW)
    assert (await failure(hn)).reason == (
        f"Hacker News could not find the Algolia search API at {host} (404): Not Found"
    )
    replay.route("/feed.xml", status=404, body="Not Found", content_type="text/plain")
    feed = FeedSource(client, url=replay.url("/feed.xml"), name="blog")
    assert (await failure(feed)).reason == (
        f"blog could not find the feed at {host} (moved or removed?) (404): Not Found"
    )
    replay.route("/gh/search/issues", status=404, body={"message": "Not Found"})
    github = GitHubSource(
        client, None, query="kestrel", api_url=replay.url("/gh"), clock=lambda: NOW
    )
    assert (await failure(github)).reason == (
        f"GitHub could not find issue search at {host} (404): Not Found"
    )


async def test_a_404_for_a_subreddit_names_it(server: Loopback, client: httpx.AsyncClient) -> None:
    server.fail(
        "reddit.subreddit_comments", status=404, body={"message": "Not Found", "error": 404}
    )
    account = server.reddit_account(refresh_token=None)
    source = reddit(server, client, "comments", account=account, subreddit="r/kestrelapp")
    error = await failure(source, PermanentError)
    assert error.reason == (
        "Reddit could not find the subreddit r/kestrelapp (private, banned or misspelt?)"
        " (404): Not Found"
    )


async def test_githubs_hourly_limit_without_a_reset_invents_no_minute(
    replay: Replay, client: httpx.AsyncClient
) -> None:
    # As recorded: x-ratelimit-remaining 0 and no x-ratelimit-reset, no Retry-After.
    replay.route("/gh/search/issues", file="github_error_403_rate_limit_2013.json")
    github = GitHubSource(
        client, None, query="kestrel", api_url=replay.url("/gh"), clock=lambda: NOW
    )
    error = await failure(github, TransientError)
    assert error.status == 403 and error.retry_at is None
    assert error.reason == (
        "GitHub rate limit (403): API Rate Limit Exceeded for 203.0.113.7; it lifts within the hour"
    )
    assert "waiting until" not in error.reason


async def test_githubs_limit_with_a_reset_still_says_when(
    replay: Replay, client: httpx.AsyncClient
) -> None:
    reset = int(NOW) + 1800
    replay.route(
        "/gh/search/issues",
        file="github_error_403_rate_limit_2013.json",
        headers={"x-ratelimit-reset": str(reset)},
    )
    github = GitHubSource(
        client, None, query="kestrel", api_url=replay.url("/gh"), clock=lambda: NOW
    )
    error = await failure(github, TransientError)
    assert error.retry_at == reset
    assert error.reason == "GitHub rate limit: waiting until 14:28:00 UTC"
