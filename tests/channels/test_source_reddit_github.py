"""Reddit and GitHub listening against the loopback: shapes, cursors, paging, bad days."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from scrm_tui.channels.github.api import GitHubSource
from scrm_tui.channels.reddit.api import RedditSource
from scrm_tui.core.listening import OVERLAP_S
from scrm_tui.core.models import Channel
from scrm_tui.core.outgoing import PermanentError, TransientError
from tests.fakes.loopback import Loopback

REDDIT_NOW = datetime(2023, 10, 8, 19, 41, 16, tzinfo=UTC).timestamp()
REDDIT_SINCE = int(datetime(2023, 10, 1, tzinfo=UTC).timestamp() * 1000)
GITHUB_NOW = datetime(2022, 7, 19, 4, 41, 7, tzinfo=UTC).timestamp()
GITHUB_SINCE = int(datetime(2022, 7, 19, tzinfo=UTC).timestamp() * 1000)
COMMENTS = "reddit.subreddit_comments"
SEARCH = "github.search_issues"


def reddit(
    server: Loopback, client: httpx.AsyncClient, kind: str = "comments", **options: object
) -> RedditSource:
    account = options.pop("account", server.reddit_account(refresh_token=None))
    if kind == "comments":
        options.setdefault("subreddit", "r/test")
    return RedditSource(
        client,
        account,  # type: ignore[arg-type]
        kind=kind,
        clock=lambda: REDDIT_NOW,
        **options,  # type: ignore[arg-type]
    )


def series(newest_s: float) -> dict[str, object]:
    """The cursor after a series of pages whose newest thing was made at `newest_s`."""
    newest = int(newest_s * 1000)
    return {"since_ms": newest - int(OVERLAP_S * 1000), "newest_ms": newest, "after": None}


NEWEST_COMMENT_S = 1696754768.0  # t1_k3yrfii, the newest recorded comment


def github(server: Loopback, client: httpx.AsyncClient, **options: object) -> GitHubSource:
    account = options.pop("account", server.github_account())
    return GitHubSource(
        client,
        account,  # type: ignore[arg-type]
        query="sesame",
        api_url=server.github_api_url,
        clock=lambda: GITHUB_NOW,
        **options,  # type: ignore[arg-type]
    )


# -- Reddit ------------------------------------------------------------------------------


async def test_subreddit_comments_become_mentions_with_their_thread(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    page = await reddit(server, client).fetch(None, REDDIT_SINCE)
    assert len(page.mentions) == 10 and not page.more
    assert json.loads(page.cursor or "") == series(NEWEST_COMMENT_S)
    first = page.mentions[0]
    assert first.channel is Channel.REDDIT
    assert first.external_id == "t1_k3yrfii"
    assert first.text == "Did it work?"
    assert first.created_at == datetime(2023, 10, 8, 8, 46, 8, tzinfo=UTC)
    assert first.author.handle == "Acceptable-Bread-566"
    assert first.author.url == "https://www.reddit.com/user/Acceptable-Bread-566"
    assert (first.in_reply_to, first.root) == ("t1_k3u4rtt", "t3_agi5zf")
    assert first.url == (
        "https://www.reddit.com/r/<TEST_SUBREDDIT>/comments/agi5zf/<TEST_SUBREDDIT>/k3yrfii/"
    )
    assert first.matched == "r/test"
    assert first.points == 1  # its score when fetched, for its priority's reach
    [login] = server.requests("reddit.access_token")
    assert login.form() == {"grant_type": "client_credentials"}  # app-only
    [request] = server.requests(COMMENTS)
    assert request.path == "/reddit/r/test/comments"
    assert request.headers["user-agent"] == Loopback.REDDIT_USER_AGENT
    assert (request.param("limit"), request.param("raw_json")) == ("100", "1")


async def test_the_user_token_is_used_when_the_account_has_one(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    await reddit(server, client, account=server.reddit_account()).fetch(None, REDDIT_SINCE)
    assert server.requests("reddit.access_token")[0].form()["grant_type"] == "refresh_token"


async def test_comments_are_filtered_by_the_watch_terms(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    def matcher(text: str) -> str | None:
        return "vettedbot" if "vettedbot" in text.lower() else None

    page = await reddit(server, client, matcher=matcher).fetch(None, REDDIT_SINCE)
    assert page.mentions and all(m.matched == "vettedbot" for m in page.mentions)
    assert len(page.mentions) < 10
    # The newest thing, matched or not, sets the next floor: it was read.
    assert json.loads(page.cursor or "") == series(NEWEST_COMMENT_S)


async def test_polling_reads_down_to_a_while_before_the_newest_and_pages_a_burst(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    listening = reddit(server, client)
    cursor = (await listening.fetch(None, REDDIT_SINCE)).cursor
    again = await listening.fetch(cursor, REDDIT_SINCE)
    # From the top down to OVERLAP_S before the newest: read again, storage drops it.
    assert [m.external_id for m in again.mentions] == ["t1_k3yrfii"]
    assert again.cursor == cursor
    assert "before" not in server.requests(COMMENTS)[-1].query
    for n in range(150):
        comment = server.reddit_comment(f"k4{n:05d}", f"new {n}", created_utc=1696760000.0 + n)
        server.add_reddit_thing("comments", comment)
    first = await listening.fetch(again.cursor, REDDIT_SINCE)
    second = await listening.fetch(first.cursor, REDDIT_SINCE)
    assert first.more and not second.more
    assert server.requests(COMMENTS)[-1].param("after") == "t1_k400050"
    assert json.loads(second.cursor or "") == series(1696760149.0)
    texts = [m.text for m in first.mentions + second.mentions]
    assert sorted(texts) == sorted([*(f"new {n}" for n in range(150)), "Did it work?"])


async def test_search_posts_are_title_and_text(server: Loopback, client: httpx.AsyncClient) -> None:
    page = await reddit(server, client, "search", query="praw").fetch(None, 0)
    newest = page.mentions[0]
    assert newest.external_id == "t3_3x4kt2"
    assert newest.text.startswith("[PRAW] Is there an easy way of getting a list of the subredd")
    assert "\n\nAs the title says." in newest.text
    assert (newest.in_reply_to, newest.root, newest.matched) == (None, None, "praw")
    [request] = server.requests("reddit.search")
    assert (request.param("q"), request.param("sort")) == ("praw", "new")


async def test_reddit_needs_a_user_agent(server: Loopback, client: httpx.AsyncClient) -> None:
    account = server.reddit_account(user_agent=" ")
    with pytest.raises(PermanentError):
        await reddit(server, client, account=account).fetch(None, REDDIT_SINCE)
    assert server.requests() == []


async def test_reddit_bad_credentials_are_permanent_401(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    account = server.reddit_account(client_secret="wrong", refresh_token=None)
    with pytest.raises(PermanentError) as caught:
        await reddit(server, client, account=account).fetch(None, REDDIT_SINCE)
    assert caught.value.status == 401


async def test_reddit_429_waits_for_the_reset_seconds(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.fail(
        COMMENTS,
        status=429,
        body={"message": "Too Many Requests", "error": 429},
        headers={
            "x-ratelimit-remaining": "0.0",
            "x-ratelimit-used": "600",
            "x-ratelimit-reset": "42",
        },
    )
    with pytest.raises(TransientError) as caught:
        await reddit(server, client).fetch("t1_k3yrfii", REDDIT_SINCE)
    assert caught.value.retry_at == REDDIT_NOW + 42


async def test_reddit_low_budget_asks_for_a_pause(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.rate_limit("reddit", x_ratelimit_remaining="10.0", x_ratelimit_used="590")
    page = await reddit(server, client).fetch(None, REDDIT_SINCE)
    assert page.wait_s == 525.0


@pytest.mark.parametrize("fault", ["403", "500", "timeout", "truncate"])
async def test_reddit_bad_days(server: Loopback, client: httpx.AsyncClient, fault: str) -> None:
    if fault == "403":
        server.html(COMMENTS, 403)
    elif fault == "500":
        server.fail(COMMENTS, status=500, body="<html>oops</html>")
    elif fault == "timeout":
        server.delay(COMMENTS, 1.0)
    else:
        server.truncate(COMMENTS)
    with pytest.raises(TransientError) as caught:
        await reddit(server, client).fetch("t1_k3yrfii", REDDIT_SINCE)
    if fault == "403":  # a proxy's page: no verdict on the login, worth another try
        assert caught.value.reason == "Reddit: blocked by something in between: 403 Forbidden"


# -- GitHub ------------------------------------------------------------------------------


async def test_issues_become_mentions(server: Loopback, client: httpx.AsyncClient) -> None:
    page = await github(server, client).fetch(None, GITHUB_SINCE)
    first, second = page.mentions
    repo = (
        "https://github.com/octokit-fixture-org/tmp-scenario-search-issues-20220719044045959-jlcli"
    )
    assert first.channel is Channel.GITHUB
    assert first.external_id == first.url == f"{repo}/issues/2"
    assert (
        first.text
        == "Sesame seeds split without a pop!\n\nI’ve waited all year long, but there was no pop 😭"
    )
    assert first.created_at == datetime(2022, 7, 19, 4, 40, 52, tzinfo=UTC)
    assert first.author.handle == "octokit-fixture-user-b"
    assert first.matched == "sesame"
    assert second.external_id == f"{repo}/issues/1"
    assert json.loads(page.cursor or "") == {"newest": "2022-07-19T04:40:52Z"}
    [request] = server.requests(SEARCH)
    assert request.param("q") == "sesame is:issue created:>=2022-07-19T00:00:00Z"
    assert (request.param("sort"), request.param("order"), request.param("per_page")) == (
        "created",
        "desc",
        "100",
    )
    assert request.headers["authorization"] == f"Bearer {Loopback.GITHUB_TOKEN}"


async def test_github_polls_forward_reading_a_window_before_the_newest_again(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    listening = github(server, client, account=None)
    first_page = await listening.fetch(None, GITHUB_SINCE)
    known = {m.external_id for m in first_page.mentions}
    again = await listening.fetch(first_page.cursor, GITHUB_SINCE)
    # OVERLAP_S before the newest: what it read before comes again (storage drops it).
    assert {m.external_id for m in again.mentions} <= known
    assert server.requests(SEARCH)[-1].param("q") == (
        "sesame is:issue created:>=2022-07-19T04:30:52Z"
    )
    assert "authorization" not in server.requests(SEARCH)[-1].headers
    same_second = server.add_github_issue(7, "sesame too", "", created_at="2022-07-19T04:40:52Z")
    late = server.add_github_issue(8, "sesame late", "", created_at="2022-07-19T04:35:00Z")
    for n in range(120):
        server.add_github_issue(
            100 + n, f"sesame {n}", "b", created_at=f"2022-07-19T05:{n // 60:02d}:{n % 60:02d}Z"
        )
    first = await listening.fetch(again.cursor, GITHUB_SINCE)
    second = await listening.fetch(first.cursor, GITHUB_SINCE)
    assert first.more and not second.more
    ids = {m.external_id for m in first.mentions + second.mentions}
    assert len(ids - known) == 122 and {same_second["html_url"], late["html_url"]} <= ids
    assert json.loads(second.cursor or "")["newest"] == "2022-07-19T05:01:59Z"
    last = await listening.fetch(second.cursor, GITHUB_SINCE)
    assert {m.external_id for m in last.mentions} <= ids


async def test_github_low_search_budget_asks_for_a_pause(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    reset = str(int(GITHUB_NOW) + 30)
    server.rate_limit("github", x_ratelimit_remaining="1", x_ratelimit_reset=reset)
    page = await github(server, client).fetch(None, GITHUB_SINCE)
    assert page.wait_s == 30.0


async def test_github_403_rate_limit_waits_for_the_reset(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    reset = str(int(GITHUB_NOW) + 300)
    server.fail(
        SEARCH,
        payload="github_error_403_rate_limit_2013.json",
        headers={"x-ratelimit-reset": reset},
    )
    with pytest.raises(TransientError) as caught:
        await github(server, client).fetch(None, GITHUB_SINCE)
    assert (caught.value.status, caught.value.retry_at) == (403, GITHUB_NOW + 300)


async def test_github_429_with_nothing_left_waits_for_the_reset(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    reset = str(int(GITHUB_NOW) + 45)
    body = {"message": "API rate limit exceeded"}
    server.fail(
        SEARCH,
        status=429,
        body=body,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
    )
    with pytest.raises(TransientError) as caught:
        await github(server, client).fetch(None, GITHUB_SINCE)
    assert caught.value.retry_at == GITHUB_NOW + 45


async def test_github_bad_token_is_permanent_401(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    account = server.github_account(token="ghp_wrong")
    with pytest.raises(PermanentError) as caught:
        await github(server, client, account=account).fetch(None, GITHUB_SINCE)
    assert caught.value.status == 401 and "ghp_wrong" not in caught.value.reason


@pytest.mark.parametrize("fault", ["500", "timeout", "truncate"])
async def test_github_bad_days_are_transient(
    server: Loopback, client: httpx.AsyncClient, fault: str
) -> None:
    if fault == "500":
        server.fail(SEARCH, status=500, body={"message": "Server Error"})
    elif fault == "timeout":
        server.delay(SEARCH, 1.0)
    else:
        server.truncate(SEARCH)
    with pytest.raises(TransientError):
        await github(server, client).fetch(None, GITHUB_SINCE)
