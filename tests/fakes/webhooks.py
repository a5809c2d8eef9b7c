"""The team webhooks on the loopback: Slack, Discord and a generic JSON receiver, each delivery
kept (`posts("slack")`) with its raw body and headers."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes.server import LoopbackServer, Recorded, _json, _Reply

ROUTES = {
    "slack": ("POST", r"/slack/services/.+"),
    "discord": ("POST", r"/discord/api/webhooks/(\d+)/([^/]+)"),
    "json": ("POST", r"/hooks/json(/.*)?"),
}
KINDS = ("slack", "discord", "json")


class WebhooksFake(LoopbackServer):
    """The team webhooks for the loopback (`Loopback` mixes every network in)."""

    WEBHOOK_SECRET = "loopback-webhook-secret"

    def webhook_url(self, kind: str) -> str:
        paths = {
            "slack": "/slack/services/T0LOOPBACK/B0LOOPBACK/loopbackSlackSecret0000",
            "discord": "/discord/api/webhooks/223704706495545344/loopbackDiscordToken0000",
            "json": "/hooks/json/loopbackJsonPath0000",
        }
        return self.base_url + paths[kind]

    def webhook(self, kind: str, *, name: str = "ops", secret: str | None = None) -> Any:
        from scrm_tui.core.outgoing import Webhook

        return Webhook(name=name, kind=kind, url=self.webhook_url(kind), secret=secret)

    def _delivery(self, kind: str, request: Recorded) -> Any:
        try:
            parsed = request.json()
        except ValueError:
            parsed = None
        entry = {"json": parsed, "raw": request.body, "headers": dict(request.headers)}
        self._posts[kind].append(entry)
        return parsed

    def _on_slack(self, request: Recorded, match: re.Match[str]) -> _Reply:
        try:
            body = request.json()
        except ValueError:
            return _Reply(400, b"invalid_payload", {"content-type": "text/html"})
        if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
            return _Reply(400, b"no_text", {"content-type": "text/html"})
        self._delivery("slack", request)
        return _Reply(
            200, self._files["slack_webhook_response_ok.txt"].strip(), {"content-type": "text/html"}
        )

    def _on_discord(self, request: Recorded, match: re.Match[str]) -> _Reply:
        try:
            body = request.json()
        except ValueError:
            return _json(400, {"message": "The request body contains invalid JSON.", "code": 50109})
        if not isinstance(body, dict) or not (body.get("content") or body.get("embeds")):
            return _json(400, {"message": "Cannot send an empty message", "code": 50006})
        self._delivery("discord", request)
        if request.param("wait") != "true":
            return _Reply(204)
        message = self._payload("discord_webhook_execute_wait_true_message.json")
        message.update(
            id=str(1_300_000_000_000_000_000 + next(self._ids)),
            content=body.get("content", ""),
            embeds=body.get("embeds", []),
            webhook_id=match.group(1),
            timestamp=self._iso(self.clock())[:-1] + "000+00:00",
            reactions=[],
        )
        message["author"] = {"username": "scrm", "id": match.group(1), "bot": True}
        return self._recorded("discord_webhook_execute_wait_true_message.json", body=message)

    def _on_json(self, request: Recorded, match: re.Match[str]) -> _Reply:
        self._delivery("json", request)
        return _json(200, {"ok": True})
