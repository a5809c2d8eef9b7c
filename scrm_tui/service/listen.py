"""From the configuration to the list of sources to poll (and why any cannot be)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from scrm_tui.channels.building import BuildContext, Unavailable
from scrm_tui.core import networks
from scrm_tui.core.config import Config, SourceConfig
from scrm_tui.core.listening import Page
from scrm_tui.core.outgoing import SendError
from scrm_tui.core.watch import Watch, parse_watch
from scrm_tui.service.collector import Collector, Source, SourceSpec
from scrm_tui.service.credentials import Credentials, lookup
from scrm_tui.service.inbox import Inbox

Clock = Callable[[], float]


def open_client() -> Any:
    """The HTTP client every source of this process shares (one connection pool)."""
    from scrm_tui.channels.http import make_client

    return make_client()


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
    context = BuildContext(
        config=config,
        client=client,
        env=env,
        state_dir=state_dir,
        clock=clock,
        accounts=creds.accounts,
        why_not=creds.why_not,
        setting=partial(lookup, config, env=env),
    )
    for name, source in config.sources.items():
        if not source.enabled:
            continue
        terms = source.terms or config.watch_terms
        if terms is None:
            problems[name] = "no watch terms: set [watch] terms (or terms in this source)"
            continue
        watch = parse_watch(terms)
        try:
            built = _built(name, source, watch, context)
        except Unavailable as missing:
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


def _built(name: str, source: SourceConfig, watch: Watch, ctx: BuildContext) -> list[SourceSpec]:
    """The network's own builder (its record's `sources`), each source as a spec."""
    build = networks.network(name).sources
    if build is None:
        raise Unavailable(f"{name} cannot be listened to")
    return [
        SourceSpec(spec_name, name, source.interval_s, made)
        for spec_name, made in build(source, watch, ctx)
    ]


def _competitor_specs(name: str, source: SourceConfig, ctx: BuildContext) -> list[SourceSpec]:
    """The source's searches again for each competitor's terms, each named
    `<competitor>:<source>` (its own cursor) and marking what it finds as theirs: the
    searches and timelines that find strangers' posts (the record's competitor_kinds),
    not the brand account's own notifications or mentions, nor the brand's feeds."""
    kinds = networks.network(name).competitor_kinds
    if kinds is None:  # rss: a feed is chosen for the brand; give a competitor its own
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
            built = _built(name, searched, parse_watch(competitor.terms), ctx)
        except Unavailable:
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
