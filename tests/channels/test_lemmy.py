"""Lemmy against a loopback instance: searches and mentions become mentions, a reply
threads under its comment, and a process killed after posting never posts twice."""

from __future__ import annotations

import random
import socket
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from scrm_tui.channels.lemmy import LemmySender, LemmySession, LemmySource
from scrm_tui.core.config import parse_config
from scrm_tui.core.outgoing import AuthError, ReplyRequest
from scrm_tui.service.collector import Collector
from scrm_tui.service.credentials import resolve
from scrm_tui.service.customers import find_customer
from scrm_tui.service.doctor import diagnose
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.listen import build_sources
from tests.fakes.lemmy import LemmyLoopback, serve_lemmy
from tests.support.clock import Clock

NOW = datetime(2026, 8, 1, 14, 0, tzinfo=UTC).timestamp()
SINCE_MS = int(datetime(2026, 8, 1, tzinfo=UTC).timestamp() * 1000)
ENV = {"SCRM_LEMMY_PASSWORD": LemmyLoopback.LEMMY_PASSWORD}


@pytest.fixture
def server() -> Iterator[LemmyLoopback]:
    yield from serve_lemmy()


def session(server: LemmyLoopback, client: httpx.AsyncClient, **changes: object) -> LemmySession:
    return LemmySession(client, server.lemmy_account(**changes), lambda: NOW)


async def test_a_comment_search_becomes_mentions_with_their_authors(
    server: LemmyLoopback, client: httpx.AsyncClient
) -> None:
    source = LemmySource(session(server, client), kind="search", query="kestrel")
    page = await source.fetch(None, SINCE_MS)
    assert [m.external_id for m in page.mentions] == [
        "https://lemmy.example/comment/88412",
        "https://feddit.example/comment/552817",  # federated: its home's address
        "https://lemmy.example/comment/88377",
    ]
    first, remote = page.mentions[0], page.mentions[1]
    assert first.channel == "lemmy" and first.matched == "kestrel"
    assert first.text.startswith("Kestrel has been solid for me")
    assert first.created_at == datetime(2026, 8, 1, 13, 41, 7, 551204, tzinfo=UTC)
    assert (first.author.handle, first.author.name) == ("marguerite@lemmy.example", "Marguerite D.")
    assert first.url == f"{server.lemmy_url}/comment/88412"  # where a reply is made
    assert first.root == "https://lemmy.example/post/3301" and first.points == 14
    assert (remote.author.handle, remote.author.name) == ("tobias_k@feddit.example", None)
    [request] = server.requests("lemmy.search")
    assert (request.param("type_"), request.param("sort"), request.param("q")) == (
        "Comments",
        "New",
        "kestrel",
    )
    assert "authorization" not in request.headers  # searching needs no login


async def test_the_next_poll_finds_only_what_is_new(
    server: LemmyLoopback, client: httpx.AsyncClient
) -> None:
    source = LemmySource(session(server, client), kind="search", query="kestrel")
    first = await source.fetch(None, SINCE_MS)
    assert first.cursor == str(int(datetime(2026, 8, 1, 13, 41, 7, 551000, UTC).timestamp() * 1000))
    server.add_lemmy_comment(88450, "kestrel 4.2.1 fixed it, thanks", "2026-08-01T13:59:30Z")
    again = await source.fetch(first.cursor, SINCE_MS)
    # Read again from a little before the newest seen: that one again (storage keeps it
    # once) and the new one.
    assert [m.external_id for m in again.mentions] == [
        "https://lemmy.example/comment/88450",
        "https://lemmy.example/comment/88412",
    ]


async def test_mentions_log_in_once_and_carry_the_token(
    server: LemmyLoopback, client: httpx.AsyncClient
) -> None:
    source = LemmySource(session(server, client), kind="mentions")
    page = await source.fetch(None, SINCE_MS)
    [mention] = page.mentions
    assert mention.author.handle == "ottoline@lemmy.example"
    assert mention.text.startswith("@kestrel_support@lemmy.example is the export")
    await source.fetch(page.cursor, SINCE_MS)
    [login] = server.requests("lemmy.login")
    assert login.json() == {
        "username_or_email": LemmyLoopback.LEMMY_USERNAME,
        "password": LemmyLoopback.LEMMY_PASSWORD,
    }
    for request in server.requests("lemmy.mentions"):
        assert request.headers["authorization"] == f"Bearer {server.lemmy_jwt}"


async def test_a_wrong_password_is_refused_in_lemmy_s_words(
    server: LemmyLoopback, client: httpx.AsyncClient
) -> None:
    source = LemmySource(session(server, client, password="hunter2-wrong"), kind="mentions")
    with pytest.raises(AuthError) as caught:
        await source.fetch(None, SINCE_MS)
    assert caught.value.reason == "Lemmy refused the login (400): incorrect_login"
    assert "hunter2-wrong" not in caught.value.reason


async def test_a_reply_threads_under_the_comment_it_answers(
    server: LemmyLoopback, client: httpx.AsyncClient
) -> None:
    sender = LemmySender(client, server.lemmy_account(), lambda: NOW)
    target = f"{server.lemmy_url}/comment/88412"
    request = ReplyRequest("lemmy", "A fix is in 4.2.1.", "k-1", target_url=target)
    sent = await sender.send(request)
    [create] = server.requests("lemmy.create_comment")
    assert create.json() == {"content": "A fix is in 4.2.1.", "post_id": 3301, "parent_id": 88412}
    [made] = server.posts("lemmy")
    assert made["path"] == "0.88390.88412.88431"
    assert (sent.remote_id, sent.url) == (made["ap_id"], f"{server.lemmy_url}/comment/88431")


