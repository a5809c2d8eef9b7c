"""Escalation webhooks: inert bodies for Slack and Discord, a verifiable signed JSON body."""

from __future__ import annotations

import dataclasses
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from scrm_tui.channels.http import USER_AGENT
from scrm_tui.channels.webhooks import (
    WebhookSender,
    discord_body,
    json_body,
    sign,
    slack_body,
)
from scrm_tui.core.outgoing import (
    EscalationNotice,
    PermanentError,
    SendError,
    TransientError,
    Webhook,
)
from tests.fakes.loopback import Loopback

NOW = datetime(2026, 8, 1, 13, 58, tzinfo=UTC).timestamp()
KEY = "esc-42-opened"
HOSTILE = "<!channel> refund me NOW @everyone @here <@U123|boss> & <https://evil.example|bank>"
NOTICE = EscalationNotice(
    escalation_id=42,
    event="opened",
    team="Billing",
    priority="P1",
    note="Customer charged twice <!here>",
    agent="dana",
    at_ms=int(NOW * 1000),
    channel="mastodon",
    mention_text=HOSTILE,
    mention_url="https://mastodon.example/@ann/117020583245459824",
    author_handle="@ann@mastodon.example",
    author_name="Ann <@U999>",
    customer_name="Acme & Sons",
)


def hooks(client: httpx.AsyncClient) -> WebhookSender:
    return WebhookSender(client, clock=lambda: NOW)


async def failure(server: Loopback, client: httpx.AsyncClient, hook: Webhook) -> SendError:
    with pytest.raises(SendError) as caught:
        await hooks(client).deliver(hook, NOTICE, KEY)
    reason = caught.value.reason
    path = httpx.URL(hook.url).path
    for secret in (hook.url, path, *path.split("/")[2:], "?", "<"):
        assert secret not in reason, reason
    assert f'"{hook.name}"' in reason
    return caught.value


def slack_texts(body: dict[str, Any]) -> list[str]:
    texts = [body["text"]]
    for block in body["blocks"]:
        if "text" in block:
            texts.append(block["text"]["text"])
        texts += [field["text"] for field in block.get("fields", [])]
    return texts


# -- Slack -------------------------------------------------------------------------------


def test_slack_body_makes_a_stranger_s_words_inert() -> None:
    body = slack_body(NOTICE)
    texts = slack_texts(body)
    joined = "\n".join(texts)
    for ping in ("<!channel>", "<!here>", "<@U123", "<@U999>", "<https://evil"):
        assert ping not in joined
    assert "&lt;!channel&gt; refund me NOW" in joined
    assert "Acme &amp; Sons" in joined
    assert "\n" not in body["text"]  # the fallback is one line
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "P1 escalation opened · Billing", "emoji": True},
    }
    [link] = [t for t in texts if t.startswith("<https://mastodon.example/")]
    assert link == "<https://mastodon.example/@ann/117020583245459824|Open the mention>"


@pytest.mark.parametrize("lead", ["", "a", "ab", "abc"])
def test_slack_body_respects_block_limits_without_cutting_an_entity(lead: str) -> None:
    long = dataclasses.replace(NOTICE, mention_text=lead + "<" * 5000, team="T" * 400)
    body = slack_body(long)
    assert len(body["blocks"][0]["text"]["text"]) <= 150
    texts = slack_texts(body)
    assert all(len(text) <= 3000 for text in texts)
    [mention] = [text for text in texts if text.startswith("*Mention:*")]
    assert len(mention) > 2990 and mention.endswith("&lt;…")


def test_a_link_that_is_not_http_is_left_out() -> None:
    body = slack_body(dataclasses.replace(NOTICE, mention_url="javascript:alert(1)|x>"))
    assert not any("javascript" in text for text in slack_texts(body))


async def test_slack_delivery(server: Loopback, client: httpx.AsyncClient) -> None:
    sent = await hooks(client).deliver(server.webhook("slack"), NOTICE, KEY)
    assert sent.remote_id == KEY
    [delivery] = server.posts("slack")
    assert delivery["json"] == slack_body(NOTICE)


@pytest.mark.parametrize(
    ("status", "word"),
    [
        (404, "channel_not_found"),
        (410, "channel_is_archived"),
        (403, "no_service"),
        (403, "invalid_token"),
        (404, ""),
    ],
)
async def test_a_dead_slack_hook_is_permanent(
    server: Loopback, client: httpx.AsyncClient, status: int, word: str
) -> None:
    server.fail("slack", status=status, body=word.encode(), headers={"content-type": "text/html"})
    error = await failure(server, client, server.webhook("slack"))
    assert isinstance(error, PermanentError)
    assert error.reason == f'the Slack webhook "ops" is gone ({word or status})'


