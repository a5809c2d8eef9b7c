"""Settings: the typed model and its TOML parser (reading the file is the caller's job)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrm_tui.core import networks as network_table
from scrm_tui.core import sanitize
from scrm_tui.core.advocacy import AdvocacyConfig
from scrm_tui.core.business_hours import BusinessHours, HoursError, parse_hours
from scrm_tui.core.leads import DEFAULT_INTENT, DEFAULT_QUESTIONS, phrase_problem
from scrm_tui.core.models import NETWORK_NAMES
from scrm_tui.core.priority import PriorityWeights
from scrm_tui.core.secrets import MARK
from scrm_tui.core.views import View, filter_problem, name_problem

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


EXAMPLE = """\
# scrm configuration (TOML). Every setting is optional.

# Name recorded on every action you take (default: $SCRM_AGENT, then your login).
# agent = "kate"

# Database file (default: scrm.db in the XDG data directory).
# db = "~/scrm/inbox.db"

[watch]
# What to listen for: words and "quoted phrases" (whole words, any case or accent),
# #tags (the hashtag only) and @handles (a mention of that account on any network).
# Terms side by side, or joined by AND, must all be there; OR offers alternatives
# (it binds tighter than AND, as in web search); NOT or a leading - excludes.
# terms = 'kestrel OR "kestrel app" OR #kestrelapp OR @kestrelhq -"kestrel falcon"'
# How far back a source's first poll reaches.
# backfill = "24h"

# [watch.competitors]
# Competitors, each listened for like the brand (same sources, same term syntax) and
# counted apart: the dashboard's "The industry" (share of voice, switching
# opportunities), `watch:harrier` in a filter. A post naming the brand is the brand's.
# harrier = 'harrier OR "harrier app" OR #harrierapp'
# osprey = 'osprey OR @ospreyhq -"osprey fish"'

# Where to listen: uncomment a table to poll that source. `scrm watch` polls; an
# open inbox polls too while no collector runs. Each source keeps its own
# schedule, well inside the API's limits; change it with
# `interval`, switch it off with `enabled = false`, or give it its own `terms`.
# Run `scrm doctor` after editing to check each one answers.
# [sources.hackernews]                  # stories and comments, through Algolia; no account
# interval = "2m"

# [sources.mastodon]                    # needs [mastodon] instance below
# kinds = ["notifications", "tag"]      # or "search"; notifications need a token
# tags = ["kestrelapp"]                 # tag timelines, besides the #tags in the terms

# [sources.bluesky]                     # needs the [bluesky] account below
# kinds = ["search", "notifications"]

# [sources.reddit]                      # [reddit] client_id, client_secret, user_agent
# kinds = ["search", "comments"]        # search finds posts only, never comments;
# subreddits = ["kestrelapp"]           # comments: every new comment in these subreddits;
#                                       # "mentions": u/you, needs the refresh token

# [sources.github]                      # issue search; a [github] token raises the limit
# kinds = ["issues", "discussions"]     # discussions need a [github] token
# interval = "5m"

# [sources.rss]                         # RSS or Atom feeds; a Google Alert is one too
# feeds = [
#     { name = "alerts", url = "https://www.google.com/alerts/feeds/0123/4567" },
#     { name = "blog", url = "https://blog.example.com/feed.xml" },
# ]
# A feed's entries are kept only when they match the terms, except a Google Alert's
# (it chose them already); `filter = true` or `false` in a feed's table decides.

# [sources.lemmy]                       # comment search on [lemmy] instance (no login);
# kinds = ["mentions", "search"]        # "mentions": the account's, needs its password

[inbox]
# After `x` marks a mention done, move to the next one.
# advance_on_done = true

[views]
# Filters the whole team gets, in this order, each written as after `/`. Keys 1-9
# jump to the first nine; `V` in the inbox saves one of your own.
# negative = "s:neg is:open"
# "hacker news" = "ch:hn"

[demo]
# Seconds between two mentions of the demo stream: [shortest, longest]. Unset, the
# stream keeps the pace of the demo's 14 days (about 6 an hour), so it raises no spike.
# interval = [1.0, 5.0]

[ui]
# theme = "textual-dark"

[keys]
# Your own keys: a binding id = the key or keys (comma-separated) that do it instead.
# `scrm keys` lists every binding id with its key; `?` in the app shows those in force.
# inbox.reply = "ctrl+r"
# list.down = "j,down,ctrl+n"

[matching]
# An author is linked to a customer automatically on evidence a name cannot fake (their
# confirmed handle elsewhere, their e-mail as the handle, a profile on their company's
# domain), or when the probability (percent) reaches `auto`, the score beats the next
# customer's by `margin` and no other customer has the name; from a score of `suggest`
# up, the best three are offered in the link pane (`l`).
# auto = 99.5
# margin = 5
# suggest = 60

[reply]
# A mention moves to done once a reply to it is sent.
# done_on_send = true

[priority]
# A mention's priority (0-100) is what each input earns, up to these points (together
# at most 100), less `recency` points per day of age. A team shares one set: the
# database keeps the weights, and a config that changes them re-scores every mention.
# reach = 20        # followers on a log scale per network (HN points, Reddit score)
# negative = 25     # how negative the post is
# question = 15     # it asks something
# tier = 25         # the customer's tier, as a share below
# value = 15        # lifetime value: half the points at value_half
# recency = 5       # points lost per day of age
# value_half = 10000
# other_tier = 0.25 # a tier not listed below
# [priority.tiers]
# enterprise = 1.0
# business = 0.8
# team = 0.6
# pro = 0.5
# free = 0.1