# -- end to end: configured, polled into a real database, answered through the outbox --


def config_text(server: LemmyLoopback) -> str:
    return (
        '[watch]\nterms = "kestrel"\nbackfill = "1d"\n'
        f'[lemmy]\ninstance = "{server.lemmy_url}"\nusername = "kestrel_support"\n'
        '[sources.lemmy]\nkinds = ["mentions", "search"]\n'
    )


@pytest.fixture
async def box(db_path: Path, server: LemmyLoopback) -> AsyncIterator[Inbox]:
    inbox = await Inbox.open(db_path, "kate", Clock(NOW))
    config = parse_config(config_text(server))
    inbox.configure(config, resolve(config, ENV))
    try:
        yield inbox
    finally:
        await inbox.close()


async def polled(box: Inbox, server: LemmyLoopback, client: httpx.AsyncClient) -> None:
    config = parse_config(config_text(server))
    sources, problems = build_sources(
        config, resolve(config, ENV), client, env=ENV, clock=Clock(NOW)
    )
    assert problems == {}
    assert [s.name for s in sources] == ["lemmy:mentions", "lemmy:search:kestrel"]
    collector = Collector(box, sources, clock=Clock(NOW), holder="h:1", rng=random.Random(7))
    await collector.poll_due()


async def test_configured_sources_store_each_comment_once(
    box: Inbox, server: LemmyLoopback, client: httpx.AsyncClient, db_path: Path
) -> None:
    await polled(box, server, client)
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute(
            "SELECT m.external_id, a.handle FROM mentions m JOIN authors a ON a.id = m.author_id "
            "WHERE m.channel = 'lemmy' ORDER BY m.created_ms"
        ).fetchall()
    assert stored == [
        ("https://lemmy.example/comment/88377", "quill@lemmy.example"),
        ("https://feddit.example/comment/552817", "tobias_k@feddit.example"),
        ("https://lemmy.example/comment/88412", "marguerite@lemmy.example"),
        ("https://lemmy.example/comment/88420", "ottoline@lemmy.example"),
    ]


async def a_lemmy_mention(box: Inbox, server: LemmyLoopback, client: httpx.AsyncClient) -> int:
    await polled(box, server, client)
    rows = await box.rows(range(1, 10))
    return next(r.id for r in rows if r.external_id.endswith("/comment/88412"))


async def test_a_reply_goes_out_through_the_outbox_once(
    box: Inbox, server: LemmyLoopback, client: httpx.AsyncClient
) -> None:
    mention_id = await a_lemmy_mention(box, server, client)
    compose = await box.replies.compose(mention_id)
    assert compose.manual_reason is None and compose.text == ""  # a comment threads itself
    await box.replies.send(compose, "Thanks! 4.2.1 fixes the stuck sync.")
    [item] = await box.outbox_worker().run_due()
    assert item.state == "sent" and item.remote_url == f"{server.lemmy_url}/comment/88431"
    [create] = server.requests("lemmy.create_comment")
    assert create.json()["parent_id"] == 88412


async def test_a_process_killed_after_posting_never_posts_twice(
    box: Inbox, server: LemmyLoopback, client: httpx.AsyncClient
) -> None:
    mention_id = await a_lemmy_mention(box, server, client)
    await box.replies.send(await box.replies.compose(mention_id), "On it: a fix ships today.")
    # A process on this host claimed it, posted it, and died before marking it sent.
    dead = f"{socket.gethostname()}:{2**22 + 12345}"
    claimed = await box.outbox.claim(dead, box.now_ms(), 90_000, {"lemmy"})
    assert claimed is not None
    worker = box.outbox_worker()
    await worker.dispatcher.send(claimed)
    assert server.count("lemmy") == 1

    assert await worker.release_dead() == 1
    [item] = await worker.run_due()

    assert item.state == "sent" and item.attempts == 2
    assert server.count("lemmy") == 1  # attempt 2 found its comment instead of posting
    assert len(server.requests("lemmy.create_comment")) == 1
    assert len(server.requests("lemmy.user")) == 1


async def test_doctor_asks_the_instance_and_spends_no_login(
    server: LemmyLoopback, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    path = tmp_path / "scrm.toml"
    path.write_text(config_text(server), encoding="utf-8")
    result = await diagnose(
        path, db_path=tmp_path / "scrm.db", env=ENV, state_dir=tmp_path, client=client
    )
    lines = [c.line for c in result.checks if "lemmy" in c.line]
    assert len(lines) == 2 and all("✓" in line for line in lines), lines
    assert lines[0].startswith("source  ✓ lemmy:mentions, lemmy:search:kestrel  127.0.0.1:")
    assert lines[1].startswith("account ✓ lemmy  127.0.0.1:")
    assert lines[1].endswith("; password not tried")
    assert server.requests("lemmy.login") == [] and len(server.requests("lemmy.site")) == 1


async def test_a_lemmy_author_becomes_a_customer_found_by_handle(
    box: Inbox, server: LemmyLoopback, client: httpx.AsyncClient
) -> None:
    mention_id = await a_lemmy_mention(box, server, client)
    author = await box.linker.author(mention_id)
    assert author is not None
    customer = await box.linker.create_customer(author)
    assert await find_customer(box, "@Marguerite@lemmy.example") == [customer]
    assert await find_customer(box, "marguerite@lemmy.example", "lemmy") == [customer]
