"""From the configuration to the list of sources to poll (and why any cannot be)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scrm_tui.channels.bluesky import BlueskySession, BlueskySource
from scrm_tui.channels.feeds import FeedSource
from scrm_tui.channels.github import GitHubDiscussionSource, GitHubSource
from scrm_tui.channels.hackernews import HackerNewsSource
from scrm_tui.channels.mastodon import MastodonSource
from scrm_tui.channels.reddit import RedditSource
from scrm_tui.core.config import Config, SourceConfig
from scrm_tui.core.listening import Page
from scrm_tui.core.outgoing import (
    BlueskyAccount,
    GitHubAccount,
    MastodonAccount,
    RedditAccount,
    SendError,
)
from scrm_tui.core.watch import Watch, parse_watch
from scrm_tui.service.collector import Collector, Source, SourceSpec
from scrm_tui.service.credentials import Credentials, lookup
from scrm_tui.service.inbox import Inbox

Clock = Callable[[], float]


def open_client() -> Any:
    """The HTTP client every source of this process shares (one connection pool)."""
    from scrm_tui.channels.http import make_client

    return make_client()


def search_terms(watch: Watch, kinds: tuple[str, ...] = ("word", "tag", "handle")) -> list[str]:
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
        context = _Context(config, creds, client, env, state_dir, clock)
        try:
            built = _BUILDERS[name](source, watch, context)
        except _Missing as missing:
            problems[name] = str(missing)
            continue
        if config.competitors:
            # The brand's own searches find the brand's mentions (core/watch_sets.py).
            built = [replace(spec, source=_Marked(spec.source, "")) for spec in built]
            built += _competitor_specs(name, source, context)
        # Every error a source raises is redacted as the outbox's are, before the
        # collector stores it: a last line of defence behind the channels' own.
        specs.extend(replace(spec, source=_Redacted(spec.source, creds)) for spec in built)
    return specs, problems


# What a competitor is searched with on each network: the searches and timelines that
# find strangers' posts, not the brand account's own notifications or mentions, nor
# the brand's feeds (a feed is chosen for the brand; give a competitor its own alert).
COMPETITOR_KINDS: dict[str, tuple[str, ...]] = {
    "hackernews": (),  # one search per term: no kinds
    "mastodon": ("tag", "search"),
    "bluesky": ("search",),
    "reddit": ("search", "comments"),
    "github": ("issues", "discussions"),
}


def _competitor_specs(name: str, source: SourceConfig, ctx: _Context) -> list[SourceSpec]:
    """The source's searches again for each competitor's terms, each named
    `<competitor>:<source>` (its own cursor) and marking what it finds as theirs."""
    kinds = COMPETITOR_KINDS.get(name)
    if kinds is None:  # rss
        return []
    searched = replace(
        source,
        terms=None,
        kinds=tuple(k for k in source.kinds if k in kinds),
        tags=(),  # the brand's own extra tags
    )
    if source.kinds and not searched.kinds:
        return []  # only the account's own notifications or mentions
    found: list[SourceSpec] = []
    for competitor in ctx.config.competitors:
        try:
            built = _BUILDERS[name](searched, parse_watch(competitor.terms), ctx)
        except _Missing:
            continue  # the brand's own sources of this network say why
        found += [
            replace(
                spec,
                name=f"{competitor.key}:{spec.name}",
                source=_Marked(spec.source, competitor.key),
            )
            for spec in built
        ]
    return found


class _Marked:
    """A source whose mentions are marked with the watch set that searched for them."""

    def __init__(self, source: Source, watch_set: str):
        self._source = source
        self._watch_set = watch_set

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        page = await self._source.fetch(cursor, since_ms)
        marked = tuple(replace(m, watch_set=self._watch_set) for m in page.mentions)
        return replace(page, mentions=marked)


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


class _Redacted:
    """A source whose errors say no secret this process knows (Credentials.redact)."""

    def __init__(self, source: Source, creds: Credentials):
        self._source = source
        self._creds = creds

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        try:
            return await self._source.fetch(cursor, since_ms)
        except SendError as error:
            error.reason = self._creds.redact(error.reason)
            error.args = (error.reason,)
            raise


class _Searched:
    """A network search asked for one term (or the terms ORed): what it finds is kept
    unless its text shows the whole watch expression rejects it (NOT, AND)."""

    def __init__(self, source: Source, watch: Watch):
        self._source = source
        self._watch = watch

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        page = await self._source.fetch(cursor, since_ms)
        kept = tuple(
            replace(m, matched=self._watch.match(m.text) or m.matched)
            for m in page.mentions
            if not self._watch.rejects(m.text)
        )
        return replace(page, mentions=kept)


def _hackernews(source: SourceConfig, watch: Watch, ctx: _Context) -> list[SourceSpec]:
    # Algolia has no OR: one query per term; what a term finds is a mention of it.
    api = source.api_url or "https://hn.algolia.com/api/v1"
    return [
        _spec(
            f"hackernews:{term}",
            source,
            "hackernews",
            _Searched(
                HackerNewsSource(ctx.client, query=term, api_url=api, clock=ctx.clock), watch
            ),
        )
        for term in search_terms(watch)
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
            tags = dict.fromkeys([*search_terms(watch, ("tag",)), *source.tags])
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
            for term in search_terms(watch):
                specs.append(
                    _spec(
                        f"mastodon:search:{term}",
                        source,
                        "mastodon",
                        _Searched(
                            MastodonSource(
                                ctx.client,
                                masto,
                                base_url=base,
                                kind=kind,
                                query=term,
                                matcher=watch.match,
                                clock=ctx.clock,
                            ),
                            watch,
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
        queries = search_terms(watch) if kind == "search" else [""]
        for query in queries:
            made: Source = BlueskySource(
                ctx.client,
                account,
                kind=kind,
                query=query or None,
                matcher=watch.match,
                clock=ctx.clock,
                session=session,
            )
            if kind == "search":
                made = _Searched(made, watch)
            specs.append(
                _spec(f"bluesky:{kind}" + (f":{query}" if query else ""), source, "bluesky", made)
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
            query = " OR ".join(search_terms(watch))
            specs.append(
                _spec(
                    "reddit:search",
                    source,
                    "reddit",
                    _Searched(
                        RedditSource(
                            ctx.client,
                            account,
                            kind=kind,
                            query=query,
                            matcher=watch.match,
                            clock=ctx.clock,
                        ),
                        watch,
                    ),
                )
            )
        elif kind == "mentions":
            # The account's own inbox: the user's login ([reddit] refresh token or password).
            user = ctx.creds.accounts.get("reddit")
            if not isinstance(user, RedditAccount):
                raise _Missing(ctx.creds.why_not("reddit") or "no refresh token")
            specs.append(
                _spec(
                    "reddit:mentions",
                    source,
                    "reddit",
                    RedditSource(ctx.client, user, kind=kind, matcher=watch.match, clock=ctx.clock),
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
    query = " OR ".join(search_terms(watch, ("word",)))
    if not query:
        raise _Missing("GitHub search needs a word or phrase among the watch terms")
    specs = []
    for kind in source.kinds:
        made: Source
        if kind == "discussions":
            # GraphQL refuses anonymous calls; issues alone would run without a token.
            if token is None:
                raise _Missing(
                    "discussions need a [github] token "
                    "(set $SCRM_GITHUB_TOKEN or [github] token_env)"
                )
            made = GitHubDiscussionSource(
                ctx.client, token, query=query, matcher=watch.match, clock=ctx.clock
            )
        else:
            made = GitHubSource(
                ctx.client, token, query=query, api_url=api, matcher=watch.match, clock=ctx.clock
            )
        specs.append(_spec(f"github:{kind}", source, "github", _Searched(made, watch)))
    return specs


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


class Listener:
    """One process's part in listening: the configured sources, polled by a collector
    whenever this process holds the lease (a TUI stands by while `scrm watch` runs,
    and takes over when it stops)."""

    def __init__(self, collector: Collector, client: Any, problems: dict[str, str]) -> None:
        self.collector = collector
        self.problems = problems
        self._client = client

    @classmethod
    def create(
        cls,
        inbox: Inbox,
        config: Config,
        creds: Credentials,
        *,
        state_dir: Path | None = None,
        clock: Clock = time.time,
    ) -> Listener | None:
        """None when the configuration names no sources (nothing to listen to)."""
        if not any(source.enabled for source in config.sources.values()):
            return None
        client = open_client()
        specs, problems = build_sources(config, creds, client, state_dir=state_dir, clock=clock)
        collector = Collector(inbox, specs, backfill_s=config.backfill_s, clock=clock)
        return cls(collector, client, problems)

    async def step(self) -> bool:
        """Poll what is due if this process is the collector; True while it is."""
        if not self.collector.specs:
            return False
        return await self.collector.step()

    async def close(self) -> None:
        """Hand the lease over at once (a follower need not wait for it to expire)."""
        try:
            await self.collector.release()
        finally:
            await self._client.aclose()
