"""RSS and Atom feeds: their record in the network table (the code is in .feeds)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrm_tui.core.models import Channel
from scrm_tui.core.networks import Network, register

if TYPE_CHECKING:
    from scrm_tui.channels.building import BuildContext, Built
    from scrm_tui.channels.probing import Probe, ProbeContext
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


def probe(ctx: ProbeContext, source: str | None) -> Probe | None:
    """The feed itself, fetched and parsed (a feed moves: redirects are followed)."""
    from scrm_tui.channels.probing import Probe

    feeds = ctx.config.sources["rss"].feeds if source and "rss" in ctx.config.sources else ()
    url = next((u for n, u, _ in feeds if f"rss:{n}" == source), None)
    if source is None or url is None:
        return None
    accept = "application/atom+xml, application/rss+xml, application/xml;q=0.9"
    name = source.removeprefix("rss:")
    return Probe(name, url, headers=(("Accept", accept),), follow=True, read=_feed, raw=True)


def _feed(probe: Probe, response: Any, host: str, answers: str) -> tuple[str, str]:
    import io

    import feedparser

    # A file object, not bytes: feedparser would first try bytes as a path to open.
    parsed = feedparser.parse(
        io.BytesIO(response.content),
        response_headers={"content-type": response.headers.get("content-type", "")},
    )
    entries = parsed.get("entries") or []
    feed = parsed.get("feed") or {}
    if not entries and (
        not parsed.get("version") or (parsed.get("bozo") and not feed.get("title"))
    ):
        head = response.content[:500].lower()
        what = "an HTML page" if b"<html" in head or b"<!doctype" in head else "something else"
        return "fail", f"{answers}, but it is not a feed ({what}): check the url"
    count = len(entries)
    return "ok", f"{answers}; a feed with {count} entr{'y' if count == 1 else 'ies'}"


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
        probe=probe,
        handle_is_title=True,
    )
)
