"""Mastodon replies against a loopback Mastodon: the shapes, the bad days, exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from scrm_tui.channels.mastodon.api import MastodonSender
from scrm_tui.core.outgoing import (
    AuthError,
    PermanentError,
    ReplyRequest,
    SendError,
    TransientError,
)
from tests.fakes.loopback import Loopback, serve

NOW = datetime(2026, 8, 1, 13, 58, tzinfo=UTC).timestamp()
PARENT = "117020583245459824"
POST = "mastodon.post_status"


@pytest.fixture
def server() -> Iterator[Loopback]:
    for running in serve():
        running.add_mastodon_status(PARENT)
        yield running


def sender(server: Loopback, client: httpx.AsyncClient, **changes: object) -> MastodonSender:
    return MastodonSender(client, server.mastodon_account(**changes), clock=lambda: NOW)


def reply(text: str = "@ann same!", *, attempt: int = 1, to: str | None = PARENT) -> ReplyRequest:
    return ReplyRequest("mastodon", text, "5f0c6b1e-key", in_reply_to=to, attempt=attempt)


async def refused(server: Loopback, client: httpx.AsyncClient, **changes: object) -> SendError:
    with pytest.raises(SendError) as caught:
        await sender(server, client, **changes).send(reply())
    reason = caught.value.reason
    assert Loopback.MASTODON_TOKEN not in reason and "/api/v1" not in reason
    return caught.value


async def test_a_reply_is_posted_with_the_token_the_key_and_the_parent(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    sent = await sender(server, client).send(reply())
    [status] = server.posts("mastodon")
    assert sent.remote_id == status["id"]
    assert sent.url == f"{server.mastodon_url}/@scrm/{status['id']}"
    [post] = server.requests(POST)
    assert post.headers["authorization"] == f"Bearer {Loopback.MASTODON_TOKEN}"
    assert post.headers["idempotency-key"] == "5f0c6b1e-key"
    assert post.json() == {"status": "@ann same!", "visibility": "public", "in_reply_to_id": PARENT}


@pytest.mark.parametrize("visibility", ["public", "unlisted", "private", "direct"])
async def test_follow_answers_as_privately_as_the_post_was_made(
    server: Loopback, client: httpx.AsyncClient, visibility: str
) -> None:
    server.add_mastodon_status("42", visibility=visibility)
    await sender(server, client).send(reply(to="42"))
    assert server.requests(POST)[0].json()["visibility"] == visibility


async def test_a_top_level_post_is_public_without_asking_anything(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    await sender(server, client).send(reply("Maintenance tonight", to=None))
    assert server.requests("mastodon.get_status") == []
    assert server.requests(POST)[0].json() == {
        "status": "Maintenance tonight",
        "visibility": "public",
    }


async def test_a_fixed_visibility_is_used_as_is(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    await sender(server, client, visibility="unlisted").send(reply())
    assert server.requests("mastodon.get_status") == []
    assert server.requests(POST)[0].json()["visibility"] == "unlisted"


async def test_an_unknown_visibility_setting_is_permanent(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    error = await refused(server, client, visibility="friends")
    assert isinstance(error, PermanentError) and "friends" in error.reason
    assert server.requests() == []


async def test_a_deleted_parent_is_permanent(server: Loopback, client: httpx.AsyncClient) -> None:
    with pytest.raises(PermanentError) as caught:
        await sender(server, client).send(reply(to="999"))
    assert caught.value.reason == (
        "the post you are answering was deleted or is not visible to this account (404)"
    )
    assert server.count("mastodon") == 0


# -- exactly once ----------------------------------------------------------------------


async def test_the_same_key_twice_makes_one_status(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    first = await sender(server, client).send(reply())
    again = await sender(server, client).send(reply(attempt=2))
    assert again == first
    assert server.count("mastodon") == 1
    keys = [r.headers["idempotency-key"] for r in server.requests(POST)]
    assert keys == ["5f0c6b1e-key", "5f0c6b1e-key"]


# -- the bad days ------------------------------------------------------------------------


async def test_a_bad_token(server: Loopback, client: httpx.AsyncClient) -> None:
    error = await refused(server, client, token="wrong-token-123")
    assert isinstance(error, PermanentError) and error.status == 401
    assert error.reason == "Mastodon refused the token (401): The access token is invalid"
    assert "wrong-token-123" not in error.reason


async def test_a_validation_error(server: Loopback, client: httpx.AsyncClient) -> None:
    server.fail(POST, payload="mastodon_error_422_validation.json")
    error = await refused(server, client)
    assert isinstance(error, PermanentError)
    assert (
        error.reason == "Mastodon rejected the post (422): Validation failed: Text can't be blank"
    )


async def test_the_rate_limit_waits_for_x_ratelimit_reset(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.fail(POST, payload="mastodon_error_429_rate_limited.json")
    error = await refused(server, client)
    assert isinstance(error, TransientError) and error.status == 429
    assert error.retry_at == datetime(2026, 8, 1, 14, 0, tzinfo=UTC).timestamp()
    assert error.reason == "Mastodon rate limit: waiting until 14:00:00 UTC"


@pytest.mark.parametrize(
    ("status", "kind"), [(403, PermanentError), (404, PermanentError), (410, PermanentError)]
)
async def test_refusals_are_permanent(
    server: Loopback, client: httpx.AsyncClient, status: int, kind: type[SendError]
) -> None:
    server.fail(POST, status=status, body={"error": "This action is not allowed"})
    error = await refused(server, client)
    assert isinstance(error, kind) and error.reason.endswith(": This action is not allowed")
    assert isinstance(error, AuthError) == (status == 403)  # refused with our token


@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_are_transient(
    server: Loopback, client: httpx.AsyncClient, status: int
) -> None:
    server.fail(POST, status=status, body={"error": "Something went wrong"})
    error = await refused(server, client)
    assert isinstance(error, TransientError)
    assert error.reason == f"Mastodon had a server error ({status}): Something went wrong"


async def test_a_rate_limit_on_the_parent_lookup(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.fail("mastodon.get_status", payload="mastodon_error_429_rate_limited.json")
    error = await refused(server, client)
    assert isinstance(error, TransientError) and error.retry_at is not None
    assert server.count("mastodon") == 0
