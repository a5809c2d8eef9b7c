"""Per-network handle normalisation, so the same account always has one key."""

from __future__ import annotations

from functools import lru_cache

from scrm_tui.core import networks


@lru_cache(maxsize=65536)  # the same authors post again and again
def handle_key(channel: str, handle: str, home: str | None = None) -> str:
    """The identity key of a handle on a network, by the network's own rule (its
    record's `handle_key`: lower-cased, prefixes removed, Mastodon's `user@home`).

    `home` is the instance the post came from, where a network needs it. An unknown
    network raises networks.UnknownNetwork.
    """
    return networks.network(channel).handle_key(handle.strip(), home)


def home_instance(*urls: str | None) -> str | None:
    """The host of the first http(s) URL given: where a Mastodon post or profile lives."""
    for url in urls:
        if url and url.startswith(("https://", "http://")):
            host = url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
            host = host.split(":", 1)[0].strip().casefold()
            if host and "." in host:
                return host
    return None