# Accounts to reply with. Secrets (token, password, client_secret, refresh_token, a
# webhook's url and secret) are best kept out of this file: give `<key>_env`, the
# name of an environment variable, or set $SCRM_<NETWORK>_<KEY> (e.g.
# SCRM_MASTODON_TOKEN). scrm warns when this file is readable by others.
# [mastodon]
# instance = "https://mastodon.social"
# token_env = "SCRM_MASTODON_TOKEN"     # scopes: read, write:statuses
# char_limit = 500                      # your instance's limit
# visibility = "follow"                 # follow the original, or public/unlisted/private

# [bluesky]
# handle = "kestrel.bsky.social"
# password_env = "SCRM_BLUESKY_PASSWORD"  # an app password, not your main one

# [reddit]
# client_id = "..."
# client_secret_env = "SCRM_REDDIT_CLIENT_SECRET"
# username = "kestrel_support"
# refresh_token_env = "SCRM_REDDIT_REFRESH_TOKEN"
# user_agent = "linux:scrm:1.0 (by /u/kestrel_support)"

# [github]
# token_env = "SCRM_GITHUB_TOKEN"       # a token that may comment on issues

# [lemmy]
# instance = "https://lemmy.ml"
# username = "kestrel_support"
# password_env = "SCRM_LEMMY_PASSWORD"  # or token_env: a JWT from a login

[team]
# Who mentions can be assigned to with `a` (agents already assigned some are offered too).
# agents = ["kate", "dana", "lee"]
# Give each new mention that no rule assigned to the agents who have scrm open, in
# turn, passing over anyone with `cap` open mentions assigned already.
# auto_assign = true
# cap = 25
# Your time zone for snoozes (`z`): `mon` is Monday here. Default: the system's.
# timezone = "Europe/Berlin"
# The hour a snooze to a day without a time (`mon`, `tomorrow`) ends.
# day_start = 9
# Opening the composer (r, R) or the escalate form (e) claims the mention: every
# other terminal shows "✎ dana, 12s" until the form closes. A form with no key
# pressed for this long stops claiming.
# claim_idle = "10m"
# When the team works, in `timezone`: the dashboard's response times count these hours
# only (a mention from Friday 16:30 answered Monday 09:30 waited one hour).
# hours = "Mon-Fri 09:00-17:00"
# How soon a mention should have its first answer (the dashboard's "within SLA").
# response_sla = "4h"

# Rules act on each new mention as it is stored, in the order written; each action
# lands in the history as done by "rule:<name>". `scrm rules test` shows what each
# would do to the mentions stored so far, without changing anything.
# [[rules]]
# name = "billing"
# filter = 'refund OR invoice OR "charged twice"'   # the filter language of `/`
# tag = ["billing"]
# assign = "round-robin"                # or an agent of [team] agents
# priority = "+20"                      # raised, up to 100
# escalate = { team = "billing", priority = "P2", note = "money" }
#
# [[rules]]
# name = "noise"
# filter = "ch:rss giveaway"
# done = true                           # or snooze = "2h"

[advocacy]
# The dashboard's advocate levels (points over 90 days), how fast points fade, and the
# brand's own accounts besides those above, which never count as advocates.
# levels = { fan = 5, advocate = 20, champion = 50 }
# half_life = "30d"
# accounts = ["mastodon:kestrel@fosstodon.org"]
[sales]
# A lead (the dashboard's Sales) is a mention tagged "lead", one with an intent phrase
# (whole words in this order, any case or accent), or a question (a "?") naming one of
# `questions` or a competitor's term ([watch.competitors]). The defaults cover English,
# French, German, Spanish and Portuguese.
# intent = ["alternative to", "can anyone recommend", "free trial", "was kostet"]
# questions = ["pricing", "price", "trial", "prix", "Preis", "precio", "preço"]
# The brand's own domains: a link to one in a reply gets UTM tags naming the mention
# (utm_content=m<id>), so `scrm conversions import` can credit the reply.
# utm_domains = ["kestrel.app"]

[escalation]
# How long an escalation may stay unresolved before it is shown as late.
# sla = { P1 = "1h", P2 = "4h", P3 = "1d", P4 = "3d" }

