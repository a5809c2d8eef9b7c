"""Per-network handle normalisation, so the same account always has one key."""

from __future__ import annotations

from functools import lru_cache

from scrm_tui.core.models import Channel


@lru_cache(maxsize=65536)  # the same authors post again and again
def handle_key(channel: Channel | str, handle: str, home: str | None = None) -> str:
    """The identity key of a handle on a network (lower-cased, prefixes removed).

    Mastodon accounts are `user@instance`, case-insensitive, written with or without
    a leading `@`; an instance shows its own users without the `@instance` part, so
    a bare `user` seen on `home` (the instance the post came from) is `user@home`.
    Bluesky handles are domains; Reddit's `u/` and `/u/` prefixes are decoration;
    GitHub logins compare case-insensitively. Hacker News names do not: `Foo` and
    `foo` are two people (news.ycombinator.com/user?id= tells them apart), so their
    key is the name as written (schema step 25 re-keyed those stored before).
    """
    key = handle.strip()
    if channel == Channel.REDDIT:
        for prefix in ("/u/", "u/"):
            if key.lower().startswith(prefix):
                key = key[len(prefix) :]
                break
    if channel in (Channel.MASTODON, Channel.BLUESKY, Channel.GITHUB, Channel.X):
        key = key.lstrip("@")
    if channel == Channel.MASTODON and home and key and "@" not in key:
        key = f"{key}@{home}"
    if channel == Channel.HACKERNEWS:
        return key
    return key.casefold()


def home_instance(*urls: str | None) -> str | None:
    """The host of the first http(s) URL given: where a Mastodon post or profile lives."""
    for url in urls:
        if url and url.startswith(("https://", "http://")):
            host = url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
            host = host.split(":", 1)[0].strip().casefold()
            if host and "." in host:
                return host
    return None
