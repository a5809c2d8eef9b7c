"""Settings: the typed model (what a checked config holds) and its limits and defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrm_tui.core import networks as network_table
from scrm_tui.core.advocacy import AdvocacyConfig
from scrm_tui.core.business_hours import BusinessHours
from scrm_tui.core.leads import DEFAULT_INTENT, DEFAULT_QUESTIONS
from scrm_tui.core.priority import PriorityWeights
from scrm_tui.core.secrets import MARK
from scrm_tui.core.views import View

if TYPE_CHECKING:
    from scrm_tui.core.rules import Rule


# Credentials: any of these keys may instead be given as `<key>_env`, the name of an
# environment variable holding it; without either, $SCRM_<NETWORK>_<KEY> is read.
SECRET_KEYS = {"token", "password", "client_secret", "refresh_token", "url", "secret"}


# Each network's [<network>] keys, from its record in the network table.
NETWORK_KEYS: Mapping[str, set[str]] = network_table.TableView(
    "account_keys",
    lambda: {n.name: set(n.account_keys) for n in network_table.all_networks() if n.account_keys},
)


HOOK_KINDS = ("slack", "discord", "json")


# Textual's built-in themes (core cannot import Textual to ask; a test keeps this list
# equal to Textual's own).
THEMES = (
    "ansi-dark",
    "ansi-light",
    "atom-one-dark",
    "atom-one-light",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dracula",
    "flexoki",
    "gruvbox",
    "monokai",
    "nord",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "solarized-dark",
    "solarized-light",
    "textual-dark",
    "textual-light",
    "tokyo-night",
)


# Below this a source would be polled in a tight loop: no API allows it, and a typo
# such as "0s" or "1ms" would get the account blocked.
MIN_INTERVAL_S = 1.0


# The demo stream's shortest pause: faster than this it is a flood, not a demo.
MIN_DEMO_INTERVAL_S = 0.1


# An escalation due in less than this would be late before anyone could read it.
MIN_SLA_S = 60.0


# A form idle for less than this would drop its claim while the agent reads the post.
MIN_CLAIM_IDLE_S = 1.0


DEFAULT_CLAIM_IDLE_S = 600.0


MAX_AGENT_NAME = 64


VISIBILITIES = ("follow", "public", "unlisted", "private", "direct")


DEFAULT_RESPONSE_SLA_S = 4 * 3600.0


DEFAULT_SLA_S = {"P1": 3600.0, "P2": 4 * 3600.0, "P3": 24 * 3600.0, "P4": 72 * 3600.0}


@dataclass(frozen=True)
class HookSpec:
    """A team's webhook as configured; the URL and secret may name variables."""

    name: str
    kind: str
    settings: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        # A webhook's URL is itself a secret (see _masked).
        return (
            f"HookSpec(name={self.name!r}, kind={self.kind!r}, settings={_masked(self.settings)!r})"
        )


# Sources scrm can poll, from the network table: each network's polling interval stays
# well inside its API's limits (payloads README; the record says which), the keys of its
# [sources.<network>] table beyond the common ones, and the kinds of thing it can read.
SOURCE_DEFAULTS: Mapping[str, float] = network_table.TableView(
    "intervals",
    lambda: {
        n.name: n.interval_s for n in network_table.all_networks() if n.interval_s is not None
    },
)


SOURCE_KEYS: Mapping[str, set[str]] = network_table.TableView(
    "source_keys",
    lambda: {
        n.name: set(n.source_keys) for n in network_table.all_networks() if n.interval_s is not None
    },
)


SOURCE_KINDS: Mapping[str, tuple[str, ...]] = network_table.TableView(
    "kinds", lambda: {n.name: n.kinds for n in network_table.all_networks() if n.kinds}
)


@dataclass(frozen=True)
class SourceConfig:
    """One [sources.<name>] table, checked."""

    name: str
    interval_s: float
    enabled: bool = True
    terms: str | None = None  # overrides [watch] terms for this source
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    subreddits: tuple[str, ...] = ()
    feeds: tuple[tuple[str, str, bool], ...] = ()  # (name, url, filter by the terms)
    api_url: str | None = None  # another endpoint (an Algolia mirror, a test server)


@dataclass(frozen=True)
class KeySetting:
    """One line of [keys]: a binding id, the key(s) given for it, and where it is written
    (which bindings exist is the UI's to say: it checks them)."""

    binding: str
    keys: str
    where: str
    line: int = 0  # in the file (0: not found), so that problems are told in file order


@dataclass(frozen=True)
class Team:
    name: str
    description: str = ""
    webhooks: tuple[HookSpec, ...] = ()


@dataclass(frozen=True)
class Competitor:
    """One line of [watch.competitors]: the name as written, and its watch terms."""

    name: str
    terms: str

    @property
    def key(self) -> str:
        """What marks its mentions (mentions.watch_set) and `watch:` matches: lower case."""
        return self.name.casefold()


