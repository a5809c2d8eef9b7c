"""Escalation webhooks: Slack, Discord, and a signed JSON body for anything else."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from typing import Any

import httpx

from scrm_tui.channels.http import (
    USER_AGENT,
    WEBHOOK_MAX_BYTES,
    check,
    iso_utc,
    send_request,
)
from scrm_tui.core.outgoing import (
    EscalationNotice,
    PermanentError,
    Sent,
    TransientError,
    Webhook,
)

SLACK_SECTION_MAX = 3000
SLACK_HEADER_MAX = 150
SLACK_FIELD_MAX = 2000
SLACK_FALLBACK_MAX = 300
DISCORD_CONTENT_MAX = 2000
DISCORD_TITLE_MAX = 256
DISCORD_DESCRIPTION_MAX = 4096
DISCORD_FIELD_MAX = 1024
DISCORD_EMBED_TOTAL = 6000  # Discord's limit for all text of one embed together
DISCORD_UNKNOWN_WEBHOOK = 10015
# Plain-text Slack answers meaning the hook will never work again.
_SLACK_GONE = frozenset(
    {
        "no_service",
        "no_service_id",
        "no_team",
        "team_disabled",
        "channel_not_found",
        "channel_is_archived",
        "invalid_token",
        "no_active_hooks",
    }
)
_SLACK_WORD = re.compile(r"[a-z_]{2,64}")
_DISCORD_PING = re.compile(r"@(everyone|here)", re.IGNORECASE)
_COLOURS = {"P1": 0xE74C3C, "P2": 0xE67E22, "P3": 0xF1C40F, "P4": 0x95A5A6}
_RESOLVED_COLOUR = 0x2ECC71


class WebhookSender:
    """Delivers escalation notices; the reason of a failure never quotes the hook URL."""

    def __init__(self, client: httpx.AsyncClient, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._clock = clock

    async def deliver(self, hook: Webhook, notice: EscalationNotice, key: str) -> Sent:
        if not hook.url.startswith(("https://", "http://")):
            raise PermanentError(f'the webhook "{hook.name}" needs an https:// address')
        if hook.kind == "slack":
            return await self._slack(hook, notice, key)
        if hook.kind == "discord":
            return await self._discord(hook, notice, key)
        if hook.kind == "json":
            return await self._json(hook, notice, key)
        raise PermanentError(
            f'the webhook "{hook.name}" has an unknown kind (slack, discord, json)'
        )

    async def _post(self, label: str, url: str | httpx.URL, **kwargs: Any) -> httpx.Response | None:
        """The answer to a POST; None when it was a 2xx too large to read: delivered,
        and sending it again would deliver it twice."""
        try:
            return await send_request(
                self._client, "POST", url, service=label, max_bytes=WEBHOOK_MAX_BYTES, **kwargs
            )
        except TransientError as error:
            if error.status is not None and 200 <= error.status < 300:
                return None
            raise

    async def _slack(self, hook: Webhook, notice: EscalationNotice, key: str) -> Sent:
        label = f'Slack webhook "{hook.name}"'
        response = await self._post(label, hook.url, json=slack_body(notice))
        if response is None or response.is_success:
            return Sent(remote_id=key)
        word = response.text.strip()
        word = word if _SLACK_WORD.fullmatch(word) else ""
        if response.status_code in (404, 410) or word in _SLACK_GONE:
            raise PermanentError(
                f'the Slack webhook "{hook.name}" is gone ({word or response.status_code})',
                status=response.status_code,
            )
        check(response, label, self._clock(), secrets=_secrets(hook))
        return Sent(remote_id=key)

    async def _discord(self, hook: Webhook, notice: EscalationNotice, key: str) -> Sent:
        label = f'Discord webhook "{hook.name}"'
        # wait=true: Discord answers with the message (and its id) instead of 204.
        url = httpx.URL(hook.url).copy_set_param("wait", "true")
        response = await self._post(label, url, json=discord_body(notice))
        if response is None:
            return Sent(remote_id=key)
        if response.is_success:
            # Delivered, whatever the body says: a repeat would post the message twice.
            message = _json_or_none(response)
            message_id = message.get("id") if isinstance(message, dict) else None
            return Sent(remote_id=str(message_id) if message_id else key)
        error = _json_or_none(response)
        if isinstance(error, dict) and error.get("code") == DISCORD_UNKNOWN_WEBHOOK:
            raise PermanentError(
                f'the Discord webhook "{hook.name}" was deleted (10015 Unknown Webhook)',
                status=response.status_code,
            )
        check(response, label, self._clock(), secrets=_secrets(hook))
        return Sent(remote_id=key)

    async def _json(self, hook: Webhook, notice: EscalationNotice, key: str) -> Sent:
        body = json_body(notice, key)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Scrm-Event": f"escalation.{notice.event}",
            "X-Scrm-Delivery": key,
        }
        if hook.secret:
            headers["X-Scrm-Signature-256"] = sign(hook.secret, body)
        label = f'webhook "{hook.name}"'
        response = await self._post(label, hook.url, content=body, headers=headers)
        if response is not None:
            check(response, label, self._clock(), secrets=_secrets(hook))
        return Sent(remote_id=key)


def slack_body(notice: EscalationNotice) -> dict[str, Any]:
    """Block Kit message; every stranger's word is escaped so it cannot ping anyone."""
    title = _title(notice)
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _cut(title, SLACK_HEADER_MAX), "emoji": True},
        }
    ]
    if notice.note:
        blocks.append(_section("*Note:* ", notice.note))
    if notice.mention_text:
        blocks.append(_section("*Mention:*\n", notice.mention_text))
    fields = [
        {"type": "mrkdwn", "text": _slack_cut(f"*{name}:* ", value, SLACK_FIELD_MAX)}
        for name, value in _facts(notice)
    ]
    if fields:
        blocks.append({"type": "section", "fields": fields[:10]})
    link = _safe_url(notice.mention_url)
    if link:
        slack_link = link.replace("&", "&amp;").replace("|", "%7C")
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"<{slack_link}|Open the mention>"},
            }
        )
    summary = notice.note or notice.mention_text or ""
    fallback = f"{title}: {' '.join(summary.split())}" if summary else title
    return {"text": _slack_cut("", fallback, SLACK_FALLBACK_MAX), "blocks": blocks}


