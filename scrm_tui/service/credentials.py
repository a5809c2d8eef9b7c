"""Accounts and webhooks from the config and the environment, and how to hide them.

Secrets are read when a process starts and live only in memory: never in the
database, a log, an export or on screen. `Credentials.redact` is the last line of
defence for error text that came back from a library.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scrm_tui.core.config import SECRET_KEYS, Config
from scrm_tui.core.models import NETWORK_NAMES
from scrm_tui.core.secrets import redact

if TYPE_CHECKING:
    from scrm_tui.core.outgoing import Account, Webhook

# The account records (core/outgoing) and the session files' names (channels) are
# imported by the builders below, only for a network that is configured: the inbox
# resolves credentials as it starts, and most starts configure none.

# Networks that can be read but not written to through an API.
NO_WRITE_API = {
    "hackernews": "Hacker News has no API for posting",
    "rss": "a feed cannot be answered",
    "x": "scrm does not post to X",
}


@dataclass
class Credentials:
    """What this process can post with; `missing` says why a network cannot."""

    accounts: dict[str, Account] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    hooks: dict[str, list[Webhook]] = field(default_factory=dict)  # team -> its webhooks
    hook_problems: dict[str, str] = field(default_factory=dict)  # "team/hook" -> why not
    secrets: set[str] = field(default_factory=set, repr=False)

    def can_send(self, channel: str) -> bool:
        return channel in self.accounts

    def why_not(self, channel: str) -> str | None:
        if channel in self.accounts:
            return None
        return NO_WRITE_API.get(channel) or self.missing.get(
            channel, f"no {NETWORK_NAMES.get(channel, channel)} account is configured"
        )

    @property
    def targets(self) -> set[str]:
        return {f"{team}/{hook.name}" for team, hooks in self.hooks.items() for hook in hooks}

    def hook(self, target: str) -> Webhook | None:
        team, _, name = target.partition("/")
        return next((h for h in self.hooks.get(team, []) if h.name == name), None)

    def redact(self, text: str) -> str:
        """Replace any secret value (longest first) that slipped into `text`."""
        return redact(text, self.secrets)


class _Lookup:
    """Reads `key`, `key_env` or $SCRM_<SECTION>_<KEY>, remembering which secrets it saw."""

    def __init__(
        self,
        section: str,
        table: Mapping[str, object],
        env: Mapping[str, str],
        label: str | None = None,
    ):
        self.section = section
        self.label = label or f"[{section}]"  # where the setting is, for messages
        self.table = table
        self.env = env
        self.secrets: set[str] = set()
        self.problems: list[str] = []

    def __call__(self, key: str) -> str | None:
        value = self.table.get(key)
        if value is None and f"{key}_env" in self.table:
            name = str(self.table[f"{key}_env"])
            value = self.env.get(name)
            if not value:
                self.problems.append(f"${name} is not set (named by {self.label} {key}_env)")
        if value is None:
            value = self.env.get(f"SCRM_{self.section.upper()}_{key.upper()}")
        text = str(value).strip() if value is not None else None
        if text and key in SECRET_KEYS:
            self.secrets.add(text)
        return text or None

    def need(self, *keys: str) -> str | None:
        """Why the account cannot be used, naming where each missing value comes from."""
        absent = [k for k in keys if self(k) is None]
        if self.problems:
            return self.problems[0]
        if not absent:
            return None
        key = absent[0]
        if key in SECRET_KEYS:
            where = f"set $SCRM_{self.section.upper()}_{key.upper()} or [{self.section}] {key}_env"
        else:
            where = f"set [{self.section}] {key} in the config"
        return f"no {key.replace('_', ' ')}: {where}"


def resolve(
    config: Config, env: Mapping[str, str] | None = None, state_dir: Path | None = None
) -> Credentials:
    env = os.environ if env is None else env
    creds = Credentials()
    for network, build in _BUILDERS.items():
        look = _Lookup(network, config.networks.get(network, {}), env)
        problem, account = build(look, state_dir)
        creds.secrets |= look.secrets
        if account is not None:
            creds.accounts[network] = account
        else:
            creds.missing[network] = problem or f"{network} is not configured"
    for team in config.teams:
        creds.hooks[team.name] = []
        for spec in team.webhooks:
            look = _Lookup(
                f"{team.name}_{spec.name}",
                spec.settings,
                env,
                label=f"[teams.{team.name}] webhook '{spec.name}'",
            )
            url = look("url")
            secret = look("secret")
            creds.secrets |= look.secrets
            target = f"{team.name}/{spec.name}"
            if url is None:
                creds.hook_problems[target] = (
                    look.problems[0] if look.problems else "no url (give url_env)"
                )
                continue
            from scrm_tui.core.outgoing import Webhook

            creds.hooks[team.name].append(Webhook(spec.name, spec.kind, url, secret))
    return creds


def _mastodon(look: _Lookup, state_dir: Path | None) -> tuple[str | None, Account | None]:
    problem = look.need("instance", "token")
    if problem:
        return problem, None
    table = look.table
    from scrm_tui.core.outgoing import MastodonAccount

    return None, MastodonAccount(
        base_url=str(look("instance")).rstrip("/"),
        token=str(look("token")),
        char_limit=int(str(table.get("char_limit", 500))),
        url_length=int(str(table.get("url_length", 23))),
        visibility=str(table.get("visibility", "follow")),
    )


def _bluesky(look: _Lookup, state_dir: Path | None) -> tuple[str | None, Account | None]:
    problem = look.need("handle", "password")
    if problem:
        return problem, None
    handle = str(look("handle")).lstrip("@")
    service = (look("service") or "https://bsky.social").rstrip("/")
    from scrm_tui.channels.sessionfile import session_path
    from scrm_tui.core.outgoing import BlueskyAccount

    return None, BlueskyAccount(
        identifier=handle,
        password=str(look("password")),
        service=service,
        # One file per service and account: a session is never sent to another service.
        session_file=session_path(state_dir, "bluesky", service, handle) if state_dir else None,
    )


def _reddit(look: _Lookup, state_dir: Path | None) -> tuple[str | None, Account | None]:
    problem = look.need("client_id", "client_secret", "username", "user_agent")
    if problem:
        return problem, None
    if look("refresh_token") is None and look("password") is None:
        return (
            "no refresh token: set $SCRM_REDDIT_REFRESH_TOKEN or [reddit] refresh_token_env",
            None,
        )
    from scrm_tui.core.outgoing import RedditAccount

    return None, RedditAccount(
        client_id=str(look("client_id")),
        client_secret=str(look("client_secret")),
        username=str(look("username")),
        refresh_token=look("refresh_token"),
        password=look("password"),
        user_agent=str(look("user_agent")),
        api_url=(look("api_url") or "https://oauth.reddit.com").rstrip("/"),
        auth_url=(look("auth_url") or "https://www.reddit.com").rstrip("/"),
    )


def _github(look: _Lookup, state_dir: Path | None) -> tuple[str | None, Account | None]:
    problem = look.need("token")
    if problem:
        return problem, None
    from scrm_tui.core.outgoing import GitHubAccount

    return None, GitHubAccount(
        token=str(look("token")),
        api_url=(look("api_url") or "https://api.github.com").rstrip("/"),
    )


_BUILDERS = {"mastodon": _mastodon, "bluesky": _bluesky, "reddit": _reddit, "github": _github}


def exposed_config(path: Path, config: Config) -> str | None:
    """A warning when the config file holds a secret and others may read it."""
    inline = any(
        key in SECRET_KEYS and value
        for table in config.networks.values()
        for key, value in table.items()
    ) or any(
        key in ("url", "secret")
        for team in config.teams
        for hook in team.webhooks
        for key in hook.settings
    )
    if not inline:
        return None
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"{path} holds secrets and can be read by other users "
            f"(mode {stat.filemode(mode)}): run `chmod 600 {path}`, or move the secrets "
            "to environment variables"
        )
    return None


def lookup(
    config: Config, section: str, key: str, env: Mapping[str, str] | None = None
) -> str | None:
    """One setting of a network's section, read the way secrets are (value, `key_env`,
    then $SCRM_<SECTION>_<KEY>)."""
    table = config.networks.get(section, {})
    return _Lookup(section, table, os.environ if env is None else env)(key)