BRAND_SET = "brand"  # `watch:brand`: no competitor may take this name


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Config:
    agent: str | None = None
    """Name recorded on every action you take (default: $SCRM_AGENT, then your login)."""
    db: Path | None = None
    """Database file (default: scrm.db in the XDG data directory)."""
    store_url: str | None = None
    """[store] url: a PostgreSQL server's postgresql://user@host/db, which a team across
    machines shares (instead of `db`; its password belongs in ~/.pgpass or $PGPASSWORD)."""
    advance_on_done: bool = True
    """After `x` marks a mention done, move to the next one (as mutt's `resolve`)."""
    # Seconds between demo mentions; None: at the pace of the demo's own history (each
    # hour of the day as busy as its seeded days were), so the demo raises no spike.
    demo_interval: tuple[float, float] | None = None
    """Seconds between two mentions of the demo stream: [shortest, longest]."""
    theme: str | None = None
    """A Textual theme name, e.g. "textual-dark", "nord", "gruvbox"."""
    match_auto: float = 99.5
    """Probability (percent) from which a name links an author without asking (evidence
    a name cannot fake links whatever it is)."""
    match_margin: float = 5.0
    """... and by how much the best customer's score must beat the second's."""
    match_suggest: float = 60.0
    """Score from which a customer is suggested for an author (up to three)."""
    done_on_reply: bool = True
    """A mention moves to done once a reply to it is sent (or recorded as made)."""
    networks: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per network: [mastodon], [bluesky], [reddit], [github] as written (secrets by name)."""
    teams: tuple[Team, ...] = ()
    """Who escalations go to, each with its webhooks."""
    sla_s: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SLA_S))
    """How long an escalation of each priority may stay unresolved, in seconds."""
    watch_terms: str | None = None
    """What to listen for: words, "phrases", #tags, @handles with AND/OR/NOT."""
    competitors: tuple[Competitor, ...] = ()
    """[watch.competitors]: each competitor's name and terms (the same syntax), listened
    for like the brand's own and counted apart (share of voice)."""
    backfill_s: float = 24 * 3600.0
    """How far back a source's first poll reaches."""
    sources: dict[str, SourceConfig] = field(default_factory=dict)
    """Each source to poll and its settings ([sources.hackernews], ...)."""
    priority: PriorityWeights | None = None
    """Weights of a mention's priority ([priority]); None: those the database holds."""
    timezone: str | None = None
    """Your time zone for snoozes (`mon` is your Monday); default: the system's."""
    day_start: int = 9
    """The hour a snooze to a day without a time (`mon`, `tomorrow`) ends."""
    team_agents: tuple[str, ...] = ()
    """The agents mentions can be assigned to (`a`), besides those already assigned."""
    keys: tuple[KeySetting, ...] = ()
    """Your own keys: binding id = key(s), e.g. inbox.reply = "ctrl+r" (`scrm keys` lists them)."""
    views: tuple[View, ...] = ()
    """The team's saved filters ([views] name = "filter"), in the file's order."""
    auto_assign: bool = False
    """[team] auto_assign: each new mention no rule assigned goes to the agents present,
    in turn."""
    assign_cap: int | None = None
    """[team] cap: round-robin passes over an agent with this many open mentions."""
    rules: tuple[Rule, ...] = ()
    """[[rules]]: what to do to each new mention a filter matches, in order."""
    team_hours: BusinessHours | None = None
    """[team] hours: when the team works ("Mon-Fri 09:00-17:00", in `timezone`); response
    times are counted within them. None: around the clock."""
    response_sla_s: float = DEFAULT_RESPONSE_SLA_S
    """[team] response_sla: how soon a mention should have its first answer (counted in
    business hours when they are set)."""
    sales_intent: tuple[str, ...] = DEFAULT_INTENT
    """[sales] intent: phrases that make a mention a lead (words in order, any case)."""
    sales_questions: tuple[str, ...] = DEFAULT_QUESTIONS
    """[sales] questions: words that make a question (a `?` in it) a lead."""
    utm_domains: tuple[str, ...] = ()
    """[sales] utm_domains: the brand's own domains; a link to one in a reply gets UTM
    tags naming the mention. None: no tagging."""
    claim_idle_s: float = DEFAULT_CLAIM_IDLE_S
    """[team] claim_idle: a composer or escalate form with no key pressed for this long
    stops claiming its mention (others are no longer told someone is answering)."""
    advocacy: AdvocacyConfig = field(default_factory=AdvocacyConfig)
    """[advocacy]: levels, the points' half-life, the brand's own accounts."""
    source: str | None = None
    """The file this came from (for messages)."""
    warnings: tuple[str, ...] = field(default=(), compare=False)
    """What scrm ignored in the file (unknown settings), each naming its line."""

    def __repr__(self) -> str:
        """The settings with every secret hidden: a crash screen (Textual's shows each
        frame's locals) or a log must not print a token, a password or a webhook URL."""
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        shown["networks"] = {name: _masked(table) for name, table in self.networks.items()}
        return f"Config({', '.join(f'{name}={value!r}' for name, value in shown.items())})"


def _masked(table: Mapping[str, Any]) -> dict[str, Any]:
    """A settings table as a repr shows it: each secret's value hidden (its `<key>_env`,
    the name of a variable, stays: it is no secret)."""
    return {key: MARK if key in SECRET_KEYS and value else value for key, value in table.items()}