# Teams to escalate to (`e`), each with the webhooks that hear about it.
# [teams.billing]
# description = "Refunds, invoices, plans"
# webhooks = [{ kind = "slack", url_env = "SCRM_SLACK_BILLING" }]
#
# [[teams.engineering.webhooks]]
# kind = "discord"
# url_env = "SCRM_DISCORD_ENG"
#
# [[teams.engineering.webhooks]]
# kind = "json"                         # signed: X-Scrm-Signature-256
# name = "pager"
# url = "https://hooks.example.com/scrm"
# secret_env = "SCRM_PAGER_SECRET"
"""

_SECTIONS: dict[str, set[str]] = {
    "": {
        "agent",
        "db",
        "inbox",
        "demo",
        "ui",
        "matching",
        "reply",
        "escalation",
        "teams",
        "team",
        "watch",
        "sources",
        "keys",
        "views",
        "rules",
        "priority",
        "advocacy",
        "sales",
    },  # and every network's own table (parse_config adds them)
    "advocacy": {"levels", "half_life", "accounts"},
    "sales": {"intent", "questions", "utm_domains"},
    "priority": {*PriorityWeights.INPUTS, "recency", "value_half", "other_tier", "tiers"},
    "watch": {"terms", "backfill", "competitors"},
    "reply": {"done_on_send"},
    "escalation": {"sla"},
    "inbox": {"advance_on_done"},
    "demo": {"interval"},
    "ui": {"theme"},
    "matching": {"auto", "margin", "suggest"},
    "team": {
        "agents",
        "auto_assign",
        "cap",
        "timezone",
        "day_start",
        "claim_idle",
        "hours",
        "response_sla",
    },
}


class _File:
    """The text being parsed: says where a key is and collects what was ignored."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.lines = text.splitlines()
        self.warnings: list[str] = []

    def line_of(self, key: str, section: str = "") -> int | None:
        """The line of `key = …` inside [section] (the top level for ""), else of its
        first `key =` anywhere (a key inside an inline table)."""
        current = ""
        # A key may be written bare or quoted ("billing & refunds" = ...).
        quoted = "|".join(re.escape(form) for form in (key, f'"{key}"', f"'{key}'"))
        pattern = re.compile(rf"^\s*(?:{quoted})\s*=")
        for number, line in enumerate(self.lines, 1):
            header = _HEADER.match(line)
            if header:
                current = header.group(1).replace(" ", "")
            elif current == section and pattern.match(line):
                return number
        for number, line in enumerate(self.lines, 1):
            if pattern.match(line):
                return number
        return None

    def header_line(self, section: str) -> int | None:
        """The line of the [section] (or [[section…]]) header that starts a table."""
        for number, line in enumerate(self.lines, 1):
            header = _HEADER.match(line)
            if header and re.match(
                rf"{re.escape(section)}(\.|$)", header.group(1).replace(" ", "")
            ):
                return number
        return None

    def where(self, key: str, section: str = "") -> str:
        line = self.line_of(key, section)
        return f"{self.source}, line {line}" if line else self.source

    def at_header(self, section: str) -> str:
        line = self.header_line(section)
        return f"{self.source}, line {line}" if line else self.source

    def line_in(self, section: str, dotted: str) -> int | None:
        """The line of `a.b = …` in [section], however it is written: as a dotted key,
        as a quoted one, or as `b = …` under a [section.a] header."""
        head, _, last = dotted.rpartition(".")
        tries = [(section, re.escape(dotted).replace(r"\.", r"\s*\.\s*"))]
        tries.append((section, re.escape(f'"{dotted}"')))
        if head:
            tries.append((f"{section}.{head}", re.escape(last)))
        for table, key in tries:
            current = ""
            for number, line in enumerate(self.lines, 1):
                header = _HEADER.match(line)
                if header:
                    current = header.group(1).replace(" ", "")
                elif current == table and re.match(rf"^\s*{key}\s*=", line):
                    return number
        return None

    def items(self, section: str) -> list[tuple[int, int]]:
        """The first and last line of each `[[section]]` table, in order (its own
        sub-tables, `[section.key]`, belong to it)."""
        opening = re.compile(rf"^\s*\[\[\s*{re.escape(section)}\s*\]\]")
        starts = [n for n, line in enumerate(self.lines, 1) if opening.match(line)]
        found = []
        for start in starts:
            end = len(self.lines)
            for number in range(start + 1, len(self.lines) + 1):
                header = _HEADER.match(self.lines[number - 1])
                if header and not header.group(1).replace(" ", "").startswith(f"{section}."):
                    end = number - 1
                    break
            found.append((start, end))
        return found

    def in_item(self, section: str, index: int, key: str | None) -> str:
        """Where `key` of the `index`th `[[section]]` table is written (`key = ...` or
        `[section.key]`), else the table's header; the `section =` line for an inline
        array of tables."""
        items = self.items(section)
        if index >= len(items):
            return self.where(section)
        start, end = items[index]
        if key is not None:
            setting = re.compile(rf"^\s*{re.escape(key)}\s*=")
            table = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\.\s*{re.escape(key)}\s*\]")
            for number in range(start, end + 1):
                line = self.lines[number - 1]
                if setting.match(line) or table.match(line):
                    return f"{self.source}, line {number}"
        return f"{self.source}, line {start}"

    def unknown(self, where: str, name: str, known: Iterable[str]) -> None:
        # A key is the file's text: shown inert, whatever it holds.
        self.warnings.append(
            f"{where}: unknown setting '{sanitize.for_message(name)}', ignored "
            f"(known: {', '.join(sorted(known))})"
        )


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]#]+?)\s*\]")


