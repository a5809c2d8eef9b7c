"""The outbox against real HTTP: replies, macro posts and webhooks go out exactly once."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scrm_tui.core.models import Channel, CustomerIn, Status
from scrm_tui.service import outbox as outbox_service
from scrm_tui.service.credentials import resolve
from scrm_tui.service.inbox import Inbox
from tests.conftest import NOW, fixed_clock, mention
from tests.fakes.loopback import Loopback, serve
from tests.support.outgoing import config_for

STATUS_ID = "117020583245459824"


class Clock:
    """A clock a test moves forward by hand (retries fall due when it says so)."""

    def __init__(self) -> None:
        self.now = NOW.timestamp()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server() -> Iterator[Loopback]:
    for running in serve():
        running.add_mastodon_status(STATUS_ID)
        yield running


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def open_inbox(db_path: str | Path, server: Loopback, clock: object = fixed_clock) -> Inbox:
    inbox = await Inbox.open(db_path, "kate", clock)  # type: ignore[arg-type]
    config = config_for(server)
    inbox.configure(config, resolve(config, {}))
    return inbox


@pytest.fixture
async def box(db_path: Path, server: Loopback, clock: Clock) -> AsyncIterator[Inbox]:
    inbox = await open_inbox(db_path, server, clock)
    try:
        yield inbox
    finally:
        await inbox.close()


async def a_mastodon_mention(inbox: Inbox) -> int:
    post = mention(1, "Kestrel lost my board again", handle="ann@social.example", name="Ann Lee")
    post = type(post)(**{**post.__dict__, "external_id": STATUS_ID})
    await inbox.add_customers(
        [CustomerIn(name="Ann Lee", identities=((Channel.MASTODON, "ann@social.example"),))]
    )
    result = await inbox.ingest([post])
    return result.stored[0]


def table_text(db_path: Path) -> str:
    """Every value in every table, as one string (to look for secrets)."""
    with sqlite3.connect(db_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(
            repr(row) for table in tables for row in conn.execute(f'SELECT * FROM "{table}"')
        )


async def test_a_reply_goes_out_once_and_changes_the_mention(
    box: Inbox, server: Loopback, db_path: Path
) -> None:
    mention_id = await a_mastodon_mention(box)
    compose = await box.replies.compose(mention_id)
    assert compose.text == "@ann@social.example " and compose.manual_reason is None
    await box.replies.save_draft(compose, "@ann@social.example sorry! looking now")
    outbox_id = await box.replies.send(compose, "@ann@social.example sorry! looking now")

    items = await box.outbox_worker().run_due()

    assert [(i.id, i.state) for i in items] == [(outbox_id, "sent")]
    (post,) = server.requests("mastodon.post_status")
    body = json.loads(post.body)
    assert body["in_reply_to_id"] == STATUS_ID and body["status"].startswith("@ann@")
    assert post.headers["idempotency-key"] == items[0].key
    assert items[0].remote_url and items[0].remote_id
    detail = await box.detail(mention_id)
    assert detail is not None and detail.row.status is Status.DONE and detail.row.is_read
    # The draft went with the queued reply; the history has the reply, sent by kate.
    assert await box.outbox.draft("kate", f"reply:{mention_id}") is None
    with sqlite3.connect(db_path) as conn:
        first = conn.execute(
            "SELECT first_response_ms - created_ms FROM mentions WHERE id = ?", (mention_id,)
        ).fetchone()[0]
        history = conn.execute(
            "SELECT kind, actor, summary, customer_id IS NOT NULL FROM interactions "
            "WHERE mention_id = ? AND kind = 'reply'",
            (mention_id,),
        ).fetchall()
    assert first == 60_000  # posted a minute ago, answered now
    assert history == [("reply", "kate", "@ann@social.example sorry! looking now", 1)]


async def test_over_the_limit_is_refused_before_anything_is_queued(box: Inbox) -> None:
    from scrm_tui.service.replies import ReplyRefused

    mention_id = await a_mastodon_mention(box)
    compose = await box.replies.compose(mention_id)
    with pytest.raises(ReplyRefused, match=r"Too long for Mastodon: 501 of 500"):
        await box.replies.send(compose, "x" * 501)
    with pytest.raises(ReplyRefused, match="Nothing to send"):
        await box.replies.send(compose, compose.text)
    assert await box.outbox_items() == []


async def test_a_rate_limit_waits_for_the_reset_mastodon_names(
    box: Inbox, server: Loopback, clock: Clock
) -> None:
    mention_id = await a_mastodon_mention(box)
    compose = await box.replies.compose(mention_id)
    await box.replies.send(compose, "@ann thanks")
    # The recorded 429, with its reset moved to five minutes after our "now".
    server.fail(
        "mastodon.post_status",
        payload="mastodon_error_429_rate_limited.json",
        headers={"x-ratelimit-reset": "2026-11-20T12:05:00.000000Z"},
    )
    worker = box.outbox_worker()

    (item,) = await worker.run_due()

    assert item.state == "pending" and item.attempts == 1
    assert "rate limit" in (item.last_error or "").lower()
    reset_ms = int(datetime(2026, 11, 20, 12, 5, tzinfo=UTC).timestamp() * 1000)
    assert reset_ms <= item.next_ms <= reset_ms + 1000  # exactly the reset (+ jitter < 1 s)
    # Nothing is due before the reset; after it, the reply goes out once.
    assert await worker.run_due() == []
    clock.now = item.next_ms / 1000 + 0.001
    (after,) = await worker.run_due()
    assert after.state == "sent" and server.count("mastodon") == 1


async def test_a_permanent_error_stops_and_can_be_retried_or_discarded(
    box: Inbox, server: Loopback
) -> None:
    mention_id = await a_mastodon_mention(box)
    compose = await box.replies.compose(mention_id)
    outbox_id = await box.replies.send(compose, "@ann we fixed it")
    server.fail("mastodon.post_status", payload="mastodon_error_401_invalid_token.json")

    (item,) = await box.outbox_worker().run_due()

    assert item.state == "failed" and "(401)" in (item.last_error or "")
    assert server.MASTODON_TOKEN not in (item.last_error or "")
    assert await box.retry_outbox(outbox_id)
    (again,) = await box.outbox_worker().run_due()
    assert again.state == "sent" and server.count("mastodon") == 1

    # A discarded reply's text comes back as the draft: nothing written is lost.
    other = await box.replies.send(await box.replies.compose(mention_id), "@ann second try")
    server.fail("mastodon.post_status", status=422, body={"error": "Validation failed"})
    await box.outbox_worker().run_due()
    discarded = await box.discard_outbox(other)
    assert discarded is not None and discarded.state == "discarded"
    assert await box.outbox.draft("kate", f"reply:{mention_id}") == ("mastodon", "@ann second try")


async def test_transient_errors_back_off_then_give_up(
    box: Inbox, server: Loopback, clock: Clock
) -> None:
    mention_id = await a_mastodon_mention(box)
    await box.replies.send(await box.replies.compose(mention_id), "@ann hello")
    server.fail("mastodon.post_status", status=503, body="<html>down</html>", times=None)
    worker = box.outbox_worker()
    waits = []
    for _ in range(outbox_service.MAX_TRIES):
        (item,) = await worker.run_due()
        if item.state == "failed":
            break
        waits.append(item.next_ms / 1000 - clock.now)
        clock.now = item.next_ms / 1000 + 0.001
    assert item.state == "failed"
    assert (item.last_error or "").startswith(f"gave up after {outbox_service.MAX_TRIES} attempts")
    # Exponential: each wait at least half the nominal 5 s · 2^n, never over the cap.
    for n, wait in enumerate(waits):
        nominal = min(outbox_service.BACKOFF_CAP_S, outbox_service.BACKOFF_BASE_S * 2**n)
        assert nominal / 2 <= wait <= nominal
    assert server.count("mastodon") == 0


async def test_two_processes_never_send_one_item_twice(db_path: Path, server: Loopback) -> None:
    first = await open_inbox(db_path, server)
    second = await open_inbox(db_path, server)
    try:
        mention_id = await a_mastodon_mention(first)
        for n in range(5):
            compose = await first.replies.compose(mention_id)
            await first.replies.send(compose, f"@ann reply {n}")
        import asyncio

        one, two = await asyncio.gather(
            first.outbox_worker().run_due(), second.outbox_worker().run_due()
        )
        assert sorted(i.id for i in one + two) == [1, 2, 3, 4, 5]
        assert server.count("mastodon") == 5
        keys = [r.headers["idempotency-key"] for r in server.requests("mastodon.post_status")]
        assert len(set(keys)) == 5
    finally:
        await first.close()
        await second.close()


async def test_an_item_left_by_a_dead_process_is_sent_again_with_its_key(
    box: Inbox, server: Loopback
) -> None:
    mention_id = await a_mastodon_mention(box)
    await box.replies.send(await box.replies.compose(mention_id), "@ann on it")
    # A process on this host claimed it, posted it, and died before marking it sent.
    dead = f"{socket.gethostname()}:{2**22 + 12345}"
    claimed = await box.outbox.claim(dead, box.now_ms(), 90_000, {"mastodon"})
    assert claimed is not None
    worker = box.outbox_worker()
    await worker.dispatcher.send(claimed)
    assert server.count("mastodon") == 1

    assert await worker.release_dead() == 1
    (item,) = await worker.run_due()

    assert item.state == "sent" and item.attempts == 2
    assert len(server.requests("mastodon.post_status")) == 2  # sent again...
    assert server.count("mastodon") == 1  # ...and Mastodon's key made it one post


async def test_a_bluesky_reply_threads_under_its_parent_once(
    box: Inbox, server: Loopback, clock: Clock
) -> None:
    parent = server.parent_post
    post = mention(1, "is Kestrel down?", channel=Channel.BLUESKY, handle="bskyr.bsky.social")
    post = type(post)(**{**post.__dict__, "external_id": parent["uri"]})
    (mention_id,) = (await box.ingest([post])).stored
    compose = await box.replies.compose(mention_id)
    assert compose.text == ""  # Bluesky threads replies without naming the author
    await box.replies.send(compose, "@bskyr.bsky.social we're on it 🙏")
    # The post is made, but the connection drops before we hear so.
    server.drop("bluesky.createRecord", after=True)

    (first,) = await box.outbox_worker().run_due()
    assert first.state == "pending" and server.count("bluesky") == 1
    clock.now = first.next_ms / 1000 + 0.001
    (item,) = await box.outbox_worker().run_due()

    # The retry found the record under its key instead of posting again.
    assert item.state == "sent" and server.count("bluesky") == 1
    record = server.posts("bluesky")[0]
    assert record["uri"].endswith("/" + item.key)  # the record key chosen when queued
    value = record["record"]
    assert value["reply"]["parent"]["uri"] == parent["uri"]
    assert value["reply"]["root"]["uri"] == parent["uri"]
    facet = value["facets"][0]
    text = value["text"].encode()
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert text[start:end] == b"@bskyr.bsky.social"


async def test_one_post_answers_many_mentions(box: Inbox, server: Loopback, db_path: Path) -> None:
    stored = (
        await box.ingest(
            [
                mention(1, "sync broken", handle="a@x.social"),
                mention(2, "sync down?", channel=Channel.BLUESKY, handle="b.bsky.social"),
                mention(3, "sync stuck", channel=Channel.HACKERNEWS, handle="c"),
            ]
        )
    ).stored
    compose = await box.replies.compose_post("mastodon", stored)
    await box.replies.send(compose, "Sync is fixed: https://status.kestrel.example")

    (item,) = await box.outbox_worker().run_due()

    assert item.kind == "post" and item.state == "sent" and item.mention_ids == tuple(stored)
    body = json.loads(server.requests("mastodon.post_status")[0].body)
    assert "in_reply_to_id" not in body and body["visibility"] == "public"
    for mention_id in stored:
        (answer,) = await box.replies_to(mention_id)
        assert answer.id == item.id
        detail = await box.detail(mention_id)
        assert detail is not None and detail.row.status is Status.DONE
    with sqlite3.connect(db_path) as conn:
        kinds = conn.execute(
            "SELECT mention_id, kind FROM interactions WHERE kind = 'post' ORDER BY mention_id"
        ).fetchall()
    assert kinds == [(m, "post") for m in stored]


async def test_an_escalation_reaches_each_webhook_and_keeps_no_secret(
    box: Inbox, server: Loopback, db_path: Path
) -> None:
    mention_id = await a_mastodon_mention(box)
    escalation_id = await box.escalations.escalate(mention_id, "billing", "P2", "refund <!channel>")

    items = await box.outbox_worker().run_due()

    assert sorted((i.target, i.state) for i in items) == [
        ("billing/audit", "sent"),
        ("billing/slack", "sent"),
    ]
    slack = server.posts("slack")[0]["json"]
    assert "<!channel>" not in json.dumps(slack) and "&lt;!channel&gt;" in json.dumps(slack)
    delivery = server.posts("json")[0]
    expected = (
        "sha256="
        + hmac.new(server.WEBHOOK_SECRET.encode(), delivery["raw"], hashlib.sha256).hexdigest()
    )
    assert hmac.compare_digest(delivery["headers"]["x-scrm-signature-256"], expected)
    assert delivery["json"]["escalation"]["id"] == escalation_id
    assert delivery["json"]["customer"] == {"name": "Ann Lee"}

    assert await box.escalations.resolve(escalation_id, "refunded")
    await box.outbox_worker().run_due()
    assert [p["json"]["type"] for p in server.posts("json")] == [
        "escalation.opened",
        "escalation.resolved",
    ]
    (esc,) = await box.escalations.listing()
    assert esc.state == "resolved" and esc.resolution == "refunded"
    with sqlite3.connect(db_path) as conn:
        history = [
            r[0]
            for r in conn.execute(
                "SELECT summary FROM interactions WHERE kind = 'escalation' ORDER BY id"
            )
        ]
    assert history[0] == "escalated to billing (P2): refund <!channel>"
    assert any("delivered to billing/slack" in h for h in history)
    assert "escalation to billing (P2) resolved: refunded" in history
    # Webhook URLs and the signing secret stay in memory only.
    text = table_text(db_path)
    for secret in ("loopbackSlackSecret0000", "loopbackJsonPath0000", server.WEBHOOK_SECRET):
        assert secret not in text


async def test_a_deleted_discord_webhook_stops_and_says_so(box: Inbox, server: Loopback) -> None:
    mention_id = await a_mastodon_mention(box)
    server.fail("discord", payload="discord_404_unknown_webhook.json", times=None)
    escalation_id = await box.escalations.escalate(mention_id, "engineering", "P1", "")

    (item,) = await box.outbox_worker().run_due()

    assert item.state == "failed" and "10015" in (item.last_error or "")
    assert await box.outbox_worker().run_due() == []  # no retry hammering a dead hook
    esc = await box.escalations.store.get(escalation_id)
    assert esc is not None and esc.deliveries[0][:2] == ("engineering/discord", "failed")
    assert "loopbackDiscordToken0000" not in (item.last_error or "")
