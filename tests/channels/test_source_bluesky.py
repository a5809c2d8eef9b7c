"""Bluesky listening against the loopback entryway: shapes, cursors, one session, bad days."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from scrm_tui.channels.bluesky.sender import BlueskySender
from scrm_tui.channels.bluesky.source import BlueskySource
from scrm_tui.core.models import Channel
from scrm_tui.core.outgoing import PermanentError, ReplyRequest, TransientError
from tests.fakes.loopback import Loopback
from tests.fakes.recorded import PAYLOADS

NOW = datetime(2025, 5, 19, 17, 41, 36, tzinfo=UTC).timestamp()
SINCE_MS = int(datetime(2025, 5, 19, 0, 0, tzinfo=UTC).timestamp() * 1000)
SEARCH = "bluesky.searchPosts"
NOTES = "bluesky.listNotifications"
DID = "did:plc:newposter0000000000000000"


def source(
    server: Loopback,
    client: httpx.AsyncClient,
    kind: str = "search",
    *,
    now: float = NOW,
    **options: object,
) -> BlueskySource:
    account = options.pop("account", server.bluesky_account())
    if kind == "search":
        options.setdefault("query", "redistricting")
    return BlueskySource(
        client,
        account,  # type: ignore[arg-type]
        kind=kind,
        clock=lambda: now,
        **options,  # type: ignore[arg-type]
    )


async def test_search_results_become_mentions_with_threads_and_urls(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    page = await source(server, client).fetch(None, SINCE_MS)
    assert len(page.mentions) == 25 and not page.more
    first = page.mentions[0]
    assert first.channel is Channel.BLUESKY
    assert (
        first.external_id
        == "at://did:plc:kkergqgbhb56ptpwj2wenkje/app.bsky.feed.post/3lpk2u6qo222m"
    )
    assert first.text.startswith("Ends Versus Means: Public Opinion on Congressional Redistricting")
    assert first.created_at == datetime(2025, 5, 19, 17, 10, 9, 561858, tzinfo=UTC)
    assert first.author.handle == "socpaperbot.bsky.social"
    assert first.author.name == "Sociology papers (journals + SocArXiv)"
    assert first.author.followers is None  # a search hit's author view has no count
    assert first.url == "https://bsky.app/profile/socpaperbot.bsky.social/post/3lpk2u6qo222m"
    assert first.matched == "redistricting"
    assert (first.in_reply_to, first.root) == (None, None)
    reply = page.mentions[2]
    assert (
        reply.in_reply_to
        == "at://did:plc:7nagdvjqrzaquzk7mueohne5/app.bsky.feed.post/3lpjzgltpa22l"
    )
    assert reply.root == "at://did:plc:7nagdvjqrzaquzk7mueohne5/app.bsky.feed.post/3lpjy3eabqs2l"
    state = json.loads(page.cursor or "")
    assert state["newest"] == "2025-05-19T17:10:09.813Z" and len(state["seen"]) == 2  # 10 min
    [request] = server.requests(SEARCH)
    assert request.path.startswith("/bsky/")
    assert request.headers["authorization"].startswith("Bearer access-")
    assert (request.param("q"), request.param("sort"), request.param("limit")) == (
        "redistricting",
        "latest",
        "100",
    )
    assert request.param("since") == "2025-05-18T23:50:00.000Z"  # the window, less a margin


async def test_a_second_poll_returns_only_what_is_new(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    listening = source(server, client)
    first = await listening.fetch(None, SINCE_MS)
    again = await listening.fetch(first.cursor, SINCE_MS)
    assert again.mentions == () and not again.more
    assert server.requests(SEARCH)[-1].param("since") == "2025-05-19T17:00:09.813Z"
    # Indexed late: its sort time is below the newest stored one, yet it is new.
    server.add_bluesky_search_post(
        DID, "3lpk3aaaaaa2a", "late redistricting", at="2025-05-19T17:05:00.000Z"
    )
    server.add_bluesky_search_post(
        DID, "3lpk3bbbbbb2b", "new redistricting", at="2025-05-19T17:30:00.000Z"
    )
    new = await listening.fetch(again.cursor, SINCE_MS)
    assert [m.text for m in new.mentions] == ["new redistricting", "late redistricting"]
    assert json.loads(new.cursor or "")["newest"] == "2025-05-19T17:30:00.000Z"
    last = await listening.fetch(new.cursor, SINCE_MS)
    assert last.mentions == ()


async def test_a_burst_is_paged_with_more_and_nothing_is_skipped(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    listening = source(server, client)
    cursor = (await listening.fetch(None, SINCE_MS)).cursor
    for n in range(150):
        server.add_bluesky_search_post(
            DID,
            f"3lpk4{n:07d}",
            f"burst {n}",
            at=f"2025-05-19T17:{20 + n // 60:02d}:{n % 60:02d}.000Z",
        )
    first = await listening.fetch(cursor, SINCE_MS)
    assert first.more and len(first.mentions) == 100
    assert json.loads(first.cursor or "")["newest"] == "2025-05-19T17:10:09.813Z"  # not yet
    second = await listening.fetch(first.cursor, SINCE_MS)
    assert not second.more
    texts = [m.text for m in first.mentions + second.mentions]
    assert sorted(texts) == sorted(f"burst {n}" for n in range(150))
    assert json.loads(second.cursor or "")["newest"] == "2025-05-19T17:22:29.000Z"
    assert (await listening.fetch(second.cursor, SINCE_MS)).mentions == ()


async def test_notifications_bring_mentions_replies_and_quotes_only(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    listening = source(server, client, "notifications")
    page = await listening.fetch(None, int(datetime(2024, 12, 1, tzinfo=UTC).timestamp() * 1000))
    recorded = json.loads((PAYLOADS / "bluesky_listNotifications.json").read_bytes())
    wanted = [n for n in recorded["notifications"] if n["reason"] in ("mention", "reply", "quote")]
    assert [m.external_id for m in page.mentions] == [n["uri"] for n in wanted]
    first = page.mentions[0]
    assert first.author.handle == "josephjefe.bsky.social"
    assert first.author.name == "Joseph Hefner"
    assert first.created_at == datetime(2025, 4, 10, 20, 1, 53, 909000, tzinfo=UTC)
    assert first.matched is None
    [request] = server.requests(NOTES)
    assert request.query["reasons"] == ["mention", "reply", "quote"]
    again = await listening.fetch(page.cursor, 0)
    assert again.mentions == ()
    server.add_bluesky_search_post(
        DID, "3lpk5ccccc22c", "@scrm hi", at="2025-05-19T17:40:00.000Z", reason="mention"
    )
    new = await listening.fetch(again.cursor, 0)
    assert [m.text for m in new.mentions] == ["@scrm hi"]


async def test_polls_and_replies_share_one_login(
    server: Loopback, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    account = server.bluesky_account(session_file=tmp_path / "bsky.json")
    listening = source(server, client, account=account)
    sender = BlueskySender(client, account, clock=lambda: NOW, session=listening.session)
    cursor = (await listening.fetch(None, SINCE_MS)).cursor
    cursor = (await listening.fetch(cursor, SINCE_MS)).cursor
    parent = server.parent_post["uri"]
    await sender.send(ReplyRequest("bluesky", "thanks!", "3lprdue7ggw26", in_reply_to=parent))
    notes = source(server, client, "notifications", account=account, session=listening.session)
    await notes.fetch(None, SINCE_MS)
    server.expire_bluesky()  # the access token runs out: refreshed, not logged in again
    await listening.fetch(cursor, SINCE_MS)
    assert len(server.requests("bluesky.createSession")) == 1
    assert len(server.requests("bluesky.refreshSession")) == 1
    # A new process reads the cached session instead of logging in.
    await source(server, client, account=account).fetch(cursor, SINCE_MS)
    assert len(server.requests("bluesky.createSession")) == 1


async def test_a_nearly_spent_budget_asks_for_a_pause(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.rate_limit("bluesky", ratelimit_remaining="100", ratelimit_reset=str(int(NOW) + 90))
    page = await source(server, client).fetch(None, SINCE_MS)
    assert page.wait_s == 90.0


async def test_a_wrong_app_password_is_permanent_401(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    account = server.bluesky_account(password="wrong-pass-word")
    with pytest.raises(PermanentError) as caught:
        await source(server, client, account=account).fetch(None, SINCE_MS)
    assert caught.value.status == 401
    assert caught.value.reason == "Bluesky refused the login (401): Invalid identifier or password"
    assert server.requests(SEARCH) == []


async def test_a_429_waits_for_the_ratelimit_reset(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.fail(NOTES, payload="bluesky_error_429_rate_limit.json")
    with pytest.raises(TransientError) as caught:
        await source(server, client, "notifications", now=1744582800.0).fetch(None, SINCE_MS)
    assert (caught.value.status, caught.value.retry_at) == (429, 1744582868.0)