def parse_config(text: str, source: str = "config") -> Config:
    """Check every value (a bad one is a ConfigError naming its line, key and what is
    allowed); settings scrm does not know are ignored and listed in `warnings`."""
    import tomllib  # only when there is a file to read: keeps start-up lean

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: {error}") from None
    file = _File(text, source)

    sections = dict(_SECTIONS)
    sections[""] = sections[""] | set(NETWORK_KEYS)
    for network, keys in NETWORK_KEYS.items():
        sections[network] = keys | {f"{key}_env" for key in keys & SECRET_KEYS}
    for section, allowed in sections.items():
        table: Any = data.get(section, {}) if section else data
        if not isinstance(table, dict):
            raise ConfigError(f"{file.where(section)}: [{section}] must be a table")
        for key in table:
            if key not in allowed:
                name = f"{section}.{key}" if section else key
                where = file.where(key, section)
                if section == "" and isinstance(table[key], dict):
                    where = file.at_header(key)  # a whole [table] scrm does not know
                file.unknown(where, name, allowed - set(sections) if not section else allowed)

    def get(section: str, key: str, kind: type | tuple[type, ...]) -> Any:
        table = data.get(section, {}) if section else data
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            name = f"{section}.{key}" if section else key
            raise ConfigError(f"{file.where(key, section)}: '{name}' has the wrong type")
        return value

    config = Config()
    agent = get("", "agent", str)
    db = get("", "db", str)
    advance = get("inbox", "advance_on_done", bool)
    interval = get("demo", "interval", list)
    theme = get("ui", "theme", str)
    if theme is not None and theme not in THEMES:
        raise ConfigError(
            f"{file.where('theme', 'ui')}: 'ui.theme' is {theme!r}, not a theme scrm has "
            f"(known: {', '.join(THEMES)})"
        )
    limits: dict[str, float] = {}
    for key, default in (
        ("auto", config.match_auto),
        ("margin", config.match_margin),
        ("suggest", config.match_suggest),
    ):
        value = get("matching", key, (int, float))
        if value is not None and not 0 <= value <= 100:
            raise ConfigError(
                f"{file.where(key, 'matching')}: 'matching.{key}' is {value}; it must be "
                "between 0 and 100"
            )
        limits[key] = default if value is None else float(value)
    if limits["suggest"] > limits["auto"]:
        raise ConfigError(
            f"{file.where('suggest', 'matching')}: 'matching.suggest' must not exceed "
            "'matching.auto'"
        )
    if interval is not None and (
        len(interval) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in interval)
        or not MIN_DEMO_INTERVAL_S <= interval[0] <= interval[1]
    ):
        raise ConfigError(
            f"{file.where('interval', 'demo')}: 'demo.interval' is {interval}; it must be "
            f"[shortest, longest] seconds, {MIN_DEMO_INTERVAL_S:g} <= shortest <= longest"
        )
    done_on_send = get("reply", "done_on_send", bool)
    auto_assign = get("team", "auto_assign", bool)
    cap = get("team", "cap", int)
    if cap is not None and cap < 1:
        raise ConfigError(
            f"{file.where('cap', 'team')}: 'team.cap' is {cap}; it must be 1 or more "
            "(open mentions an agent may hold before round-robin passes them over)"
        )
    networks: dict[str, dict[str, Any]] = {}
    for network in NETWORK_KEYS:
        table = data.get(network)
        if table:
            for key, value in table.items():
                if key not in sections[network]:
                    continue  # told above
                if key in ("char_limit", "url_length"):
                    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                        raise ConfigError(
                            f"{file.where(key, network)}: '{network}.{key}' must be a "
                            "positive whole number"
                        )
                elif not isinstance(value, str):
                    raise ConfigError(
                        f"{file.where(key, network)}: '{network}.{key}' must be a string"
                    )
            visibility = table.get("visibility")
            if visibility is not None and visibility not in VISIBILITIES:
                raise ConfigError(
                    f"{file.where('visibility', network)}: 'mastodon.visibility' must be one "
                    f"of {', '.join(VISIBILITIES)}"
                )
            networks[network] = {k: v for k, v in table.items() if k in sections[network]}
    teams = _teams(data.get("teams", {}), file)
    agents = _agents(get("team", "agents", object), file)
    return Config(
        agent=agent.strip() or None if agent is not None else None,
        db=Path(db).expanduser() if db else None,
        advance_on_done=config.advance_on_done if advance is None else advance,
        demo_interval=(float(interval[0]), float(interval[1]))
        if interval
        else config.demo_interval,
        theme=theme,
        match_auto=limits["auto"],
        match_margin=limits["margin"],
        match_suggest=limits["suggest"],
        done_on_reply=True if done_on_send is None else done_on_send,
        networks=networks,
        teams=teams,
        sla_s=_sla(data.get("escalation", {}).get("sla"), file),
        watch_terms=_watch_terms(get("watch", "terms", str), file),
        competitors=_competitors(data.get("watch", {}).get("competitors"), file),
        backfill_s=_backfill(get("watch", "backfill", str), file),
        sources=_sources(data.get("sources", {}), file),
        priority=_priority(data.get("priority"), file),
        timezone=_timezone(get("team", "timezone", str), file),
        day_start=_day_start(get("team", "day_start", int), file),
        team_agents=agents,
        auto_assign=bool(auto_assign),
        assign_cap=cap,
        rules=_rules(data.get("rules"), file, agents, [team.name for team in teams]),
        keys=_keys(data.get("keys", {}), file),
        views=_views(data.get("views", {}), file),
        claim_idle_s=_claim_idle(get("team", "claim_idle", (str, int, float)), file),
        sales_intent=_phrases("intent", get("sales", "intent", list), DEFAULT_INTENT, file),
        sales_questions=_phrases(
            "questions", get("sales", "questions", list), DEFAULT_QUESTIONS, file
        ),
        utm_domains=_domains(get("sales", "utm_domains", list), file),
        team_hours=_team_hours(get("team", "hours", str), file),
        response_sla_s=_duration(
            get("team", "response_sla", (str, int, float)) or "4h",
            "team.response_sla",
            file.where("response_sla", "team"),
            '"30m", "4h" or "1d"',
            MIN_SLA_S,
        ),
        advocacy=_advocacy(data.get("advocacy", {}), file),
        source=source,
        warnings=tuple(file.warnings),
    )