def discord_body(notice: EscalationNotice) -> dict[str, Any]:
    """One embed; `allowed_mentions: {"parse": []}` so nothing in it pings anybody."""
    title = _cut(_defuse(_title(notice)), DISCORD_TITLE_MAX)
    fields: list[dict[str, Any]] = []
    used = len(title)
    for name, value in [("Note", notice.note), *_facts(notice)]:
        if value:
            shown = _cut(_defuse(value), DISCORD_FIELD_MAX)
            fields.append({"name": name, "value": shown, "inline": True})
            used += len(name) + len(shown)
    embed: dict[str, Any] = {
        "title": title,
        "timestamp": iso_utc(notice.at_ms / 1000),
        "fields": fields,
    }
    colour = _RESOLVED_COLOUR if notice.event == "resolved" else _COLOURS.get(notice.priority)
    if colour is not None:
        embed["color"] = colour
    if notice.mention_text:
        budget = min(DISCORD_DESCRIPTION_MAX, DISCORD_EMBED_TOTAL - used)
        embed["description"] = _cut(_defuse(notice.mention_text), budget)
    link = _safe_url(notice.mention_url)
    if link:
        embed["url"] = link
    content = f"**{notice.priority}** escalation {notice.event} for {notice.team}"
    return {
        "content": _cut(_defuse(content), DISCORD_CONTENT_MAX),
        "embeds": [embed],
        "allowed_mentions": {"parse": []},
    }