async def test_slack_invalid_payload_is_permanent_but_not_gone(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.fail("slack", status=400, body=b"invalid_payload")
    error = await failure(server, client, server.webhook("slack"))
    assert isinstance(error, PermanentError)
    assert error.reason == 'Slack webhook "ops" rejected the request (400): invalid_payload'


async def test_slack_rate_limit_waits_for_retry_after(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.fail("slack", status=429, body=b"", headers={"Retry-After": "30"})
    error = await failure(server, client, server.webhook("slack"))
    assert isinstance(error, TransientError) and error.retry_at == NOW + 30
    assert error.reason == 'Slack webhook "ops" rate limit: waiting until 13:58:30 UTC'


async def test_slack_server_error_is_transient(server: Loopback, client: httpx.AsyncClient) -> None:
    server.fail("slack", status=500, body=b"rollup_error")
    error = await failure(server, client, server.webhook("slack"))
    assert isinstance(error, TransientError)
    assert error.reason == 'Slack webhook "ops" had a server error (500): rollup_error'


# -- Discord -----------------------------------------------------------------------------


def test_discord_body_pings_nobody_and_fits_discord_s_limits() -> None:
    body = discord_body(NOTICE)
    assert body["allowed_mentions"] == {"parse": []}
    text = json.dumps(body, ensure_ascii=False)
    assert "@everyone" not in text and "@here" not in text  # defused twice over
    [embed] = body["embeds"]
    assert embed["url"] == NOTICE.mention_url
    assert embed["description"].startswith("<!channel> refund me NOW @\u200beveryone")

    huge = dataclasses.replace(
        NOTICE, mention_text="x" * 9000, note="n" * 3000, team="t" * 400, author_name="a" * 3000
    )
    body = discord_body(huge)
    [embed] = body["embeds"]
    assert len(body["content"]) <= 2000 and len(embed["title"]) <= 256
    assert len(embed["description"]) <= 4096
    assert all(len(field["value"]) <= 1024 for field in embed["fields"])
    total = len(embed["title"]) + len(embed["description"])
    total += sum(len(field["name"]) + len(field["value"]) for field in embed["fields"])
    assert total <= 6000


async def test_discord_waits_for_the_message_and_keeps_the_thread(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    hook = server.webhook("discord")
    hook = dataclasses.replace(hook, url=hook.url + "?thread_id=998877")
    sent = await hooks(client).deliver(hook, NOTICE, KEY)
    [request] = server.requests("discord")
    assert request.query == {"thread_id": ["998877"], "wait": ["true"]}
    assert sent.remote_id.isdigit() and sent.remote_id != KEY
    assert server.posts("discord")[0]["json"] == discord_body(NOTICE)


async def test_discord_204_is_a_delivery(server: Loopback, client: httpx.AsyncClient) -> None:
    server.fail("discord", status=204, body=b"", after=True)
    sent = await hooks(client).deliver(server.webhook("discord"), NOTICE, KEY)
    assert sent.remote_id == KEY and server.count("discord") == 1


async def test_a_garbled_200_is_still_a_delivery(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.truncate("discord")
    await hooks(client).deliver(server.webhook("discord"), NOTICE, KEY)
    assert server.count("discord") == 1


@pytest.mark.parametrize(
    ("payload", "wait"),
    [
        ("discord_429_user.json", 65),
        ("discord_429_global.json", 65),
        ("discord_429_shared.json", 1337),
    ],
)
async def test_discord_rate_limits(
    server: Loopback, client: httpx.AsyncClient, payload: str, wait: int
) -> None:
    server.fail("discord", payload=payload)
    error = await failure(server, client, server.webhook("discord"))
    assert isinstance(error, TransientError) and error.retry_at == NOW + wait
    scope = payload.split("_")[2].removesuffix(".json")
    assert error.reason.startswith(f'Discord webhook "ops" rate limit ({scope}): waiting until')


async def test_discord_body_retry_after_without_headers(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.fail(
        "discord", status=429, body={"message": "slow", "retry_after": 1.5, "global": False}
    )
    error = await failure(server, client, server.webhook("discord"))
    assert isinstance(error, TransientError) and error.retry_at == NOW + 1.5


async def test_a_deleted_discord_hook_is_permanent(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.fail("discord", payload="discord_404_unknown_webhook.json")
    error = await failure(server, client, server.webhook("discord"))
    assert isinstance(error, PermanentError)
    assert error.reason == 'the Discord webhook "ops" was deleted (10015 Unknown Webhook)'


# -- generic JSON --------------------------------------------------------------------------


def test_json_body_is_the_documented_document() -> None:
    document = json.loads(json_body(NOTICE, KEY))
    assert document == {
        "type": "escalation.opened",
        "delivery": KEY,
        "escalation": {
            "id": 42,
            "team": "Billing",
            "priority": "P1",
            "note": "Customer charged twice <!here>",
            "agent": "dana",
            "at": "2026-08-01T13:58:00.000Z",
        },
        "mention": {
            "channel": "mastodon",
            "text": HOSTILE,
            "url": NOTICE.mention_url,
            "author": {"handle": "@ann@mastodon.example", "name": "Ann <@U999>"},
        },
        "mentions": 1,
        "customer": {"name": "Acme & Sons"},
    }
    bare = dataclasses.replace(
        NOTICE,
        event="resolved",
        channel=None,
        mention_text=None,
        mention_url=None,
        author_handle=None,
        author_name=None,
        customer_name=None,
    )
    document = json.loads(json_body(bare, KEY))
    assert document["type"] == "escalation.resolved"
    assert document["mention"] is None and document["customer"] is None


async def test_a_signed_json_delivery_verifies_on_the_raw_body(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    hook = server.webhook("json", secret=Loopback.WEBHOOK_SECRET)
    sent = await hooks(client).deliver(hook, NOTICE, KEY)
    assert sent.remote_id == KEY
    [delivery] = server.posts("json")
    headers, raw = delivery["headers"], delivery["raw"]
    expected = hmac.new(Loopback.WEBHOOK_SECRET.encode(), raw, "sha256").hexdigest()
    assert hmac.compare_digest(headers["x-scrm-signature-256"], f"sha256={expected}")
    assert hmac.compare_digest(sign(Loopback.WEBHOOK_SECRET, raw), headers["x-scrm-signature-256"])
    assert raw == json_body(NOTICE, KEY)
    assert headers["content-type"] == "application/json"
    assert headers["x-scrm-event"] == "escalation.opened"
    assert headers["x-scrm-delivery"] == KEY
    assert headers["user-agent"] == USER_AGENT


async def test_an_unsigned_json_delivery_has_no_signature(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    await hooks(client).deliver(server.webhook("json"), NOTICE, KEY)
    assert "x-scrm-signature-256" not in server.posts("json")[0]["headers"]


@pytest.mark.parametrize(
    ("status", "kind"),
    [(410, PermanentError), (401, PermanentError), (500, TransientError), (503, TransientError)],
)
async def test_json_receiver_errors(
    server: Loopback, client: httpx.AsyncClient, status: int, kind: type[SendError]
) -> None:
    path = httpx.URL(server.webhook_url("json")).path
    server.fail("json", status=status, body={"error": f"no hook at {server.base_url}{path}"})
    error = await failure(server, client, server.webhook("json"))
    assert type(error) is kind
    assert error.reason.endswith(f": no hook at {server.base_url.removeprefix('http://')}")


async def test_json_receiver_behind_a_broken_proxy(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.html("json", 502)
    error = await failure(server, client, server.webhook("json"))
    assert isinstance(error, TransientError)
    assert error.reason == 'webhook "ops": HTTP 502 from 127.0.0.1 (an HTML error page)'


async def test_a_slow_receiver_times_out(server: Loopback, client: httpx.AsyncClient) -> None:
    server.delay("json", 1.0)
    error = await failure(server, client, server.webhook("json"))
    assert isinstance(error, TransientError)
    assert error.reason == 'webhook "ops" did not answer within 0.3 s'


async def test_an_unknown_kind_or_address_is_permanent(client: httpx.AsyncClient) -> None:
    with pytest.raises(PermanentError, match="unknown kind"):
        await hooks(client).deliver(Webhook("ops", "teams", "https://x.example/h"), NOTICE, KEY)
    with pytest.raises(PermanentError, match="https://"):
        await hooks(client).deliver(Webhook("ops", "slack", "hooks.slack.com/x"), NOTICE, KEY)