def _advocacy(table: Any, file: _File) -> AdvocacyConfig:
    """levels = { fan = 5, ... }, half_life = "30d", accounts = ["bluesky:kestrel.app"]."""
    if not isinstance(table, dict):
        raise ConfigError(f"{file.where('advocacy')}: [advocacy] must be a table")
    found = AdvocacyConfig()
    levels = found.levels
    if "levels" in table:
        spec = table["levels"]
        where = file.where("levels", "advocacy")
        if (
            not isinstance(spec, dict)
            or not spec
            or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
                for v in spec.values()
            )
        ):
            raise ConfigError(
                f"{where}: 'advocacy.levels' must be a table of names and points above 0, "
                "e.g. { fan = 5, advocate = 20, champion = 50 }"
            )
        levels = tuple(sorted(((str(k), float(v)) for k, v in spec.items()), key=lambda kv: kv[1]))
    half_life = found.half_life_s
    if "half_life" in table:
        half_life = _duration(
            table["half_life"],
            "advocacy.half_life",
            file.where("half_life", "advocacy"),
            '"30d" or "2w"',
            3600.0,
        )
    accounts: list[tuple[str, str]] = []
    for entry in table.get("accounts", []) if isinstance(table.get("accounts", []), list) else [0]:
        network, _, handle = str(entry).partition(":") if isinstance(entry, str) else ("", "", "")
        if network not in NETWORK_NAMES or not handle.strip():
            raise ConfigError(
                f"{file.where('accounts', 'advocacy')}: 'advocacy.accounts' holds "
                f"{sanitize.for_message(str(entry))!r}; each must be NETWORK:HANDLE, e.g. "
                '"bluesky:kestrel.app"'
            )
        accounts.append((network, handle.strip()))
    return AdvocacyConfig(levels, half_life, tuple(accounts))


def _timezone(name: str | None, file: _File) -> str | None:
    if name is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only when a file names one

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{file.where('timezone', 'team')}: 'team.timezone' is "
            f'{sanitize.for_message(name)!r}, not a time zone (e.g. "Europe/Berlin", '
            '"America/New_York", "UTC")'
        ) from None
    return name


def _team_hours(spec: str | None, file: _File) -> BusinessHours | None:
    if spec is None:
        return None
    try:
        return parse_hours(spec)
    except HoursError as error:
        raise ConfigError(f"{file.where('hours', 'team')}: 'team.hours': {error}") from None


def _day_start(hour: int | None, file: _File) -> int:
    if hour is None:
        return 9
    if not 0 <= hour <= 23:
        raise ConfigError(
            f"{file.where('day_start', 'team')}: 'team.day_start' is {hour}; it must be an "
            "hour from 0 to 23"
        )
    return hour


def _number(table: dict[str, Any], key: str, where: str, low: float, high: float) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(
            f"{where}: 'priority.{sanitize.for_message(key)}' is {value!r}; it must be a "
            f"number from {low:g} to {high:g}"
        )
    return float(value)


def _priority(table: Any, file: _File) -> PriorityWeights | None:
    """[priority]: the points each input may add (together at most 100), the decay per
    day, and the tiers' shares. Absent: the weights the database already holds."""
    if not table:
        return None  # nothing set (the example config's empty table): the database's
    if not isinstance(table, dict):
        raise ConfigError(f"{file.at_header('priority')}: [priority] must be a table")
    defaults = PriorityWeights()
    found: dict[str, Any] = {}
    for key in (*PriorityWeights.INPUTS, "recency"):
        value = _number(table, key, file.where(key, "priority"), 0, 100)
        if value is not None:
            found[key] = value
    half = table.get("value_half")
    if half is not None:
        if isinstance(half, bool) or not isinstance(half, (int, float)) or half <= 0:
            raise ConfigError(
                f"{file.where('value_half', 'priority')}: 'priority.value_half' is {half!r}; "
                "it must be an amount above 0"
            )
        found["value_half"] = float(half)
    other = _number(table, "other_tier", file.where("other_tier", "priority"), 0, 1)
    if other is not None:
        found["other_tier"] = other
    tiers = table.get("tiers")
    if tiers is not None:
        where = file.at_header("priority.tiers")
        if not isinstance(tiers, dict):
            raise ConfigError(f"{where}: 'priority.tiers' must be a table of tier = share")
        shares = {}
        for name, share in tiers.items():
            if (
                isinstance(share, bool)
                or not isinstance(share, (int, float))
                or not 0 <= share <= 1
            ):
                raise ConfigError(
                    f"{file.where(name, 'priority.tiers')}: tier "
                    f"{sanitize.for_message(name)!r} has share {share!r}; it must be a number "
                    "from 0 to 1 (its part of the tier points)"
                )
            shares[name.strip().lower()] = float(share)
        found["tiers"] = shares
    weights = PriorityWeights(**{**_fields_of(defaults), **found})
    total = sum(getattr(weights, key) for key in PriorityWeights.INPUTS)
    if total > 100:
        raise ConfigError(
            f"{file.at_header('priority')}: the [priority] points add up to {total:g}; "
            f"{' + '.join(PriorityWeights.INPUTS)} must be at most 100, so that a priority "
            "reads as a share"
        )
    return weights


