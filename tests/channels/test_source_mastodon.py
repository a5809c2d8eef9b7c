"""Mastodon listening against the loopback: shapes, filtering, cursors, paging, bad days."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from scrm_tui.channels.mastodon.api import MastodonSource
from scrm_tui.channels.text import html_to_text
from scrm_tui.core.listening import OVERLAP_S
from scrm_tui.core.models import Channel
from scrm_tui.core.outgoing import PermanentError, TransientError
from tests.fakes.loopback import Loopback

NOW = datetime(2026, 8, 1, 13, 58, tzinfo=UTC).timestamp()
SINCE_MS = int(datetime(2026, 8, 1, 0, 0, tzinfo=UTC).timestamp() * 1000)
NOTES = "mastodon.notifications"
TAG = "mastodon.tag"


def source(
    server: Loopback, client: httpx.AsyncClient, kind: str = "notifications", **options: object
) -> MastodonSource:
    account = options.pop("account", server.mastodon_account())
    return MastodonSource(
        client,
        account,  # type: ignore[arg-type]
        base_url=server.mastodon_url,
        kind=kind,
        clock=lambda: NOW,
        **options,  # type: ignore[arg-type]
    )


def at(minute: int) -> str:
    return f"2026-08-01T13:{minute:02d}:00.000Z"


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def series(newest: str) -> dict[str, object]:
    """The cursor after a series of pages whose newest item is dated `newest`."""
    return {"since_ms": ms(newest) - int(OVERLAP_S * 1000), "newest_ms": ms(newest), "max_id": None}


def add_mentions(server: Loopback, first: int, count: int) -> None:
    for n in range(first, first + count):
        status = server.mastodon_status(
            str(117020600000000000 + n), f"hello {n}", created_at=at(52 + n % 5)
        )
        server.add_mastodon_mention(str(100 + n), status)


async def test_a_mention_notification_becomes_a_plain_text_mention(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    page = await source(server, client).fetch(None, SINCE_MS)
    [mention] = page.mentions
    assert mention.channel is Channel.MASTODON
    assert mention.external_id == "117020577157693549"
    assert mention.text == "@mastodonpy_test hello!"
    assert mention.created_at == datetime(2026, 8, 1, 13, 51, 42, 823000, tzinfo=UTC)
    assert mention.author.handle == "admin@127.0.0.1"  # local acct: the instance's host
    assert mention.author.followers == 1
    assert mention.author.name is None  # an empty display name is no name
    assert mention.author.url == "http://localhost:3000/@admin"
    assert mention.url == "http://localhost:3000/@admin/117020577157693549"
    assert (mention.in_reply_to, mention.root) == (None, None)
    # The notification's own date (when it came) sets the next floor.
    assert json.loads(page.cursor or "") == series("2026-08-01T13:51:43.458Z")
    assert page.more is False and page.wait_s is None
    [request] = server.requests(NOTES)
    assert request.headers["authorization"] == f"Bearer {Loopback.MASTODON_TOKEN}"
    assert request.query["types[]"] == ["mention"]
    assert "min_id" not in request.query and "max_id" not in request.query


async def test_each_poll_reads_from_the_top_down_to_a_while_before_the_newest(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    listening = source(server, client)
    first = await listening.fetch(None, SINCE_MS)
    again = await listening.fetch(first.cursor, SINCE_MS)
    # Read again (storage drops it): anything dated since the floor may be new.
    assert [m.text for m in again.mentions] == ["@mastodonpy_test hello!"]
    assert again.cursor == first.cursor and not again.more
    assert "min_id" not in server.requests(NOTES)[-1].query
    assert "max_id" not in server.requests(NOTES)[-1].query
    add_mentions(server, 1, 2)
    new = await listening.fetch(again.cursor, SINCE_MS)
    assert [m.text for m in new.mentions] == ["hello 2", "hello 1", "@mastodonpy_test hello!"]
    assert json.loads(new.cursor or "") == series(at(54))


async def test_a_burst_is_read_page_by_page_down_from_the_top_without_gaps(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    listening = source(server, client)
    cursor = (await listening.fetch(None, SINCE_MS)).cursor
    floor = series("2026-08-01T13:51:43.458Z")["since_ms"]
    add_mentions(server, 1, 170)  # more than two pages of 80
    seen: list[str] = []
    pages = 0
    while True:
        page = await listening.fetch(cursor, SINCE_MS)
        pages += 1
        seen += [m.text for m in page.mentions]
        cursor = page.cursor
        if not page.more:
            break
        # Mid-series the floor holds: a crash here reads on from `max_id`.
        assert json.loads(cursor or "")["since_ms"] == floor
    assert pages == 3 and json.loads(cursor or "") == series(at(56))
    assert sorted(seen) == sorted(
        [*(f"hello {n}" for n in range(1, 171)), "@mastodonpy_test hello!"]
    )
    assert server.requests(NOTES)[-1].param("max_id") == "111"


async def test_the_first_run_pages_back_until_the_window_start(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    for n in range(1, 121):  # two pages of tag statuses, the last 20 too old
        created = at(10) if n > 20 else "2026-07-31T23:00:00.000Z"
        status = server.mastodon_status(
            str(117020500000000000 + n), f"#hoot {n}", created_at=created
        )
        server.add_mastodon_tag_status("hoot", status)
    listening = source(server, client, "tag", tag="#hoot", account=None)
    first = await listening.fetch(None, SINCE_MS)
    assert first.more and len(first.mentions) == 40 and first.progress == "2026-08-01 13:10"
    state = json.loads(first.cursor or "")
    newest = "2026-08-01T13:55:55.867Z"  # the recorded status, the newest
    assert state == {"since_ms": SINCE_MS, "newest_ms": ms(newest), "max_id": "117020500000000082"}
    second = await listening.fetch(first.cursor, SINCE_MS)
    third = await listening.fetch(second.cursor, SINCE_MS)
    assert second.more and not third.more
    assert json.loads(third.cursor or "") == series(newest)
    texts = [m.text for p in (first, second, third) for m in p.mentions]
    assert len(texts) == 101 and "#hoot 20" not in texts  # 100 new + the recorded one
    assert server.requests(TAG)[1].param("max_id") == "117020500000000082"
    assert "authorization" not in server.requests(TAG)[0].headers


async def test_a_tag_timeline_keeps_only_what_the_watch_terms_match(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    for n, text in enumerate(["Kestrel is down again", "kestrel rocks", "lunch #hoot"]):
        status = server.mastodon_status(f"11702059374118980{n}", text, created_at=at(56 + n))
        server.add_mastodon_tag_status("hoot", status)

    def matcher(text: str) -> str | None:
        return "kestrel" if "kestrel" in text.lower() else None

    page = await source(server, client, "tag", tag="hoot", matcher=matcher).fetch(None, SINCE_MS)
    assert [(m.text, m.matched) for m in page.mentions] == [
        ("kestrel rocks", "kestrel"),
        ("Kestrel is down again", "kestrel"),
    ]
    # A dropped status's date still moves the floor: it was read.
    assert json.loads(page.cursor or "") == series(at(58))
    unfiltered = await source(server, client, "tag", tag="hoot").fetch(None, SINCE_MS)
    assert {m.matched for m in unfiltered.mentions} == {"#hoot"}
    recorded = unfiltered.mentions[-1]
    assert recorded.text == "#hoot (hashtag toot)"
    assert recorded.author.handle == "mastodonpy_test_2@127.0.0.1"


async def test_search_finds_statuses_with_remote_authors_and_parents(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    page = await source(server, client, "search", query="halcy").fetch(None, SINCE_MS - 10**10)
    first, second = page.mentions
    assert first.external_id == "116388149027005349"
    assert first.author.handle == "greg@icosahedron.website"
    assert first.in_reply_to == "116387888508422624"
    assert first.matched == "halcy"
    assert second.author.handle == "Jo@social.sublingual.xyz"
    assert second.text == "@halcy me when im riding my horse in stop and go traffic"
    [request] = server.requests("mastodon.search")
    assert (request.param("type"), request.param("q")) == ("statuses", "halcy")
    assert json.loads(page.cursor or "") == series("2026-04-11T21:16:53.000Z")


def test_status_html_becomes_plain_text() -> None:
    markup = (
        '<p>Hi <span class="h-card"><a href="https://a.example/@x" class="u-url mention">'
        "@<span>x</span></a></span> &amp; all<br>line two</p><p>see "
        '<a href="https://example.com/a/long/path"><span class="invisible">https://</span>'
        '<span class="ellipsis">example.com/a/lo</span><span class="invisible">ng/path'
        "</span></a> &lt;3</p>"
    )
    assert html_to_text(markup, hrefs=False) == (
        "Hi @x & all\nline two\n\nsee https://example.com/a/long/path <3"
    )


async def test_a_nearly_spent_budget_asks_for_a_pause_until_the_reset(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.rate_limit(
        "mastodon",
        **{
            "x-ratelimit-limit": "300",
            "x-ratelimit-remaining": "4",
            "x-ratelimit-reset": "2026-08-01T14:00:00.000000Z",
        },
    )
    page = await source(server, client).fetch(None, SINCE_MS)
    assert page.wait_s == 120.0


async def test_notifications_without_a_token_are_permanent(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    with pytest.raises(PermanentError):
        await source(server, client, account=None).fetch(None, SINCE_MS)
    assert server.requests() == []


async def test_an_invalid_token_is_permanent_401(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    account = server.mastodon_account(token="wrong-token")
    with pytest.raises(PermanentError) as caught:
        await source(server, client, account=account).fetch(None, SINCE_MS)
    assert caught.value.status == 401
    assert caught.value.reason == "Mastodon refused the token (401): The access token is invalid"


async def test_a_429_waits_until_the_reset_header(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.fail(NOTES, payload="mastodon_error_429_rate_limited.json")  # no Retry-After
    with pytest.raises(TransientError) as caught:
        await source(server, client).fetch("21", SINCE_MS)
    assert caught.value.status == 429
    assert caught.value.retry_at == datetime(2026, 8, 1, 14, 0, tzinfo=UTC).timestamp()
    assert caught.value.reason == "Mastodon rate limit: waiting until 14:00:00 UTC"


async def test_a_cursor_of_an_earlier_version_reads_the_backfill_window_again(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    # Earlier versions kept the newest id: the next poll reads back to the window start
    # (storage drops what it knows) and goes on with a floor of its own.
    page = await source(server, client).fetch("21", SINCE_MS)
    assert [m.external_id for m in page.mentions] == ["117020577157693549"]
    assert json.loads(page.cursor or "") == series("2026-08-01T13:51:43.458Z")
