"""RSS and Atom feeds: their record in the network table (the code is in .feeds)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrm_tui.core.models import Channel
from scrm_tui.core.networks import Network, register

if TYPE_CHECKING:
    from scrm_tui.channels.building import BuildContext, Built
    from scrm_tui.core.config import SourceConfig
    from scrm_tui.core.watch import Watch


def handle_key(handle: str, home: str | None) -> str:
    return handle.casefold()  # a feed's "handle" is its title: an @ in it is its own


def sources(source: SourceConfig, watch: Watch, ctx: BuildContext) -> list[Built]:
    from scrm_tui.channels.building import Unavailable
    from scrm_tui.channels.rss.feeds import FeedSource

    if not source.feeds:
        raise Unavailable('no feeds: add feeds = [{ name = "...", url = "https://..." }]')
    return [
        (
            f"rss:{name}",
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


NETWORK = register(
    Network(
        name=Channel.RSS,  # the enum member: older code compares with `is`
        label="RSS",
        badge="rss",
        source_keys=frozenset({"feeds"}),
        interval_s=900.0,
        handle_key=handle_key,
        reach_full=10_000,
        no_reply="a feed cannot be answered",
        sources=sources,
    )
)
