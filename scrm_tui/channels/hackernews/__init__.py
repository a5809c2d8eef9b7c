"""Hacker News: its record in the network table (the HTTP code is in .api, loaded on use)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrm_tui.core.models import Channel
from scrm_tui.core.networks import Network, register

if TYPE_CHECKING:
    from scrm_tui.channels.building import BuildContext, Built
    from scrm_tui.channels.probing import Probe, ProbeContext
    from scrm_tui.core.config import SourceConfig
    from scrm_tui.core.watch import Watch


API_URL = "https://hn.algolia.com/api/v1"


def handle_key(handle: str, home: str | None) -> str:
    """Names as written: `Foo` and `foo` are two people (news.ycombinator.com/user?id=
    tells them apart; schema step 25 re-keyed those stored before)."""
    return handle


def sources(source: SourceConfig, watch: Watch, ctx: BuildContext) -> list[Built]:
    from scrm_tui.channels.building import Searched, search_terms
    from scrm_tui.channels.hackernews.api import HackerNewsSource

    # Algolia has no OR: one query per term; what a term finds is a mention of it.
    api = source.api_url or API_URL
    return [
        (
            f"hackernews:{term}",
            Searched(HackerNewsSource(ctx.client, query=term, api_url=api, clock=ctx.clock), watch),
        )
        for term in search_terms(watch)
    ]


def probe(ctx: ProbeContext, source: str | None) -> Probe | None:
    """One search (for the first term: one request per endpoint, not per term)."""
    from scrm_tui.channels.building import search_terms
    from scrm_tui.channels.probing import Probe
    from scrm_tui.core.watch import parse_watch

    config = ctx.config.sources.get("hackernews")
    if config is None:
        return None
    api = (config.api_url or API_URL).rstrip("/")
    terms = search_terms(parse_watch(config.terms or ctx.config.watch_terms or "")) or ["scrm"]
    params = (("query", terms[0]), ("hitsPerPage", "1"))
    return Probe("Hacker News", f"{api}/search_by_date", params=params, read=_algolia)


def _algolia(probe: Probe, data: Any, host: str, answers: str) -> tuple[str, str]:
    if not isinstance(data.get("hits"), list):
        return "fail", f"{host} answered, but not as Algolia search does: check api_url"
    return "ok", answers


NETWORK = register(
    Network(
        name=Channel.HACKERNEWS,  # the enum member: older code compares with `is`
        label="Hacker News",
        badge="hn",
        aliases=("hn",),
        source_keys=frozenset({"api_url"}),
        competitor_kinds=(),  # one search per term: no kinds
        interval_s=120.0,  # Algolia: 10,000 requests an hour
        handle_key=handle_key,
        reach_full=2_000,
        points_full=500,  # a post's points at the time it was fetched
        no_reply="Hacker News has no API for posting",
        sources=sources,
        probe=probe,
        hosts=("news.ycombinator.com",),
    )
)