def _fields_of(weights: PriorityWeights) -> dict[str, Any]:
    return {f.name: getattr(weights, f.name) for f in fields(weights)}


def _agents(names: object, file: _File) -> tuple[str, ...]:
    """`[team] agents`: names as `--agent` takes them, each once."""
    if names is None:
        return ()
    where = file.where("agents", "team")
    if not isinstance(names, list):
        raise ConfigError(
            f'{where}: \'team.agents\' must be a list of names, like agents = ["kate", "dana"]'
        )
    for index, name in enumerate(names, start=1):
        if not isinstance(name, str) or not name.strip():
            shown = repr(name) if isinstance(name, str) else sanitize.for_message(name)
            raise ConfigError(
                f"{where}: 'team.agents' item {index} is {shown}; "
                'it must be a name, like agents = ["kate", "dana"]'
            )
        if any(unicodedata.category(char)[0] == "C" for char in name):
            raise ConfigError(
                f"{where}: 'team.agents' item {index} ({sanitize.for_message(name)!r}) holds a "
                "control character"
            )
        if len(name.strip()) > MAX_AGENT_NAME:
            raise ConfigError(
                f"{where}: 'team.agents' item {index} is longer than {MAX_AGENT_NAME} characters"
            )
    return tuple(dict.fromkeys(name.strip() for name in names))


def _rules(
    tables: object, file: _File, agents: Sequence[str], teams: Sequence[str]
) -> tuple[Rule, ...]:
    """`[[rules]]`, each checked; a bad one is a ConfigError at the line of its mistake."""
    if tables is None:
        return ()
    if not isinstance(tables, list):
        raise ConfigError(
            f"{file.at_header('rules')}: rules are written [[rules]] (two brackets), one "
            "table per rule"
        )
    from scrm_tui.core.rules import RuleError, parse_rule  # only for a config with rules

    rules: list[Rule] = []
    for index, table in enumerate(tables):
        try:
            rule = parse_rule(
                table, index + 1, agents=agents, teams=teams, durations=parse_duration
            )
        except RuleError as error:
            raise ConfigError(f"{file.in_item('rules', index, error.key)}: {error}") from None
        if any(other.name == rule.name for other in rules):
            raise ConfigError(
                f"{file.in_item('rules', index, 'name')}: two rules are named "
                f"{sanitize.for_message(rule.name)!r}; each needs its own name (the history "
                "names the rule that acted)"
            )
        rules.append(rule)
    return tuple(rules)


def _watch_terms(terms: str | None, file: _File) -> str | None:
    if terms is None:
        return None
    from scrm_tui.core.watch import WatchError, parse_watch

    try:
        parse_watch(terms)
    except WatchError as error:
        raise ConfigError(f"{file.where('terms', 'watch')}: 'watch.terms': {error}") from None
    return terms


def _competitors(table: Any, file: _File) -> tuple[Competitor, ...]:
    """[watch.competitors]: `name = "terms"`, each checked as [watch] terms are."""
    if table is None:
        return ()
    if not isinstance(table, dict):
        raise ConfigError(
            f"{file.where('competitors', 'watch')}: 'watch.competitors' must be a table of "
            'name = "terms", like [watch.competitors] harrier = "harrier OR #harrierapp"'
        )
    from scrm_tui.core.watch import WatchError, parse_watch

    found: list[Competitor] = []
    for name, terms in table.items():
        shown = sanitize.for_message(name, 40)
        line = file.line_in("watch", f"competitors.{name}")
        where = f"{file.source}, line {line}" if line else file.at_header("watch")
        key = f"'watch.competitors.{shown}'"
        if not isinstance(terms, str):
            raise ConfigError(f'{where}: {key} must be watch terms in quotes, like "harrier"')
        problem = _competitor_name_problem(name, found)
        if problem:
            raise ConfigError(f"{where}: {key}: {problem}")
        try:
            parse_watch(terms)
        except WatchError as error:
            raise ConfigError(f"{where}: {key}: {error}") from None
        found.append(Competitor(name.strip(), terms))
    return tuple(found)


def _competitor_name_problem(name: str, before: Sequence[Competitor]) -> str | None:
    """Why a competitor cannot have this name (it is written in filters: `watch:NAME`)."""
    if not name.strip():
        return "the name is empty"
    if any(unicodedata.category(char)[0] == "C" for char in name):
        return "the name holds a control character"
    if '"' in name or len(name.strip()) > 40:
        return 'a name is at most 40 characters, without "'
    if name.strip().casefold() == BRAND_SET:
        return f"'{BRAND_SET}' is the brand's own set (watch:{BRAND_SET}); choose another name"
    if any(c.key == name.strip().casefold() for c in before):
        return "another competitor has this name (names are matched in any case)"
    return None


def _views(table: Any, file: _File) -> tuple[View, ...]:
    """[views]: each `name = "filter"` a view the whole team gets, in the file's order."""
    if not isinstance(table, dict):
        raise ConfigError(f"{file.where('views')}: [views] must be a table")
    views = []
    seen: set[str] = set()
    for name, source in table.items():
        where = f"{file.where(name, 'views')}: 'views.{sanitize.for_message(name)}'"
        if not isinstance(source, str):
            raise ConfigError(f'{where} must be a filter in quotes, like "ch:hn is:unread"')
        problem = name_problem(name) or filter_problem(source)
        if not problem and name.casefold() in seen:
            problem = "another view has this name (names are matched in any case)"
        if problem:
            raise ConfigError(f"{where}: {problem}")
        seen.add(name.casefold())
        views.append(View(name, source.strip()))
    return tuple(views)


