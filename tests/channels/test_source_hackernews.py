"""Hacker News listening against a replayed Algolia: the shapes, paging, the cursor, bad days."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from scrm_tui.channels.hackernews.api import HackerNewsSource
from scrm_tui.channels.text import html_to_text
from scrm_tui.core.listening import OVERLAP_S
from scrm_tui.core.models import Channel
from scrm_tui.core.outgoing import PermanentError, SendError, TransientError
from tests.fakes.replay import Replay

NOW = int(datetime(2014, 6, 5, 4, 0, tzinfo=UTC).timestamp())
PATH = "/hn/search_by_date"
COMMENTS = "hn_algolia_search_by_date_comment.json"
STORIES = "hn_algolia_search_by_date_story.json"
NEWEST_COMMENT = 1401938567  # created_at_i of the first (newest) recorded comment


@pytest.fixture
def server() -> Iterator[Replay]:
    with Replay() as running:
        running.route(PATH, file=COMMENTS)
        yield running


def source(server: Replay, client: httpx.AsyncClient, now: float = NOW) -> HackerNewsSource:
    return HackerNewsSource(
        client, query="apple", api_url=server.url("/hn"), hits_per_page=20, clock=lambda: now
    )


def recorded(server: Replay, file: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(server.payload(file))
    data.update(changes)
    return data


async def test_comments_become_plain_text_mentions_with_their_thread(
    server: Replay, client: httpx.AsyncClient
) -> None:
    page = await source(server, client).fetch(None, 0)
    assert len(page.mentions) == 20
    first = page.mentions[0]
    assert first.channel is Channel.HACKERNEWS
    assert first.external_id == "7850047"
    assert first.text == (
        "you think the university board wouldn't appeal to a good argument? possible they"
        " are bluffing, but if they get the right response they may shut up.\n\n"
        "i find it hard to believe they would be spiteful, but maybe i am being too optimistic."
    )
    assert first.created_at == datetime(2014, 6, 5, 3, 22, 47, tzinfo=UTC)
    assert first.author.handle == "catshirt"
    assert first.author.url == "https://news.ycombinator.com/user?id=catshirt"
    assert first.url == "https://news.ycombinator.com/item?id=7850047"
    assert (first.in_reply_to, first.root, first.matched) == ("7849975", "7849381", "apple")
    for mention in page.mentions:
        assert "&#x27;" not in mention.text and "&quot;" not in mention.text
        assert "<p>" not in mention.text and "<i>" not in mention.text
    quoted = next(m for m in page.mentions if m.external_id == "7849941")
    assert quoted.text.startswith("> Your line of reasoning is an instance")
    cyrillic = next(m for m in page.mentions if m.external_id == "7849824")
    assert cyrillic.text == 'Apperently it\'s собака (sobaka, meaning "dog").'


async def test_the_request_asks_for_stories_and_comments_after_the_window_start(
    server: Replay, client: httpx.AsyncClient
) -> None:
    await source(server, client).fetch(None, 1_401_900_000_000)
    [request] = server.requests(PATH)
    assert request.param("query") == "apple"
    assert request.param("tags") == "(story,comment)"
    assert request.param("numericFilters") == f"created_at_i>1401900000,created_at_i<={NOW}"
    assert (request.param("hitsPerPage"), request.param("page")) == ("20", "0")


async def test_stories_are_their_title_and_their_text(
    server: Replay, client: httpx.AsyncClient
) -> None:
    server.route(PATH, file=STORIES)
    page = await source(server, client).fetch(None, 0)
    by_id = {m.external_id: m for m in page.mentions}
    coinjar = by_id["7849958"]
    assert coinjar.text == "CoinJar for iPhone on the App Store on iTunes"
    assert (coinjar.in_reply_to, coinjar.root) == (None, None)
    assert coinjar.author.handle == "kristianp"
    assert coinjar.points == 1  # how the story did, for its priority's reach
    ask = by_id["7848873"]
    title, body = ask.text.split("\n\n", 1)
    assert (
        title == "Ask HN: Can job application be withdrawn due to already accepting another offer?"
    )
    assert body.startswith("I've already accepted an offer at one of the big tech companies.")


async def test_a_backfill_pages_on_and_moves_the_cursor_only_at_its_end(
    server: Replay, client: httpx.AsyncClient
) -> None:
    server.route(PATH, body=recorded(server, COMMENTS, nbPages=2, nbHits=40))
    first = await source(server, client).fetch(None, 0)
    assert first.more and first.wait_s is None and first.progress == "2014-06-05 01:56"
    # Mid-window the stored time has not moved: a crash now reads the window again.
    assert first.cursor is not None
    assert json.loads(first.cursor) == {
        "after": 0,
        "until": NOW,
        "page": 1,
        "max": NEWEST_COMMENT,
    }
    second = await source(server, client, now=NOW + 600).fetch(first.cursor, 0)
    assert not second.more
    assert second.cursor == str(NEWEST_COMMENT)
    page_two = server.requests(PATH)[1]
    assert page_two.param("page") == "1"
    # The window's end is fixed when it opens, so new hits do not shift its pages.
    assert page_two.param("numericFilters") == f"created_at_i>0,created_at_i<={NOW}"

    # The next poll reads again from OVERLAP_S before the newest hit (late-indexed hits
    # and more of that second are found there); storage drops what it read before.
    server.route(PATH, body=recorded(server, COMMENTS, nbPages=1, nbHits=20))
    third = await source(server, client, now=NOW + 900).fetch(second.cursor, 0)
    assert not third.more and third.cursor == str(NEWEST_COMMENT)
    floor = NEWEST_COMMENT - int(OVERLAP_S)
    assert server.requests(PATH)[2].param("numericFilters") == (
        f"created_at_i>{floor},created_at_i<={NOW + 900}"
    )
    assert third.mentions and all(m.created_at.timestamp() > floor for m in third.mentions)


async def test_past_algolias_paging_limit_the_window_goes_on_below_the_oldest_hit(
    server: Replay, client: httpx.AsyncClient
) -> None:
    server.route(PATH, body=recorded(server, COMMENTS, nbPages=1, nbHits=5000))
    page = await source(server, client).fetch(None, 0)
    assert page.more and page.cursor is not None
    oldest = min(int(m.created_at.timestamp()) for m in page.mentions)
    assert json.loads(page.cursor) == {
        "after": 0,
        "until": oldest,
        "page": 0,
        "max": NEWEST_COMMENT,
    }


async def test_an_empty_answer_keeps_the_cursor(server: Replay, client: httpx.AsyncClient) -> None:
    server.route(PATH, body=recorded(server, COMMENTS, hits=[], nbHits=0, nbPages=0))
    page = await source(server, client).fetch("1401938567", 0)
    assert page == type(page)((), "1401938567")


def test_comment_html_becomes_plain_text() -> None:
    text = html_to_text(
        'See <a href="https://example.com/a/very/long/path" rel="nofollow">'
        "https://example.com/a/very/lo...</a> and <i>this</i>:<p><pre><code>  x &lt; 1\n"
        "</code></pre>"
    )
    assert text == (
        "See https://example.com/a/very/lo... (https://example.com/a/very/long/path) and this:"
        "\n\nx < 1"
    )
    assert html_to_text('<a href="https://x.org">https://x.org</a>') == "https://x.org"
    assert html_to_text("a<script>alert(1)</script>b") == "ab"


async def expect(server: Replay, client: httpx.AsyncClient, kind: type[SendError]) -> SendError:
    with pytest.raises(kind) as caught:
        await source(server, client).fetch(None, 0)
    reason = caught.value.reason
    assert "<" not in reason and "/hn/" not in reason
    return caught.value


async def test_401_is_permanent(server: Replay, client: httpx.AsyncClient) -> None:
    server.fail(PATH, status=401, body={"message": "Invalid Application-ID or API key"})
    error = await expect(server, client, PermanentError)
    assert error.status == 401


async def test_truncated_json_is_transient(server: Replay, client: httpx.AsyncClient) -> None:
    server.truncate(PATH)
    error = await expect(server, client, TransientError)
    assert error.reason == "Hacker News sent a response that is not valid JSON"


async def test_an_unexpected_shape_is_transient(server: Replay, client: httpx.AsyncClient) -> None:
    server.route(PATH, body=["not", "an", "object"])
    await expect(server, client, TransientError)


async def test_a_gzip_body_parses(server: Replay, client: httpx.AsyncClient) -> None:
    server.route(PATH, file=COMMENTS, gzip=True)
    page = await source(server, client).fetch(None, 0)
    assert len(page.mentions) == 20
    assert server.requests(PATH)[0].headers["accept-encoding"].startswith("gzip")
