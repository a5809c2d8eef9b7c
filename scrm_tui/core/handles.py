"""Per-network handle normalisation, so the same account always has one key."""

from __future__ import annotations

from functools import lru_cache

from scrm_tui.core.models import Channel


@lru_cache(maxsize=65536)  # the same authors post again and again
def handle_key(channel: Channel | str, handle: str) -> str:
    """The identity key of a handle on a network (lower-cased, prefixes removed).

    Mastodon accounts are `user@instance`, case-insensitive, written with or without
    a leading `@`; Bluesky handles are domains; Reddit's `u/` and `/u/` prefixes are
    decoration; GitHub logins and Hacker News names compare case-insensitively.
    """
    key = handle.strip()
    if channel == Channel.REDDIT:
        for prefix in ("/u/", "u/"):
            if key.lower().startswith(prefix):
                key = key[len(prefix) :]
                break
    if channel in (Channel.MASTODON, Channel.BLUESKY, Channel.GITHUB, Channel.X):
        key = key.lstrip("@")
    return key.casefold()
