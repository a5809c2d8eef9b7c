"""From the configuration to the list of sources to poll (and why any cannot be)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrm_tui.channels.bluesky import BlueskySession, BlueskySource
from scrm_tui.channels.feeds import FeedSource
from scrm_tui.channels.github import GitHubSource
from scrm_tui.channels.hackernews import HackerNewsSource
from scrm_tui.channels.mastodon import MastodonSource
from scrm_tui.channels.reddit import RedditSource
from scrm_tui.core.config import Config, SourceConfig
from scrm_tui.core.outgoing import BlueskyAccount, GitHubAccount, MastodonAccount, RedditAccount
from scrm_tui.core.watch import Watch, parse_watch
from scrm_tui.service.collector import SourceSpec
from scrm_tui.service.credentials import Credentials, lookup

Clock = Callable[[], float]


def open_client() -> Any:
    """The HTTP client every source of this process shares (one connection pool)."""
    from scrm_tui.channels.http import make_client

    return make_client()


def _words(watch: Watch, kinds: tuple[str, ...] = ("word", "tag", "handle")) -> list[str]:
    """The terms as an API's search box takes them (words and phrases as written)."""
    return [str(t) if t.kind == "word" else t.text for t in watch.terms if t.kind in kinds]


def build_sources(
    config: Config,
    creds: Credentials,
    client: Any,
    *,
    env: Mapping[str, str] | None = None,
    state_dir: Path | None = None,
    clock: Clock = time.time,
) -> tuple[list[SourceSpec], dict[str, str]]:
    """The sources to poll, and for each configured one that cannot run, why."""
    env = os.environ if env is None else env
    specs: list[SourceSpec] = []
    problems: dict[str, str] = {}
    for name, source in config.sources.items():
        if not source.enabled:
            continue
        terms = source.terms or config.watch_terms
        if terms is None:
            problems[name] = "no watch terms: set [watch] terms (or terms in this source)"
            continue
        watch = parse_watch(terms)
        try:
            context = _Context(config, creds, client, env, state_dir, clock)
            built = _BUILDERS[name](source, watch, context)
        except _Missing as missing:
            problems[name] = str(missing)
            continue
        specs.extend(built)
    return specs, problems


@dataclass(frozen=True)
class _Context:
    """What every source builder may draw on."""

    config: Config
    creds: Credentials
    client: Any
    env: Mapping[str, str]
    state_dir: Path | None
    clock: Clock


class _Missing(Exception):
    """A source cannot run with this configuration; the message says what to set."""


def _spec(name: str, source: SourceConfig, channel: str, made: Any) -> SourceSpec:
    return SourceSpec(name, channel, source.interval_s, made)


def _hackernews(source: SourceConfig, watch: Watch, ctx: _Context) -> list[SourceSpec]:
    # Algolia has no OR: one query per term; what a term finds is a mention of it.
    api = source.api_url or "https://hn.algolia.com/api/v1"
    return [
        _spec(
            f"hackernews:{term}",
            source,
            "hackernews",
            HackerNewsSource(ctx.client, query=term, api_url=api, clock=ctx.clock),
        )
        for term in _words(watch)
    ]


def _mastodon(source: SourceConfig, watch: Watch, ctx: _Context) -> list[SourceSpec]:
    account = ctx.creds.accounts.get("mastodon")
    instance = lookup(ctx.config, "mastodon", "instance", ctx.env)
    if instance is None:
        raise _Missing("no instance: set [mastodon] instance")
    base = instance.rstrip("/")
    masto = account if isinstance(account, MastodonAccount) else None
    specs = []
    for kind in source.kinds:
        if kind == "notifications":
            if masto is None:
                raise _Missing(ctx.creds.why_not("mastodon") or "no token")
            specs.append(
                _spec(
                    "mastodon:notifications",
                    source,
                    "mastodon",
                    MastodonSource(
                        ctx.client,
                        masto,
                        base_url=base,
                        kind=kind,
                        matcher=watch.match,
                        clock=ctx.clock,
                    ),
                )
            )
        elif kind == "tag":
            tags = dict.fromkeys([*_words(watch, ("tag",)), *source.tags])
            for tag in tags:
                specs.append(
                    _spec(
                        f"mastodon:#{tag}",
                        source,
                        "mastodon",
                        MastodonSource(
                            ctx.client,
                            masto,
                            base_url=base,
                            kind=kind,
                            tag=tag,
                            matcher=watch.match,
                            clock=ctx.clock,
                        ),
                    )
                )
        else:
            for term in _words(watch):
                specs.append(
                    _spec(
                        f"mastodon:search:{term}",
                        source,
                        "mastodon",
                        MastodonSource(
                            ctx.client,
                            masto,
                            base_url=base,
                            kind=kind,
                            query=term,
                            matcher=watch.match,
                            clock=ctx.clock,
                        ),
                    )
                )
    return specs