def _phrases(
    key: str, value: list[Any] | None, default: tuple[str, ...], file: _File
) -> tuple[str, ...]:
    """[sales] intent / questions: a list of phrases (the defaults when absent)."""
    if value is None:
        return default
    where = f"{file.where(key, 'sales')}: 'sales.{key}'"
    phrases = []
    for item in value:
        if not isinstance(item, str):
            raise ConfigError(f'{where} must be a list of phrases in quotes, like ["pricing"]')
        problem = phrase_problem(item)
        if problem:
            raise ConfigError(f"{where}: {sanitize.for_message(item)!r} {problem}")
        phrases.append(" ".join(item.split()))
    return tuple(phrases)


def _domains(value: list[Any] | None, file: _File) -> tuple[str, ...]:
    """[sales] utm_domains: host names (example.com also covers www.example.com)."""
    if value is None:
        return ()
    where = f"{file.where('utm_domains', 'sales')}: 'sales.utm_domains'"
    domains = []
    for item in value:
        host = item.strip().lower().rstrip(".") if isinstance(item, str) else ""
        if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", host):
            shown = sanitize.for_message(str(item))
            raise ConfigError(f'{where}: {shown!r} is not a domain (e.g. "kestrel.app")')
        domains.append(host)
    return tuple(domains)


def _claim_idle(value: str | float | None, file: _File) -> float:
    if value is None:
        return DEFAULT_CLAIM_IDLE_S
    return _duration(
        value,
        "team.claim_idle",
        file.where("claim_idle", "team"),
        '"10m" or "90s"',
        MIN_CLAIM_IDLE_S,
    )


def _backfill(value: str | None, file: _File) -> float:
    if value is None:
        return 24 * 3600.0
    return _duration(value, "watch.backfill", file.where("backfill", "watch"), '"24h" or "3d"')


def _duration(value: object, name: str, where: str, example: str, minimum: float = 0.0) -> float:
    """A duration setting in seconds, at least `minimum`; else a ConfigError saying so."""
    try:
        seconds = parse_duration(str(value)) if isinstance(value, (str, int, float)) else -1.0
    except ValueError:
        seconds = -1.0
    if seconds < 0 or isinstance(value, bool):
        raise ConfigError(f"{where}: '{name}' must be a duration like {example}, not {value!r}")
    if seconds < minimum:
        raise ConfigError(
            f"{where}: '{name}' is {value!r}; it must be at least {_seconds(minimum)}"
        )
    return seconds


def _seconds(value: float) -> str:
    return f"{value:g}s"


def _sources(table: Any, file: _File) -> dict[str, SourceConfig]:
    if not isinstance(table, dict):
        raise ConfigError(f"{file.where('sources')}: [sources] must be a table")
    found: dict[str, SourceConfig] = {}
    for name, spec in table.items():
        section = f"sources.{name}"
        where = file.at_header(section)
        if name not in SOURCE_DEFAULTS:
            file.warnings.append(
                f"{where}: unknown source [sources.{sanitize.for_message(name)}], ignored "
                f"(known: {', '.join(SOURCE_DEFAULTS)})"
            )
            continue
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: [sources.{name}] must be a table")
        allowed = {"interval", "enabled", "terms"} | SOURCE_KEYS[name]
        for key in spec:
            if key not in allowed:
                file.unknown(file.where(key, section), f"{section}.{key}", allowed)

        def strings(
            key: str, spec: dict[str, Any] = spec, where: str = where, name: str = name
        ) -> tuple[str, ...]:
            value = spec.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ConfigError(f"{where}: 'sources.{name}.{key}' must be a list of names")
            return tuple(v.lstrip("#").removeprefix("r/") for v in value)

        interval = SOURCE_DEFAULTS[name]
        if "interval" in spec:
            interval = _duration(
                spec["interval"],
                f"{section}.interval",
                file.where("interval", section),
                f'"2m" (the default is {_seconds(SOURCE_DEFAULTS[name])})',
                MIN_INTERVAL_S,
            )
        kinds = strings("kinds") or SOURCE_KINDS.get(name, ())[:1]
        for kind in kinds:
            if kind not in SOURCE_KINDS.get(name, ()):
                raise ConfigError(
                    f"{file.where('kinds', section)}: 'sources.{name}.kinds' has {kind!r} "
                    f"(known: {', '.join(SOURCE_KINDS.get(name, ()))})"
                )
        terms = spec.get("terms")
        if terms is not None:
            if not isinstance(terms, str):
                raise ConfigError(f"{where}: 'sources.{name}.terms' must be a string")
            from scrm_tui.core.watch import WatchError, parse_watch

            try:
                parse_watch(terms)
            except WatchError as error:
                raise ConfigError(f"{where}: 'sources.{name}.terms': {error}") from None
        feeds: list[tuple[str, str, bool]] = []
        for index, feed in enumerate(spec.get("feeds", [])):
            if (
                not isinstance(feed, dict)
                or not isinstance(feed.get("url"), str)
                or not str(feed["url"]).startswith(("http://", "https://"))
            ):
                raise ConfigError(
                    f'{where}: feed {index + 1} needs url = "https://..." (and a name)'
                )
            for key in feed:
                if key not in _FEED_KEYS:
                    file.unknown(where, f"{section}.feeds[{index + 1}].{key}", _FEED_KEYS)
            if not isinstance(feed.get("filter", False), bool):
                raise ConfigError(
                    f"{where}: feed {index + 1}: 'filter' must be true or false, "
                    f"not {feed['filter']!r}"
                )
            url = str(feed["url"])
            label = str(feed.get("name") or url.split("/")[2])
            # Google Alerts already chose the posts for its own terms: keep them all.
            filtered = bool(feed.get("filter", "google.com/alerts" not in url))
            feeds.append((label, url, filtered))
        enabled = spec.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(f"{where}: 'sources.{name}.enabled' must be true or false")
        found[name] = SourceConfig(
            name=name,
            interval_s=interval,
            enabled=enabled,
            terms=terms,
            kinds=kinds,
            tags=strings("tags") if "tags" in SOURCE_KEYS[name] else (),
            subreddits=strings("subreddits") if "subreddits" in SOURCE_KEYS[name] else (),
            feeds=tuple(feeds),
            api_url=str(spec["api_url"]) if "api_url" in spec else None,
        )
    return found


