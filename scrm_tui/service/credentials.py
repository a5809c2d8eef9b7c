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

from scrm_tui.core import networks
from scrm_tui.core.config import SECRET_KEYS, Config
from scrm_tui.core.models import NETWORK_NAMES
from scrm_tui.core.secrets import redact

if TYPE_CHECKING:
    from scrm_tui.core.outgoing import Account, Webhook

# Each network reads its own account (its record's `read_account`), importing the
# account record and session file code only when it is configured: the inbox resolves
# credentials as it starts, and most starts configure none.


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
        net = networks.find(channel)
        return (net.no_reply if net else None) or self.missing.get(
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
    for net in networks.all_networks():
        if net.read_account is None:
            continue
        network = net.name
        look = _Lookup(network, config.networks.get(network, {}), env)
        problem, account = net.read_account(look, state_dir)
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