def _bluesky(source: SourceConfig, watch: Watch, ctx: _Context) -> list[SourceSpec]:
    account = ctx.creds.accounts.get("bluesky")
    if not isinstance(account, BlueskyAccount):
        # searchPosts needs a login since 2025; notifications always did.
        raise _Missing(ctx.creds.why_not("bluesky") or "no account")
    session = BlueskySession(ctx.client, account, clock=ctx.clock)
    specs = []
    for kind in source.kinds:
        queries = _words(watch) if kind == "search" else [""]
        for query in queries:
            specs.append(
                _spec(
                    f"bluesky:{kind}" + (f":{query}" if query else ""),
                    source,
                    "bluesky",
                    BlueskySource(
                        ctx.client,
                        account,
                        kind=kind,
                        query=query or None,
                        matcher=watch.match,
                        clock=ctx.clock,
                        session=session,
                    ),
                )
            )
    return specs


def _reddit(source: SourceConfig, watch: Watch, ctx: _Context) -> list[SourceSpec]:
    values = {
        key: lookup(ctx.config, "reddit", key, ctx.env)
        for key in ("client_id", "client_secret", "username", "user_agent", "api_url", "auth_url")
    }
    for key in ("client_id", "client_secret", "user_agent"):
        if not values[key]:
            raise _Missing(f"no {key.replace('_', ' ')}: set [reddit] {key}")
    account = RedditAccount(
        client_id=str(values["client_id"]),
        client_secret=str(values["client_secret"]),
        username=values["username"] or "",
        user_agent=str(values["user_agent"]),
        api_url=(values["api_url"] or "https://oauth.reddit.com").rstrip("/"),
        auth_url=(values["auth_url"] or "https://www.reddit.com").rstrip("/"),
    )
    specs = []
    for kind in source.kinds:
        if kind == "search":
            query = " OR ".join(_words(watch))
            specs.append(
                _spec(
                    "reddit:search",
                    source,
                    "reddit",
                    RedditSource(
                        ctx.client,
                        account,
                        kind=kind,
                        query=query,
                        matcher=watch.match,
                        clock=ctx.clock,
                    ),
                )
            )
        else:
            if not source.subreddits:
                raise _Missing("kind 'comments' needs subreddits = [...]")
            for sub in source.subreddits:
                specs.append(
                    _spec(
                        f"reddit:r/{sub}",
                        source,
                        "reddit",
                        RedditSource(
                            ctx.client,
                            account,
                            kind=kind,
                            subreddit=sub,
                            matcher=watch.match,
                            clock=ctx.clock,
                        ),
                    )
                )
    return specs


def _github(source: SourceConfig, watch: Watch, ctx: _Context) -> list[SourceSpec]:
    account = ctx.creds.accounts.get("github")
    token = account if isinstance(account, GitHubAccount) else None
    api = (lookup(ctx.config, "github", "api_url", ctx.env) or "https://api.github.com").rstrip("/")
    query = " OR ".join(_words(watch, ("word",)))
    if not query:
        raise _Missing("GitHub search needs a word or phrase among the watch terms")
    return [
        _spec(
            "github:issues",
            source,
            "github",
            GitHubSource(
                ctx.client, token, query=query, api_url=api, matcher=watch.match, clock=ctx.clock
            ),
        )
    ]


def _rss(source: SourceConfig, watch: Watch, ctx: _Context) -> list[SourceSpec]:
    if not source.feeds:
        raise _Missing('no feeds: add feeds = [{ name = "...", url = "https://..." }]')
    return [
        _spec(
            f"rss:{name}",
            source,
            "rss",
            FeedSource(
                ctx.client,
                url=url,
                name=name,
                matcher=watch.match if filtered else None,
                clock=ctx.clock,
            ),
        )
        for name, url, filtered in source.feeds
    ]


_BUILDERS = {
    "hackernews": _hackernews,
    "mastodon": _mastodon,
    "bluesky": _bluesky,
    "reddit": _reddit,
    "github": _github,
    "rss": _rss,
}
