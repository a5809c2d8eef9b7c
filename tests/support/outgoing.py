"""Test helpers for answering: a config whose accounts and webhooks point at a loopback server."""

from __future__ import annotations

from typing import Any

from scrm_tui.core.config import Config, HookSpec, Team
from tests.fakes.loopback import Loopback


def config_for(server: Loopback, **changes: Any) -> Config:
    """Every network and a team per webhook kind, all on the loopback server."""
    networks = {
        "mastodon": {"instance": server.mastodon_url, "token": server.MASTODON_TOKEN},
        "bluesky": {
            "handle": server.BLUESKY_HANDLE,
            "password": server.BLUESKY_PASSWORD,
            "service": server.bluesky_url,
        },
        "reddit": {
            "client_id": server.REDDIT_CLIENT_ID,
            "client_secret": server.REDDIT_CLIENT_SECRET,
            "username": server.REDDIT_USERNAME,
            "refresh_token": server.REDDIT_REFRESH_TOKEN,
            "user_agent": server.REDDIT_USER_AGENT,
            "api_url": server.reddit_api_url,
            "auth_url": server.reddit_auth_url,
        },
        "github": {"token": server.GITHUB_TOKEN, "api_url": server.github_api_url},
    }
    teams = (
        Team(
            "billing",
            "Refunds, invoices",
            (
                HookSpec("slack", "slack", {"url": server.webhook_url("slack")}),
                HookSpec(
                    "audit",
                    "json",
                    {"url": server.webhook_url("json"), "secret": server.WEBHOOK_SECRET},
                ),
            ),
        ),
        Team(
            "engineering",
            "Bugs",
            (HookSpec("discord", "discord", {"url": server.webhook_url("discord")}),),
        ),
    )
    values: dict[str, Any] = {"networks": networks, "teams": teams, **changes}
    return Config(**values)
