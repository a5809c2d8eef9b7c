"""Reddit and GitHub comments against loopback APIs: OAuth, markers, limits, exactly once."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest

from scrm_tui.channels.github.api import GitHubSender
from scrm_tui.channels.reddit.api import RedditSender
from scrm_tui.core.outgoing import PermanentError, ReplyRequest, SendError, TransientError
from tests.fakes.loopback import Loopback

NOW = datetime(2026, 8, 1, 13, 58, tzinfo=UTC).timestamp()
COMMENT = "reddit.comment"
TOKEN = "reddit.access_token"
ISSUE = "https://github.com/scrm-dev/scrm/issues/7"
CREATE = "github.create_comment"


def queued_ms() -> int:
    """The loopback stamps comments with the real time: queue them "now" too."""
    return int(time.time() * 1000)


def reddit(server: Loopback, client: httpx.AsyncClient, **changes: object) -> RedditSender:
    return RedditSender(client, server.reddit_account(**changes), clock=lambda: NOW)


def to_reddit(
    text: str = "Sorry about that!", *, attempt: int = 1, to: str = "t1_d1616q2"
) -> ReplyRequest:
    return ReplyRequest(
        "reddit", text, "k-1", in_reply_to=to, attempt=attempt, created_ms=queued_ms()
    )


def github(server: Loopback, client: httpx.AsyncClient, **changes: object) -> GitHubSender:
    return GitHubSender(client, server.github_account(**changes), clock=lambda: NOW)


def to_github(*, attempt: int = 1, url: str = ISSUE, key: str = "01J9ZK7Q") -> ReplyRequest:
    return ReplyRequest(
        "github", "Fixed in 1.2.", key, target_url=url, attempt=attempt, created_ms=queued_ms()
    )


def clean(error: SendError, *secrets: str) -> SendError:
    for secret in (*secrets, "/api/", "/repos/", "?"):
        assert secret not in error.reason
    return error


async def reddit_error(server: Loopback, client: httpx.AsyncClient) -> SendError:
    with pytest.raises(SendError) as caught:
        await reddit(server, client).send(to_reddit())
    return clean(caught.value, Loopback.REDDIT_CLIENT_SECRET, Loopback.REDDIT_REFRESH_TOKEN)


async def github_error(server: Loopback, client: httpx.AsyncClient, **changes: object) -> SendError:
    with pytest.raises(SendError) as caught:
        await github(server, client, **changes).send(to_github())
    return clean(caught.value, Loopback.GITHUB_TOKEN)


# -- Reddit ------------------------------------------------------------------------------


async def test_reddit_comments_with_oauth_and_the_app_s_user_agent(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    sent = await reddit(server, client).send(to_reddit())
    [comment] = server.posts("reddit")
    assert sent.remote_id == comment["name"] and sent.remote_id.startswith("t1_")
    assert sent.url == "https://www.reddit.com" + comment["permalink"]
    [post] = server.requests(COMMENT)
    assert post.form() == {
        "thing_id": "t1_d1616q2",
        "text": "Sorry about that!",
        "api_type": "json",
    }
    assert post.headers["user-agent"] == Loopback.REDDIT_USER_AGENT
    assert post.headers["authorization"].startswith("bearer reddit-token-")
    [login] = server.requests(TOKEN)
    assert login.form() == {
        "grant_type": "refresh_token",
        "refresh_token": Loopback.REDDIT_REFRESH_TOKEN,
    }
    assert login.headers["user-agent"] == Loopback.REDDIT_USER_AGENT


async def test_reddit_keeps_its_token_and_renews_it_once_on_401(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    sender = reddit(server, client)
    await sender.send(to_reddit(to="t3_4b1tfm"))
    await sender.send(to_reddit(to="t1_d1680wu"))
    assert len(server.requests(TOKEN)) == 1
    server.expire_reddit()
    await sender.send(to_reddit(to="t1_d1680wv"))
    assert len(server.requests(TOKEN)) == 2 and server.count("reddit") == 3


async def test_reddit_script_apps_log_in_with_a_password(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    await reddit(server, client, password=Loopback.REDDIT_PASSWORD).send(to_reddit())
    assert server.requests(TOKEN)[0].form()["grant_type"] == "password"


async def test_reddit_refuses_to_send_without_a_user_agent(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    with pytest.raises(PermanentError, match="user agent"):
        await reddit(server, client, user_agent=" ").send(to_reddit())
    assert server.requests() == []


@pytest.mark.parametrize("thing", ["d1616q2", "t4_2r1s1k2", "t1_../../api", ""])
async def test_reddit_answers_only_comments_and_posts(
    server: Loopback, client: httpx.AsyncClient, thing: str
) -> None:
    with pytest.raises(PermanentError, match=r"t1_… or t3_…"):
        await reddit(server, client).send(to_reddit(to=thing))
    assert server.requests() == []


async def test_reddit_ratelimit_error_waits_as_the_text_says(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    limited = ["RATELIMIT", "you are doing that too much. try again in 5 minutes.", "ratelimit"]
    server.fail(COMMENT, status=200, body={"json": {"errors": [limited]}})
    error = await reddit_error(server, client)
    assert isinstance(error, TransientError) and error.retry_at == NOW + 300
    assert error.reason == "Reddit rate limit: waiting until 14:03:00 UTC"


async def test_reddit_other_errors_are_permanent(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    locked = ["THREAD_LOCKED", "Comments are locked.", "parent"]
    server.fail(COMMENT, status=200, body={"json": {"errors": [locked]}})
    error = await reddit_error(server, client)
    assert isinstance(error, PermanentError)
    assert error.reason == "Reddit refused the comment: Comments are locked. (THREAD_LOCKED)"


async def test_reddit_429_waits_for_the_reset_seconds(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    headers = {
        "x-ratelimit-remaining": "0.0",
        "x-ratelimit-used": "1000",
        "x-ratelimit-reset": "346",
    }
    server.fail(COMMENT, status=429, body=b"Too Many Requests", headers=headers)
    error = await reddit_error(server, client)
    assert isinstance(error, TransientError) and error.retry_at == NOW + 346


async def test_reddit_bad_app_credentials(server: Loopback, client: httpx.AsyncClient) -> None:
    with pytest.raises(PermanentError) as caught:
        await reddit(server, client, client_secret="wrong-secret").send(to_reddit())
    assert caught.value.reason == "Reddit refused the app's client id or secret (401)"


async def test_reddit_revoked_refresh_token(server: Loopback, client: httpx.AsyncClient) -> None:
    with pytest.raises(PermanentError) as caught:
        await reddit(server, client, refresh_token="revoked").send(to_reddit())
    assert caught.value.reason == "Reddit refused the login (invalid_grant)"


async def test_reddit_retry_after_a_lost_answer_finds_the_comment(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.delay(COMMENT, 1.0)
    with pytest.raises(TransientError, match="did not answer"):
        await reddit(server, client).send(to_reddit())
    sent = await reddit(server, client).send(to_reddit(attempt=2))
    assert server.count("reddit") == 1 and sent.remote_id == server.posts("reddit")[0]["name"]
    assert len(server.requests(COMMENT)) == 1


async def test_reddit_retry_posts_when_the_first_attempt_never_arrived(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    await reddit(server, client).send(to_reddit("an older, different answer"))
    server.fail(COMMENT, status=503)
    with pytest.raises(TransientError):
        await reddit(server, client).send(to_reddit())
    await reddit(server, client).send(to_reddit(attempt=2))
    assert [c["body"] for c in server.posts("reddit")] == [
        "an older, different answer",
        "Sorry about that!",
    ]


# -- GitHub ------------------------------------------------------------------------------


async def test_github_comments_with_a_hidden_marker(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    sent = await github(server, client).send(to_github())
    [comment] = server.posts("github")
    assert sent.remote_id == str(comment["id"])
    assert sent.url == f"{ISSUE}#issuecomment-{comment['id']}"
    [post] = server.requests(CREATE)
    assert post.path == "/github/repos/scrm-dev/scrm/issues/7/comments"
    assert post.json() == {"body": "Fixed in 1.2.\n\n<!-- scrm:01J9ZK7Q -->"}
    assert post.headers["accept"] == "application/vnd.github+json"
    assert post.headers["x-github-api-version"] == "2022-11-28"
    assert post.headers["authorization"] == f"Bearer {Loopback.GITHUB_TOKEN}"


async def test_github_pull_requests_use_the_issue_endpoint(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    url = "https://github.com/scrm-dev/scrm/pull/12#discussion_r1"
    await github(server, client).send(to_github(url=url))
    assert server.requests(CREATE)[0].path == "/github/repos/scrm-dev/scrm/issues/12/comments"


async def test_github_discussions_cannot_be_answered(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    url = "https://github.com/scrm-dev/scrm/discussions/3"
    with pytest.raises(PermanentError) as caught:
        await github(server, client).send(to_github(url=url))
    assert caught.value.reason == (
        "GitHub discussions cannot be answered through the REST API: reply on the page"
    )
    assert server.requests() == []


@pytest.mark.parametrize("url", [None, "https://github.com/scrm-dev/scrm", "scrm-dev/scrm#7"])
async def test_github_needs_an_issue_address(
    server: Loopback, client: httpx.AsyncClient, url: str | None
) -> None:
    request = ReplyRequest("github", "x", "k", target_url=url)
    with pytest.raises(PermanentError, match="reply on the page"):
        await github(server, client).send(request)


async def test_github_retry_after_a_lost_answer_finds_the_comment(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.drop(CREATE, after=True)
    with pytest.raises(TransientError, match="closed the connection"):
        await github(server, client).send(to_github())
    sent = await github(server, client).send(to_github(attempt=2))
    assert server.count("github") == 1 and sent.remote_id == str(server.posts("github")[0]["id"])
    [lookup] = server.requests("github.list_comments")
    assert lookup.param("per_page") == "100" and lookup.param("since").endswith("Z")


async def test_github_retry_posts_when_the_marker_is_not_there(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    await github(server, client).send(to_github(key="other-key"))
    await github(server, client).send(to_github(attempt=2))
    assert server.count("github") == 2


async def test_github_primary_rate_limit_is_a_403_with_nothing_left(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    reset = int(NOW) + 1800
    server.fail(
        CREATE,
        payload="github_error_403_rate_limit_2013.json",
        headers={"x-ratelimit-reset": str(reset)},
    )
    error = await github_error(server, client)
    assert isinstance(error, TransientError) and error.retry_at == reset
    assert error.reason == "GitHub rate limit: waiting until 14:28:00 UTC"


async def test_github_secondary_rate_limit(server: Loopback, client: httpx.AsyncClient) -> None:
    message = {
        "message": "You have exceeded a secondary rate limit and have been temporarily "
        "blocked from content creation. Please retry your request again later."
    }
    server.fail(CREATE, status=403, body=message, headers={"x-ratelimit-remaining": "4990"})
    error = await github_error(server, client)
    assert isinstance(error, TransientError) and error.retry_at == NOW + 60


async def test_github_bad_credentials(server: Loopback, client: httpx.AsyncClient) -> None:
    error = await github_error(server, client, token="ghp_wrongwrongwrong")
    assert isinstance(error, PermanentError)
    assert error.reason == "GitHub refused the token (401): Bad credentials"
    assert "ghp_wrongwrongwrong" not in error.reason


@pytest.mark.parametrize(
    ("status", "message", "reason"),
    [
        (404, "Not Found", "GitHub could not find it (404): Not Found"),
        (410, "Issues are disabled for this repo", "GitHub says it is gone (410): Issues are"),
        (422, "Validation Failed", "GitHub rejected the post (422): Validation Failed"),
        (403, "Unable to create comment because issue is locked.", "GitHub refused the request"),
    ],
)
async def test_github_refusals_are_permanent(
    server: Loopback, client: httpx.AsyncClient, status: int, message: str, reason: str
) -> None:
    server.fail(CREATE, status=status, body={"message": message})
    error = await github_error(server, client)
    assert isinstance(error, PermanentError) and error.reason.startswith(reason)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_github_server_errors_are_transient(
    server: Loopback, client: httpx.AsyncClient, status: int
) -> None:
    server.fail(CREATE, status=status, body=b"")
    error = await github_error(server, client)
    assert isinstance(error, TransientError) and error.status == status
