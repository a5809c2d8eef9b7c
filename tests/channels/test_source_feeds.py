"""RSS and Atom against replayed feeds: shapes, Google Alerts, conditional GET, bad days."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from scrm_tui.channels.rss.feeds import FeedSource
from scrm_tui.core.listening import TermMatcher
from scrm_tui.core.models import Channel
from scrm_tui.core.outgoing import PermanentError, SendError, TransientError
from tests.fakes.replay import Replay

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC).timestamp()
FEED = "/feed"
ALERTS = "atom_google_alerts.xml"
HN_RSS = "rss2_hackernews.xml"
ETAG = '"5f3a-17"'
MODIFIED = "Wed, 10 Jul 2019 11:53:37 GMT"


@pytest.fixture
def server() -> Iterator[Replay]:
    with Replay() as running:
        running.route(FEED, file=ALERTS)
        yield running


def source(
    server: Replay, client: httpx.AsyncClient, matcher: TermMatcher | None = None
) -> FeedSource:
    return FeedSource(
        client, url=server.url(FEED), name="Alerts", matcher=matcher, clock=lambda: NOW
    )


def small_feed(*items: tuple[str, str], encoding: str | None = "utf-8") -> str:
    """An RSS 2.0 document with (guid, title) items."""
    prolog = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else '<?xml version="1.0"?>'
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>https://example.com/{guid}</link>"
        f"<pubDate>Fri, 20 Nov 2026 10:00:00 +0000</pubDate></item>"
        for guid, title in items
    )
    return f"{prolog}<rss version='2.0'><channel><title>Small</title>{entries}</channel></rss>"


async def test_google_alerts_entries_are_unwrapped_plain_text(
    server: Replay, client: httpx.AsyncClient
) -> None:
    page = await source(server, client).fetch(None, 0)
    assert len(page.mentions) == 20 and not page.more
    first = page.mentions[0]
    assert first.channel is Channel.RSS
    assert first.external_id == "tag:google.com,2013:googlealerts/feed:8974135267215335962"
    assert first.url == (
        "https://www.aglobalmarketresearch.com/report-offers-prediction-of-automotive-slack-market"
        "-by-top-key-players-like-haldex-meritor-bendix-mei-wabco-accuride-stemco-tbk-febi-aydinsan/"
    )
    assert first.text.startswith(
        "Report offers Prediction of Automotive Slack Market by Top key players like Haldex, "
        "Meritor, Bendix ...\n\nAutomotive Slack Market reports provides a comprehensive overview"
    )
    assert first.created_at == datetime(2019, 7, 10, 11, 53, 37, tzinfo=UTC)
    assert first.author.handle == first.author.name == "Google Alert - Slack"
    assert first.matched is None
    assert "Company's decision to go public" in page.mentions[1].text
    for mention in page.mentions:
        assert "<" not in mention.text and "&nbsp;" not in mention.text
        assert mention.url and not mention.url.startswith("https://www.google.com/url")
    assert page.cursor is not None
    assert len(json.loads(page.cursor)["seen"]) == 20


async def test_rss_without_guid_uses_the_link_and_the_feed_as_author(
    server: Replay, client: httpx.AsyncClient
) -> None:
    server.route(FEED, file=HN_RSS)
    page = await source(server, client).fetch(None, 0)
    assert len(page.mentions) == 30
    first = page.mentions[0]
    link = (
        "https://aws.amazon.com/blogs/aws/announcing-aws-lambda-function-urls-built-in-https"
        "-endpoints-for-single-function-microservices/"
    )
    assert (first.external_id, first.url) == (link, link)
    assert first.author.handle == "Hacker News"
    assert first.created_at == datetime(2022, 4, 6, 21, 7, 47, tzinfo=UTC)
    assert first.text == (
        "AWS Lambda Function URLs: Built-In HTTPS Endpoints for Lambda\n\n"
        "Comments (https://news.ycombinator.com/item?id=30937433)"
    )


async def test_rss_guid_creator_and_atom_content(server: Replay, client: httpx.AsyncClient) -> None:
    server.route(FEED, file="rss2_huffpost_canada.xml")
    [first, _] = (await source(server, client).fetch(None, 0)).mentions
    # A bare guid is unique only within its feed: another feed's "23246627" is not it.
    assert first.external_id == "Alerts:23246627"
    other = FeedSource(client, url=server.url(FEED), name="Wire", clock=lambda: NOW)
    [again, _] = (await other.fetch(None, 0)).mentions
    assert again.external_id == "Wire:23246627"
    assert first.author.handle == "Canadian Press"
    assert first.text.startswith("Winnipeg High School Orders Custom Hijabs For Muslim Athletes")
    assert "<img" not in first.text

    server.route(FEED, file="atom_feedjira_blog.xml")
    page = await source(server, client).fetch(None, 0)
    blog = page.mentions[0]
    assert blog.author.handle == "Jon Allured"
    assert blog.created_at == datetime(2014, 3, 17, tzinfo=UTC)
    title, body = blog.text.split("\n\n", 1)
    assert title == "Feedjira Goes One-Point-Oh"
    assert body.startswith(
        "Last fall, I asked Paul Dix (http://www.pauldix.net) if I could take over maintenance "
        "of his gem Feedzirra."
    )


async def test_an_etag_makes_the_next_poll_a_304_with_the_same_cursor(
    server: Replay, client: httpx.AsyncClient
) -> None:
    server.route(FEED, file=ALERTS, etag=ETAG, last_modified=MODIFIED)
    first = await source(server, client).fetch(None, 0)
    assert first.cursor is not None
    state = json.loads(first.cursor)
    assert (state["etag"], state["modified"]) == (ETAG, MODIFIED)
    second = await source(server, client).fetch(first.cursor, 0)
    assert second.mentions == () and second.cursor == first.cursor
    request = server.requests(FEED)[1]
    assert request.headers["if-none-match"] == ETAG
    assert request.headers["if-modified-since"] == MODIFIED


async def test_last_modified_alone_also_gets_a_304(
    server: Replay, client: httpx.AsyncClient
) -> None:
    server.route(FEED, file=ALERTS, last_modified=MODIFIED)
    first = await source(server, client).fetch(None, 0)
    second = await source(server, client).fetch(first.cursor, 0)
    assert second.mentions == () and second.cursor == first.cursor
    assert "if-none-match" not in server.requests(FEED)[1].headers


async def test_a_feed_without_validators_delivers_only_new_entries(
    server: Replay, client: httpx.AsyncClient
) -> None:
    server.route(FEED, body=small_feed(("a", "First"), ("b", "Second")))
    first = await source(server, client).fetch(None, 0)
    assert [m.external_id for m in first.mentions] == ["Alerts:a", "Alerts:b"]
    again = await source(server, client).fetch(first.cursor, 0)
    assert again.mentions == ()
    server.route(FEED, body=small_feed(("c", "Third"), ("a", "First"), ("b", "Second")))
    third = await source(server, client).fetch(again.cursor, 0)
    assert [m.external_id for m in third.mentions] == ["Alerts:c"]
    assert third.cursor is not None
    assert json.loads(third.cursor)["seen"] == ["Alerts:c", "Alerts:a", "Alerts:b"]


async def test_the_remembered_ids_are_bounded_but_keep_the_feeds_own(
    server: Replay, client: httpx.AsyncClient
) -> None:
    old = json.dumps({"etag": None, "modified": None, "seen": [f"old{i}" for i in range(600)]})
    server.route(FEED, body=small_feed(("a", "First"), ("b", "Second")))
    page = await source(server, client).fetch(old, 0)
    assert page.cursor is not None
    seen = json.loads(page.cursor)["seen"]
    assert len(seen) == 500 and seen[-2:] == ["Alerts:a", "Alerts:b"] and seen[0] == "old102"


async def test_the_first_poll_skips_entries_older_than_the_window(
    server: Replay, client: httpx.AsyncClient
) -> None:
    since_ms = int(datetime(2019, 7, 10, 11, 0, tzinfo=UTC).timestamp() * 1000)
    page = await source(server, client).fetch(None, since_ms)
    assert page.mentions and len(page.mentions) < 20
    assert all(m.created_at.timestamp() * 1000 >= since_ms for m in page.mentions)


async def test_a_matcher_drops_what_matches_nothing_and_records_the_term(
    server: Replay, client: httpx.AsyncClient
) -> None:
    def matcher(text: str) -> str | None:
        return "stock" if "stock" in text.lower() else None

    page = await source(server, client, matcher).fetch(None, 0)
    assert 0 < len(page.mentions) < 20
    assert all(m.matched == "stock" and "stock" in m.text.lower() for m in page.mentions)
    assert page.cursor is not None
    assert len(json.loads(page.cursor)["seen"]) == 20


async def test_a_gzip_body_parses(server: Replay, client: httpx.AsyncClient) -> None:
    server.route(FEED, file=ALERTS, gzip=True)
    page = await source(server, client).fetch(None, 0)
    assert len(page.mentions) == 20


@pytest.mark.parametrize(
    ("encoding", "content_type"),
    [
        ("iso-8859-1", "application/rss+xml"),  # declared in the XML prolog only
        (None, "application/rss+xml; charset=windows-1252"),  # in the header only
    ],
)
async def test_a_feed_in_a_legacy_charset_decodes(
    server: Replay, client: httpx.AsyncClient, encoding: str | None, content_type: str
) -> None:
    title = "Café crème à Montréal, déjà vu"
    body = small_feed(("x", title), encoding=encoding).encode(encoding or "windows-1252")
    assert title.encode("utf-8") not in body  # really not UTF-8
    server.route(FEED, body=body, content_type=content_type)
    [mention] = (await source(server, client).fetch(None, 0)).mentions
    assert mention.text == title


async def expect(server: Replay, client: httpx.AsyncClient, kind: type[SendError]) -> SendError:
    with pytest.raises(kind) as caught:
        await source(server, client).fetch(None, 0)
    reason = caught.value.reason
    assert reason.startswith("Alerts") and "<" not in reason and FEED not in reason
    return caught.value


async def test_401_is_permanent(server: Replay, client: httpx.AsyncClient) -> None:
    server.fail(FEED, status=401, body="Unauthorized", headers={"content-type": "text/plain"})
    assert (await expect(server, client, PermanentError)).status == 401


async def test_invalid_xml_is_transient(server: Replay, client: httpx.AsyncClient) -> None:
    server.route(FEED, body=b"<?xml version='1.0'?><rss><channel><<<", content_type="text/xml")
    error = await expect(server, client, TransientError)
    assert error.reason == (
        "Alerts: the feed is not valid XML (line 1: not well-formed (invalid token))"
    )


async def test_an_html_page_with_status_200_is_not_a_feed(
    server: Replay, client: httpx.AsyncClient
) -> None:
    page = b"<html><body><form>Sign in</form></body></html>"
    server.route(FEED, body=page, content_type="text/html; charset=utf-8")
    error = await expect(server, client, TransientError)
    assert error.reason == "Alerts: the answer is not an RSS or Atom feed"


async def test_a_body_that_names_a_file_is_not_opened(
    server: Replay, client: httpx.AsyncClient
) -> None:
    server.route(FEED, body=b"/etc/passwd", content_type="application/rss+xml")
    await expect(server, client, TransientError)


async def test_a_truncated_feed_keeps_the_entries_it_recovered(
    server: Replay, client: httpx.AsyncClient
) -> None:
    server.truncate(FEED)
    page = await source(server, client).fetch(None, 0)
    assert 0 < len(page.mentions) < 20
    assert page.warning is not None
    assert page.warning.startswith("Alerts: read ")
    assert ", but the feed is not valid XML: line " in page.warning
    # What the cut fell into is left for the next poll, which reads the feed whole.
    assert json.loads(page.cursor or "")["etag"] is None
