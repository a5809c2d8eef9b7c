"""Bluesky replies against a loopback entryway and PDS: session, threads, facets, once."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import httpx
import pytest

from scrm_tui.channels.bluesky.sender import BlueskySender
from scrm_tui.core.outgoing import PermanentError, ReplyRequest, SendError, TransientError
from tests.fakes.loopback import Loopback

NOW = 1744582800.0  # 2025-04-13 22:20:00 UTC, a minute before the recorded 429's reset
KEY = "3lprdue7ggw26"  # a TID, as the outbox makes them
CREATE = "bluesky.createRecord"
SESSION = "bluesky.createSession"


def sender(server: Loopback, client: httpx.AsyncClient, **changes: object) -> BlueskySender:
    return BlueskySender(client, server.bluesky_account(**changes), clock=lambda: NOW)


def reply(
    server: Loopback, text: str = "thanks!", *, key: str = KEY, attempt: int = 1
) -> ReplyRequest:
    parent = server.parent_post["uri"]
    return ReplyRequest("bluesky", text, key, in_reply_to=parent, attempt=attempt)


def records(server: Loopback) -> list[dict[str, object]]:
    return [post["record"] for post in server.posts("bluesky")]


async def refused(server: Loopback, client: httpx.AsyncClient, **changes: object) -> SendError:
    with pytest.raises(SendError) as caught:
        await sender(server, client, **changes).send(reply(server))
    for secret in (Loopback.BLUESKY_PASSWORD, "access-", "refresh-", "/xrpc/"):
        assert secret not in caught.value.reason
    return caught.value


async def test_a_reply_goes_to_the_pds_under_the_queued_key(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    sent = await sender(server, client).send(reply(server))
    uri = f"at://{Loopback.BLUESKY_DID}/app.bsky.feed.post/{KEY}"
    assert sent.remote_id == uri
    assert sent.url == f"https://bsky.app/profile/{Loopback.BLUESKY_HANDLE}/post/{KEY}"
    [create] = server.requests(CREATE)
    assert create.path.startswith("/pds/")  # the DID document's PDS, not the entryway
    body = create.json()
    assert (body["repo"], body["collection"], body["rkey"]) == (
        Loopback.BLUESKY_DID,
        "app.bsky.feed.post",
        KEY,
    )
    parent = server.parent_post
    assert body["record"] == {
        "$type": "app.bsky.feed.post",
        "text": "thanks!",
        "createdAt": "2025-04-13T22:20:00.000Z",
        "reply": {"root": parent, "parent": parent},
    }


async def test_a_reply_to_a_reply_keeps_the_thread_s_root(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    root = server.parent_post
    middle = server.add_bluesky_post("did:plc:ann", "3lmiddle00000", "me too", root=root)
    request = ReplyRequest("bluesky", "ok", KEY, in_reply_to=middle["uri"])
    await sender(server, client).send(request)
    [record] = records(server)
    assert record["reply"] == {"root": root, "parent": middle}


async def test_a_top_level_post_has_no_reply(server: Loopback, client: httpx.AsyncClient) -> None:
    await sender(server, client).send(ReplyRequest("bluesky", "hello", KEY))
    [record] = records(server)
    assert "reply" not in record and server.requests("bluesky.getRecord") == []


async def test_a_deleted_parent_is_permanent(server: Loopback, client: httpx.AsyncClient) -> None:
    gone = "at://did:plc:ann/app.bsky.feed.post/3lgone0000000"
    with pytest.raises(PermanentError, match="deleted or is not visible"):
        await sender(server, client).send(ReplyRequest("bluesky", "hi", KEY, in_reply_to=gone))
    assert server.count("bluesky") == 0


@pytest.mark.parametrize("parent", ["3kexwuoyqj32g", "https://bsky.app/profile/a/post/1"])
async def test_a_parent_that_is_not_a_post_uri_is_permanent(
    server: Loopback, client: httpx.AsyncClient, parent: str
) -> None:
    with pytest.raises(PermanentError, match="at:// address"):
        await sender(server, client).send(ReplyRequest("bluesky", "hi", KEY, in_reply_to=parent))


# -- the session -----------------------------------------------------------------------


async def test_two_sends_log_in_once(server: Loopback, client: httpx.AsyncClient) -> None:
    bluesky = sender(server, client)
    await bluesky.send(reply(server, key="3lprdue7ggw26"))
    await bluesky.send(reply(server, key="3lprdue7ggw27"))
    assert len(server.requests(SESSION)) == 1 and server.count("bluesky") == 2


async def test_an_expired_token_is_refreshed_not_a_new_login(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    bluesky = sender(server, client)
    await bluesky.send(reply(server, key="3lprdue7ggw26"))
    server.expire_bluesky()
    await bluesky.send(reply(server, key="3lprdue7ggw27"))
    assert len(server.requests(SESSION)) == 1
    assert len(server.requests("bluesky.refreshSession")) == 1
    assert server.count("bluesky") == 2


async def test_a_spent_refresh_token_means_logging_in_again(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    bluesky = sender(server, client)
    await bluesky.send(reply(server, key="3lprdue7ggw26"))
    server.expire_bluesky(refresh=True)
    await bluesky.send(reply(server, key="3lprdue7ggw27"))
    assert len(server.requests(SESSION)) == 2 and server.count("bluesky") == 2


async def test_the_session_file_is_private_and_reused_by_the_next_process(
    server: Loopback, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    path = tmp_path / "state" / "bluesky-session.json"
    await sender(server, client, session_file=path).send(reply(server, key="3lprdue7ggw26"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert saved["did"] == Loopback.BLUESKY_DID and saved["pds"] == server.pds_url
    assert {"handle", "accessJwt", "refreshJwt"} <= saved.keys()
    # No temporary left; beside it only the (empty) lock every process renews under.
    lock = path.with_name(path.name + ".lock")
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, lock.name]
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600 and lock.read_bytes() == b""

    await sender(server, client, session_file=path).send(reply(server, key="3lprdue7ggw27"))
    assert len(server.requests(SESSION)) == 1 and server.count("bluesky") == 2


async def test_a_refreshed_session_is_saved(
    server: Loopback, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    path = tmp_path / "session.json"
    await sender(server, client, session_file=path).send(reply(server, key="3lprdue7ggw26"))
    before = json.loads(path.read_text())["refreshJwt"]
    server.expire_bluesky()
    await sender(server, client, session_file=path).send(reply(server, key="3lprdue7ggw27"))
    assert json.loads(path.read_text())["refreshJwt"] != before
    assert len(server.requests(SESSION)) == 1


async def test_a_session_file_in_the_plain_shape_is_reused(
    server: Loopback, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    path = tmp_path / "session.json"
    await sender(server, client, session_file=path).send(reply(server, key="3lprdue7ggw26"))
    saved = json.loads(path.read_text())
    del saved["identifier"]  # {did, handle, accessJwt, refreshJwt, pds} only
    path.write_text(json.dumps(saved))
    await sender(server, client, session_file=path).send(reply(server, key="3lprdue7ggw27"))
    assert len(server.requests(SESSION)) == 1


async def test_a_session_file_of_another_account_is_not_used(
    server: Loopback, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    path = tmp_path / "session.json"
    other = {
        "identifier": "someone.else",
        "did": "did:plc:x",
        "handle": "someone.else",
        "accessJwt": "a",
        "refreshJwt": "r",
        "pds": server.pds_url,
    }
    path.write_text(json.dumps(other))
    await sender(server, client, session_file=path).send(reply(server))
    assert len(server.requests(SESSION)) == 1
    assert json.loads(path.read_text())["did"] == Loopback.BLUESKY_DID


async def test_a_wrong_app_password(server: Loopback, client: httpx.AsyncClient) -> None:
    error = await refused(server, client, password="not-the-password")
    assert isinstance(error, PermanentError) and error.status == 401
    assert error.reason == "Bluesky refused the login (401): Invalid identifier or password"
    assert "not-the-password" not in error.reason


# -- exactly once ----------------------------------------------------------------------


async def test_attempt_two_after_a_successful_attempt_one_posts_nothing(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    first = await sender(server, client).send(reply(server))
    again = await sender(server, client).send(reply(server, attempt=2))
    assert again == first
    assert server.count("bluesky") == 1 and len(server.requests(CREATE)) == 1


async def test_a_second_create_under_the_same_key_finds_the_first(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    first = await sender(server, client).send(reply(server))
    # attempt 1 again (say, a lost attempt counter): the PDS refuses the key with a 500.
    again = await sender(server, client).send(reply(server))
    assert again == first and server.count("bluesky") == 1


async def test_already_exists_is_a_success(server: Loopback, client: httpx.AsyncClient) -> None:
    first = await sender(server, client).send(reply(server))
    server.fail(
        CREATE, status=400, body={"error": "InvalidRequest", "message": "Record already exists"}
    )
    assert await sender(server, client).send(reply(server)) == first
    assert server.count("bluesky") == 1


# -- facets ------------------------------------------------------------------------------


def span(text: str, part: str) -> dict[str, int]:
    start = len(text[: text.index(part)].encode())
    return {"byteStart": start, "byteEnd": start + len(part.encode())}


async def test_facets_count_utf8_bytes_through_accents_and_emoji(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.add_bluesky_handle("ann.example.com", "did:plc:ann")
    text = (
        "Désolé 👩‍👩‍👧 ça coûte ☕️ @bskyr.bsky.social et @Ann.example.com — "
        "voir https://exemple.fr/é?q=1. Merci @nobody.example.org!"
    )
    await sender(server, client).send(reply(server, text))
    [record] = records(server)
    assert record["facets"] == [
        {
            "index": span(text, "@bskyr.bsky.social"),
            "features": [
                {"$type": "app.bsky.richtext.facet#mention", "did": server.parent_post["uri"][5:37]}
            ],
        },
        {
            "index": span(text, "@Ann.example.com"),
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:ann"}],
        },
        {
            "index": span(text, "https://exemple.fr/é?q=1"),
            "features": [
                {"$type": "app.bsky.richtext.facet#link", "uri": "https://exemple.fr/é?q=1"}
            ],
        },
    ]  # @nobody.example.org does not resolve: left as plain text


async def test_our_own_handle_needs_no_lookup(server: Loopback, client: httpx.AsyncClient) -> None:
    text = f"see also @{Loopback.BLUESKY_HANDLE}"
    await sender(server, client).send(reply(server, text))
    [record] = records(server)
    assert record["facets"][0]["features"][0]["did"] == Loopback.BLUESKY_DID
    assert server.requests("bluesky.resolveHandle") == []


async def test_an_email_address_is_not_a_mention(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    await sender(server, client).send(reply(server, "write to help@bskyr.bsky.social"))
    assert "facets" not in records(server)[0]


# -- the bad days ------------------------------------------------------------------------


async def test_the_rate_limit_waits_for_ratelimit_reset(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.fail(CREATE, payload="bluesky_error_429_rate_limit.json")
    error = await refused(server, client)
    assert isinstance(error, TransientError) and error.retry_at == 1744582868.0
    assert error.reason == "Bluesky rate limit: waiting until 22:21:08 UTC"


async def test_too_long_a_text_is_permanent(server: Loopback, client: httpx.AsyncClient) -> None:
    with pytest.raises(PermanentError) as caught:
        await sender(server, client).send(reply(server, "é" * 301))
    assert caught.value.reason == (
        "Bluesky rejected the request (400): Invalid app.bsky.feed.post record: "
        "Record/text must not be longer than 300 graphemes"
    )


async def test_a_login_rate_limit(server: Loopback, client: httpx.AsyncClient) -> None:
    server.fail(
        SESSION,
        status=429,
        payload="bluesky_error_429_rate_limit.json",
        headers={"ratelimit-reset": "1744600000"},
    )
    error = await refused(server, client)
    assert isinstance(error, TransientError) and error.retry_at == 1744600000.0
