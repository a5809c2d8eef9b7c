"""Links keep their addresses: Bluesky's shortened links expanded from the facets, a
Bluesky author whose handle failed named by the DID, Akkoma/Misskey links whose text
is not their address, feed blocks kept apart, and the link an HN story or a Reddit link
post points to stored, shown in the reading pane and found by a search."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from scrm_tui.channels.bluesky.source import BlueskySource
from scrm_tui.channels.hackernews.api import HackerNewsSource
from scrm_tui.channels.mastodon.api import MastodonSource
from scrm_tui.channels.rss.feeds import FeedSource
from scrm_tui.core.models import Sentiment
from scrm_tui.core.query import parse
from scrm_tui.core.records import flatten
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.widgets.mention_detail import describe
from tests.channels.test_reddit_text_mentions import source as reddit
from tests.fakes.loopback import Loopback
from tests.fakes.recorded import PAYLOADS
from tests.fakes.replay import Replay

LINK = "app.bsky.richtext.facet#link"
BSKY_NOW = datetime(2025, 5, 19, 17, 41, 36, tzinfo=UTC).timestamp()
HN_NOW = int(datetime(2014, 6, 5, 4, 0, tzinfo=UTC).timestamp())
REDDIT_NOW = datetime(2016, 1, 1, tzinfo=UTC).timestamp()


def recorded(file: str) -> Any:
    return json.loads((PAYLOADS / file).read_bytes())


def link_facets(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(the text a link facet covers, its address) for each link facet of a post."""
    data = record["text"].encode()
    return [
        (data[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(), feature["uri"])
        for f in record.get("facets") or []
        for feature in f["features"]
        if feature["$type"] == LINK
    ]


def bluesky(server: Loopback, client: httpx.AsyncClient, kind: str) -> BlueskySource:
    return BlueskySource(
        client,
        server.bluesky_account(),
        kind=kind,
        query="redistricting" if kind == "search" else None,
        clock=lambda: BSKY_NOW,
    )


async def test_bluesky_links_shortened_in_the_text_are_expanded_from_the_facets(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    posts = {p["uri"]: p["record"] for p in recorded("bluesky_searchPosts.json")["posts"]}
    posts |= {
        n["uri"]: n["record"] for n in recorded("bluesky_listNotifications.json")["notifications"]
    }
    found = (await bluesky(server, client, "search").fetch(None, 0)).mentions
    found += (await bluesky(server, client, "notifications").fetch(None, 0)).mentions
    assert len(found) == 43
    shortened = 0
    for mention in found:
        facets = link_facets(posts[mention.external_id])
        for _, address in facets:
            assert address in mention.text  # the whole address, where the post had it
        if any(shown != address for shown, address in facets):
            shortened += 1
            assert mention.text != posts[mention.external_id]["text"]
        else:
            assert mention.text == posts[mention.external_id]["text"]
    assert shortened == 10
    drive = next(m for m in found if "drive.google.com/file/d/1rpor" in m.text)
    assert "1rpor..." not in drive.text
    assert "https://drive.google.com/file/d/1rporOuFeT8tvgIITtUCWAw6W_iM_RgfH/view" in drive.text


async def test_bluesky_facets_that_do_not_fit_the_text_leave_it_as_written(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    post = server.add_bluesky_search_post(
        "did:plc:facets000000000000000000",
        "3lzz",
        "café kestrel.app/x...",
        at="2025-05-19T17:30:00.000Z",
    )
    post["record"]["facets"] = [
        # past the end, cutting the "é" in two, and overlapping: all ignored
        {
            "index": {"byteStart": 6, "byteEnd": 90},
            "features": [{"$type": LINK, "uri": "https://a.example/"}],
        },
        {
            "index": {"byteStart": 4, "byteEnd": 9},
            "features": [{"$type": LINK, "uri": "https://b.example/"}],
        },
        {
            "index": {"byteStart": 6, "byteEnd": 22},
            "features": [{"$type": LINK, "uri": "https://kestrel.app/x/y"}],
        },
        {
            "index": {"byteStart": 7, "byteEnd": 20},
            "features": [{"$type": LINK, "uri": "https://c.example/"}],
        },
        {
            "index": {"byteStart": 0, "byteEnd": 5},
            "features": [{"$type": LINK, "uri": "javascript:alert(1)"}],
        },
    ]
    found = (await bluesky(server, client, "search").fetch(None, 0)).mentions
    mention = next(m for m in found if m.external_id.endswith("/3lzz"))
    assert mention.text == "café https://kestrel.app/x/y"


async def test_a_bluesky_author_whose_handle_failed_is_named_by_the_did(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    did = "did:plc:invalidhandle00000000000"
    server.add_bluesky_search_post(
        did,
        "3lyy",
        "kestrel keeps crashing",
        at="2025-05-19T17:30:00.000Z",
        handle="handle.invalid",
    )
    found = (await bluesky(server, client, "search").fetch(None, 0)).mentions
    mention = next(m for m in found if m.external_id.endswith("/3lyy"))
    assert mention.author.handle == did
    assert mention.author.url == f"https://bsky.app/profile/{did}"
    assert mention.url == f"https://bsky.app/profile/{did}/post/3lyy"
    row = flatten(mention, Sentiment(0.0, 0.0, 1.0, 0.0))
    assert row.handle_key == did  # two broken handles are never one person


async def test_akkoma_and_misskey_links_keep_their_address_mentions_and_tags_do_not(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    status = server.mastodon_status(
        "117020600000000001", "x", created_at="2026-08-01T13:55:00.000Z"
    )
    status["content"] = (
        '<p>Read <a href="https://kestrel.app/notes/4.2">the release notes</a>, '
        '<a href="https://kestrel.app/blog">kestrel.app/blog</a> and '
        '<a href="https://example.com/long/path"><span class="invisible">https://</span>'
        '<span class="ellipsis">example.com/long/pa</span><span class="invisible">th</span></a>'
        ' cc <span class="h-card"><a href="https://pl.example/users/bob" class="u-url mention">'
        '@<span>bob</span></a></span> <a href="https://mk.example/@ann">@ann@mk.example</a> '
        '<a href="https://pl.example/tag/kestrel" class="hashtag" rel="tag">#kestrel</a></p>'
    )
    server.add_mastodon_tag_status("kestrel", status)
    source = MastodonSource(
        client,
        None,
        base_url=server.mastodon_url,
        kind="tag",
        tag="kestrel",
        clock=lambda: datetime(2026, 8, 1, 13, 58, tzinfo=UTC).timestamp(),
    )
    [mention] = (await source.fetch(None, 0)).mentions
    assert mention.text == (
        "Read the release notes (https://kestrel.app/notes/4.2), kestrel.app/blog and "
        "https://example.com/long/path cc @bob @ann@mk.example #kestrel"
    )


async def test_feed_blocks_are_kept_apart(client: httpx.AsyncClient) -> None:
    item = (
        "<h4>Release 4.2</h4><section>Sync is faster.</section><ul><li>one</li><li>two</li></ul>"
        "<table><tr><td>plan</td><td>price</td></tr><tr><td>team</td><td>$8</td></tr></table>"
        "Line<br>break<hr/>end<blockquote><span>Quote.</span>"
        '<span style="display: block">Its author</span>, 2017</blockquote>'
    )
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Kestrel</title>'
        "<item><title>Release</title><guid>k-42</guid>"
        f"<description><![CDATA[{item}]]></description></item></channel></rss>"
    )
    with Replay() as server:
        server.route("/feed", body=body.encode(), content_type="application/rss+xml")
        source = FeedSource(client, url=server.url("/feed"), name="blog")
        [mention] = (await source.fetch(None, 0)).mentions
    assert mention.text == (
        "Release\n\nRelease 4.2\n\nSync is faster.\n\none\n\ntwo\n\nplan price\n\nteam $8\n\n"
        "Line\nbreak\n\nend\n\nQuote.\n\nIts author\n\n, 2017"
    )


async def test_the_huffpost_pull_quote_and_its_author_are_not_run_together(
    client: httpx.AsyncClient,
) -> None:
    with Replay() as server:
        server.route("/feed", file="rss2_huffpost_canada.xml")
        mentions = (
            await FeedSource(client, url=server.url("/feed"), name="hp").fetch(None, 0)
        ).mentions
    text = "\n".join(m.text for m in mentions)
    assert "exciting.Nusaybah" not in text
    assert "which is super exciting.\n\nNusaybah Mohamed" in text


async def test_an_hn_story_keeps_its_link_shown_and_searchable(
    client: httpx.AsyncClient, inbox: Inbox, db_path: Path
) -> None:
    with Replay() as server:
        server.route("/hn/search_by_date", file="hn_algolia_search_by_date_story.json")
        source = HackerNewsSource(
            client, query="apple", api_url=server.url("/hn"), hits_per_page=20, clock=lambda: HN_NOW
        )
        mentions = (await source.fetch(None, 0)).mentions
    font = next(m for m in mentions if m.external_id == "7849439")
    verge = "http://www.theverge.com/2014/6/4/5778972/apple-may-have-chosen-the-wrong-new-font"
    assert font.link == verge
    assert font.url == "https://news.ycombinator.com/item?id=7849439"  # the discussion
    ask = next(m for m in mentions if m.external_id == "7848873")  # Ask HN: no link
    assert ask.link is None
    await inbox.ingest(mentions)
    [row] = await inbox.page_older(parse("theverge"), None, 50)
    detail = await inbox.detail(row.id)
    assert detail is not None and detail.link == verge
    head, _, _ = describe(detail, int(HN_NOW * 1000))
    assert f"→ links to {verge}" in head.plain
    assert "news.ycombinator.com/item?id=7849439" in head.plain
    # The text as posted stays the title and its words alone.
    assert "theverge" not in detail.text
    # Gone from the index with the mention: the index takes out what it put in.
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM mentions WHERE id = ?", (row.id,))
        hits = "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH ?"
        assert conn.execute(hits, ("theverge",)).fetchone() == (0,)
        assert conn.execute(hits, ("font",)).fetchone() == (0,)
        assert conn.execute(hits, ("apple",)).fetchone()[0] > 0


async def test_a_reddit_link_post_keeps_its_link_a_text_post_has_none(
    server: Loopback, client: httpx.AsyncClient, inbox: Inbox
) -> None:
    post: dict[str, Any] = recorded("reddit_search_listing.json")["data"]["children"][0]["data"]
    post.update(
        id="lnk1",
        name="t3_lnk1",
        is_self=False,
        url="https://kestrel.app/changelog/4.2",
        selftext="",
        selftext_html=None,
        title="Kestrel 4.2 & the new sync",
        created_utc=REDDIT_NOW - 60,
    )
    server.add_reddit_thing("search", post, kind="t3")
    account = server.reddit_account(refresh_token=None)
    source = reddit(server, client, "search", account=account, query="kestrel", now=REDDIT_NOW)
    mentions = (await source.fetch(None, int((REDDIT_NOW - 3600) * 1000))).mentions
    link_post = next(m for m in mentions if m.external_id == "t3_lnk1")
    assert link_post.link == "https://kestrel.app/changelog/4.2"
    assert link_post.text == "Kestrel 4.2 & the new sync"
    await inbox.ingest([link_post])
    [row] = await inbox.page_older(parse("changelog"), None, 50)
    detail = await inbox.detail(row.id)
    assert detail is not None
    assert "→ links to https://kestrel.app/changelog/4.2" in describe(detail, 0)[0].plain
    # (Text posts point nowhere else: test_reddit_text_mentions.)
