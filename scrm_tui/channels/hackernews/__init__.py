"""Hacker News: its record in the network table (the HTTP code is in .api, loaded on use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrm_tui.core.models import Channel
from scrm_tui.core.networks import Network, register

if TYPE_CHECKING:
    from scrm_tui.channels.building import BuildContext, Built
    from scrm_tui.core.config import SourceConfig
    from scrm_tui.core.watch import Watch


def handle_key(handle: str, home: str | None) -> str:
    """Names as written: `Foo` and `foo` are two people (news.ycombinator.com/user?id=
    tells them apart; schema step 25 re-keyed those stored before)."""
    return handle


def sources(source: SourceConfig, watch: Watch, ctx: BuildContext) -> list[Built]:
    from scrm_tui.channels.building import Searched, search_terms
    from scrm_tui.channels.hackernews.api import HackerNewsSource

    # Algolia has no OR: one query per term; what a term finds is a mention of it.
    api = source.api_url or "https://hn.algolia.com/api/v1"
    return [
        (
            f"hackernews:{term}",
            Searched(HackerNewsSource(ctx.client, query=term, api_url=api, clock=ctx.clock), watch),
        )
        for term in search_terms(watch)
    ]


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
    )
)