def json_body(notice: EscalationNotice, key: str) -> bytes:
    """The body of a "json" webhook: compact UTF-8 JSON, sent byte for byte as signed.

    ```json
    {
      "type": "escalation.opened",          // or "escalation.resolved"
      "delivery": "<key>",                  // also in X-Scrm-Delivery; the same on retries
      "escalation": {"id": 42, "team": "billing", "priority": "P1", "note": "...",
                     "agent": "dana", "at": "2026-11-20T12:00:00.000Z"},
      "mention": {"channel": "mastodon", "text": "...", "url": "https://...",
                  "author": {"handle": "@ann@example.social", "name": "Ann"}},  // or null
      "mentions": 1,                        // how many it names (`mention`: the first)
      "customer": {"name": "Acme Ltd"}      // or null
    }
    ```

    Headers: `Content-Type: application/json`, `User-Agent: scrm/<version> (...)`,
    `X-Scrm-Event: escalation.opened|escalation.resolved`, `X-Scrm-Delivery: <key>`
    (a receiver should ignore a delivery id it has already processed: a delivery is
    retried until it gets a 2xx), and, when the webhook has a secret,
    `X-Scrm-Signature-256: sha256=<hex>`: the HMAC-SHA256 of the raw request body
    keyed with the secret, the scheme of GitHub's X-Hub-Signature-256. Verify it on
    the bytes received, before parsing, with a constant-time comparison
    (`hmac.compare_digest(sign(secret, raw_body), header)`).
    """
    mention_facts = (
        notice.channel,
        notice.mention_text,
        notice.mention_url,
        notice.author_handle,
        notice.author_name,
    )
    mention = None
    if any(fact is not None for fact in mention_facts):
        mention = {
            "channel": notice.channel,
            "text": notice.mention_text,
            "url": notice.mention_url,
            "author": {"handle": notice.author_handle, "name": notice.author_name},
        }
    document = {
        "type": f"escalation.{notice.event}",
        "delivery": key,
        "escalation": {
            "id": notice.escalation_id,
            "team": notice.team,
            "priority": notice.priority,
            "note": notice.note,
            "agent": notice.agent,
            "at": iso_utc(notice.at_ms / 1000),
        },
        "mention": mention,
        "mentions": notice.mentions,
        "customer": {"name": notice.customer_name} if notice.customer_name is not None else None,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(secret: str, body: bytes) -> str:
    """The X-Scrm-Signature-256 value: `sha256=` and the hex HMAC-SHA256 of the body."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _title(notice: EscalationNotice) -> str:
    return f"{notice.priority} escalation {notice.event} · {notice.team}"


def _facts(notice: EscalationNotice) -> list[tuple[str, str]]:
    author = notice.author_name or ""
    if notice.author_handle:
        author = f"{author} ({notice.author_handle})" if author else notice.author_handle
    facts = [
        ("Author", author),
        ("Customer", notice.customer_name or ""),
        ("Channel", notice.channel or ""),
        ("Agent", notice.agent),
        # One escalation for many mentions: the mention shown is the first of them.
        ("Mentions", f"{notice.mentions:,} (the first shown)" if notice.mentions > 1 else ""),
    ]
    return [(name, value) for name, value in facts if value]


def _section(prefix: str, text: str) -> dict[str, Any]:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": _slack_cut(prefix, text, SLACK_SECTION_MAX)},
    }


def _slack_escape(text: str) -> str:
    """Slack's three control characters: `<!channel>` becomes harmless `&lt;!channel&gt;`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_cut(prefix: str, text: str, limit: int) -> str:
    """`prefix` + escaped `text`, within `limit` characters, never cutting an entity."""
    escaped = _slack_escape(text)
    room = limit - len(prefix)
    if len(escaped) > room:
        escaped = escaped[: room - 1]
        amp = escaped.rfind("&", max(0, len(escaped) - 5))
        if amp != -1 and ";" not in escaped[amp:]:
            escaped = escaped[:amp]
        escaped += "…"
    return prefix + escaped


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def _defuse(text: str) -> str:
    """A zero-width space after "@" as well, in case a client ignores allowed_mentions."""
    return _DISCORD_PING.sub("@\u200b\\1", text)


def _safe_url(url: str | None) -> str | None:
    if not url or not url.startswith(("https://", "http://")) or any(c.isspace() for c in url):
        return None
    return url.replace("<", "%3C").replace(">", "%3E")


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def _secrets(hook: Webhook) -> list[str]:
    """The URL and its path pieces: whatever an error body echoes of them is hidden."""
    url = httpx.URL(hook.url)
    pieces = [hook.url, url.path, url.query.decode("ascii", "replace"), hook.secret or ""]
    pieces += [piece for piece in url.path.split("/") if len(piece) >= 8]
    return pieces