_FEED_KEYS = ("name", "url", "filter")
_HOOK_KEYS = ("kind", "name", "url", "url_env", "secret", "secret_env")


def _keys(table: Any, file: _File, prefix: str = "") -> tuple[KeySetting, ...]:
    """[keys] as written: `inbox.reply = "ctrl+r"` is a table in TOML ({inbox: {reply:
    …}}), so the binding id is the path to each string."""
    if not isinstance(table, dict):
        raise ConfigError(f"{file.where('keys')}: [keys] must be a table")
    settings: list[KeySetting] = []
    for name, value in table.items():
        binding = f"{prefix}{name}"
        if isinstance(value, dict):
            settings += _keys(value, file, f"{binding}.")
            continue
        line = file.line_in("keys", binding)
        where = f"{file.source}, line {line}" if line else file.at_header("keys")
        if not isinstance(value, str):
            raise ConfigError(
                f"{where}: 'keys.{sanitize.for_message(binding)}' must be a string of key "
                'names, e.g. "ctrl+r" (or "r,f5" for two keys)'
            )
        settings.append(KeySetting(binding, value, where, line or 0))
    return tuple(sorted(settings, key=lambda setting: setting.line))


def _teams(table: Any, file: _File) -> tuple[Team, ...]:
    if not isinstance(table, dict):
        raise ConfigError(f"{file.where('teams')}: [teams] must be a table")
    teams = []
    for name, spec in table.items():
        where = file.at_header(f"teams.{name}")
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: [teams.{name}] must be a table")
        for key in spec:
            if key not in ("description", "webhooks"):
                file.unknown(where, f"teams.{name}.{key}", ("description", "webhooks"))
        hooks = []
        for index, hook in enumerate(spec.get("webhooks", [])):
            if not isinstance(hook, dict):
                raise ConfigError(f"{where}: each webhook of team '{name}' must be a table")
            kind = hook.get("kind")
            if kind not in HOOK_KINDS:
                raise ConfigError(
                    f"{where}: webhook {index + 1} of team '{name}' needs kind = "
                    f"{' | '.join(repr(k) for k in HOOK_KINDS)}"
                )
            for key in hook:
                if key not in _HOOK_KEYS:
                    file.unknown(where, f"teams.{name}.webhooks[{index + 1}].{key}", _HOOK_KEYS)
            hook = {k: v for k, v in hook.items() if k in _HOOK_KEYS}
            if not all(isinstance(v, str) for v in hook.values()):
                raise ConfigError(
                    f"{where}: webhook {index + 1} of team '{name}': values must be strings"
                )
            hook_name = hook.get("name") or (kind if index == 0 else f"{kind}-{index + 1}")
            settings = {k: v for k, v in hook.items() if k not in ("kind", "name")}
            hooks.append(HookSpec(name=hook_name, kind=kind, settings=settings))
        names = [h.name for h in hooks]
        if len(set(names)) != len(names):
            raise ConfigError(f"{where}: two webhooks of team '{name}' share a name")
        description = spec.get("description", "")
        if not isinstance(description, str):
            raise ConfigError(f"{where}: 'teams.{name}.description' must be a string")
        teams.append(Team(name, description, tuple(hooks)))
    return tuple(teams)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str) -> float:
    """ "90s", "30m", "4h", "2d" (or "1h30m") in seconds."""
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smhd])", value.strip().lower())
    joined = "".join(f"{n}{u}" for n, u in parts)
    if not parts or joined != re.sub(r"\s+", "", value.strip().lower()):
        raise ValueError(value)
    return sum(float(n) * _UNITS[u] for n, u in parts)


def _sla(table: Any, file: _File) -> dict[str, float]:
    sla = dict(DEFAULT_SLA_S)
    if table is None:
        return sla
    where = file.where("sla", "escalation")
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: 'escalation.sla' must be a table like {{ P1 = \"1h\" }}")
    for priority, value in table.items():
        if priority not in sla:
            raise ConfigError(
                f"{where}: 'escalation.sla' has unknown priority '{priority}' "
                f"(known: {', '.join(sla)})"
            )
        # An SLA of nothing would make every escalation late the moment it is made.
        sla[priority] = _duration(
            value, f"escalation.sla.{priority}", where, '"30m", "4h" or "2d"', MIN_SLA_S
        )
    return sla
