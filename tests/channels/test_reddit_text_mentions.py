"""Reddit as people read it: the plain text of Reddit's HTML (no markdown markup, no
`&#39;`), and the account's username mentions (`/message/mentions`) as a source that
logs in as the user, with its line in `scrm doctor`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from scrm_tui.channels.reddit.api import RedditSource
from scrm_tui.core.models import Channel
from scrm_tui.core.outgoing import PermanentError
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.widgets.mention_detail import describe
from tests.channels.test_init_doctor import client, lines_about, replay, run, write_config
from tests.fakes.loopback import Loopback
from tests.fakes.recorded import PAYLOADS
from tests.fakes.replay import Replay

__all__ = ["client", "replay"]  # the doctor's fixtures, used here too

NOW = datetime(2023, 10, 8, 19, 41, 16, tzinfo=UTC).timestamp()
INBOX_NOW = datetime(2019, 4, 9, 2, 0, tzinfo=UTC).timestamp()
MENTIONS = "reddit.mentions"


def source(server: Loopback, client: httpx.AsyncClient, kind: str, **options: Any) -> RedditSource:
    account = options.pop("account", server.reddit_account())
    now = options.pop("now", NOW)
    if kind == "comments":
        options.setdefault("subreddit", "r/test")
    if kind == "search":
        options.setdefault("query", "praw")
    return RedditSource(client, account, kind=kind, clock=lambda: now, **options)


def by_id(mentions: Any) -> dict[str, Any]:
    return {m.external_id: m for m in mentions}


async def test_comments_are_read_from_their_html_as_plain_text(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    found = by_id((await source(server, client, "comments").fetch(None, 0)).mentions)
    book = found["t1_k3woe15"]
    assert book.text.startswith(
        "The Fifth Season (The Broken Earth #1) "
        "(https://www.goodreads.com/book/show/19161852-the-fifth-season) by N.K. Jemisin"
    )
    potter = found["t1_k3wo7i3"]
    assert potter.text.startswith("#1/3: Harry Potter and the Sorcerer's Stone")
    quoted = found["t1_k3yczsn"]
    assert quoted.text.startswith("Trading Long Term Capital Gains")  # a quote, not "> "
    for mention in found.values():
        # (Reddit itself leaves one malformed `[Provide Feedback](` as written.)
        for markup in ("**", "^(", "&#", "&amp;", "\\#"):
            assert markup not in mention.text, (mention.external_id, markup)
    assert (
        found["t1_k3yiw5z"].text == "DaintyWilder | Riley Reid - First 🥇 Threesome & Cum Swap 😈"
    )
    # A link whose text is its address is written once.
    assert found["t1_k3ynwqb"].text == (
        "Hey u/VettedBot what can you tell me about "
        "https://www.amazon.com/AT-Prepaid-Radiant-Max-Smartphone/dp/B098KJWTXL"
    )


async def test_self_posts_are_read_from_their_html(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    found = by_id((await source(server, client, "search").fetch(None, 0)).mentions)
    solved = found["t3_3gpbiu"]
    assert solved.text.startswith(
        "[PRAW][OAuth2Util] Problem using get_banned() : raise Forbidden(_raw=response)"
        "\n\nsolved\n\nProblem solved with this:"
    )
    assert "# solved" not in solved.text and "----" not in solved.text
    assert "can't seem to find" in found["t3_3x4kt2"].text  # &#39; decoded
    assert all(m.link is None for m in found.values())  # text posts point nowhere else


async def test_html_sent_escaped_without_raw_json_is_still_read(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    comment = server.reddit_comment("esc1", "x", created_utc=NOW - 10)
    comment["body_html"] = (
        "&lt;div class=&quot;md&quot;&gt;&lt;p&gt;Tom &amp;amp; Jerry &lt;em&gt;love&lt;/em&gt;"
        " it&lt;/p&gt;&lt;/div&gt;"
    )
    server.add_reddit_thing("comments", comment)
    found = by_id((await source(server, client, "comments").fetch(None, 0)).mentions)
    assert found["t1_esc1"].text == "Tom & Jerry love it"


async def test_username_mentions_are_a_source_read_as_the_user(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    page = await source(server, client, "mentions", now=INBOX_NOW).fetch(None, 0)
    recorded = json.loads((PAYLOADS / "reddit_inbox_mentions.json").read_bytes())
    assert [m.external_id for m in page.mentions] == [
        c["data"]["name"] for c in recorded["data"]["children"]
    ]
    first = page.mentions[0]
    assert first.channel is Channel.REDDIT
    assert first.author.handle == "2Botter2Loop"
    assert first.url == (
        "https://www.reddit.com/r/RemovedByBotter/comments/bb24k7/"
        "just_a_normal_girl_going_for_her_10th_class_exam/ekftbox/"
    )
    assert (first.in_reply_to, first.root) == ("t3_bb24k7", "t3_bb24k7")
    assert first.created_at == datetime.fromtimestamp(1554774308, UTC)
    # The recording's redaction put a bare `<USERNAME>` into the HTML, where Reddit would
    # have written the name (it escapes a typed "<"): as HTML, that is a tag.
    assert first.text.startswith(
        "Hello /u/,\n\nYour submission (https://redd.it/bb1sep) was removed from "
        "/r/BetterEverLoop for the following reason:\n\nYou did not provide a valid"
    )
    assert "If you have any questions, comments, or concerns, don't hesitate to contact the" in (
        first.text
    )
    assert "^^" not in first.text
    [login] = server.requests("reddit.access_token")
    assert login.form()["grant_type"] == "refresh_token"
    [request] = server.requests(MENTIONS)
    assert (request.param("limit"), request.param("raw_json")) == ("100", "1")


async def test_mentions_without_a_user_login_say_what_is_missing(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    account = server.reddit_account(refresh_token=None, password=None)
    with pytest.raises(PermanentError) as caught:
        await source(server, client, "mentions", account=account).fetch(None, 0)
    assert "mentions inbox needs the account's refresh token or password" in caught.value.reason
    assert server.requests() == []  # nothing asked of Reddit


async def test_doctor_checks_the_users_login_for_the_mentions_source(
    tmp_path: Path, server: Loopback, replay: Replay, client: httpx.AsyncClient
) -> None:
    path = write_config(tmp_path, server, replay)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            '[sources.reddit]\nkinds = ["search"]', '[sources.reddit]\nkinds = ["mentions"]'
        ),
        encoding="utf-8",
    )
    result, output = await run(path, tmp_path, client)
    assert result.exit_code == 0, output
    [line] = lines_about(output, "source  ✓ reddit:mentions")
    assert "login accepted" in line
    grants = {r.form()["grant_type"] for r in server.requests("reddit.access_token")}
    assert "client_credentials" not in grants  # no app-only token stands in for the user


async def test_escapes_in_the_html_never_reach_the_terminal(
    server: Loopback, client: httpx.AsyncClient, inbox: Inbox
) -> None:
    comment = server.reddit_comment("esc2", "x", created_utc=NOW - 5)
    comment["body_html"] = (
        '<div class="md"><p>kestrel &#27;[2J&#x1b;]52;c;ZXZpbA==&#7; '
        "[b]bold[/b] [@click=app.quit]</p></div>"
    )
    server.add_reddit_thing("comments", comment)
    found = by_id((await source(server, client, "comments").fetch(None, 0)).mentions)
    mention = found["t1_esc2"]
    # HTML's decoding drops control characters named by reference (ESC, BEL): what
    # is left is inert text, and the reading pane shows it as text.
    assert mention.text == "kestrel [2J]52;c;ZXZpbA== [b]bold[/b] [@click=app.quit]"
    [mention_id] = (await inbox.ingest([mention])).stored
    detail = await inbox.detail(mention_id)
    assert detail is not None
    _, body, _ = describe(detail, 0)
    assert body.plain == mention.text  # no markup parsed: [b] and [@click] as typed
