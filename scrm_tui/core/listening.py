"""What a source hands back from one poll: mentions, where to resume, how long to wait."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scrm_tui.core.models import MentionIn

# How far before its cursor each poll reads again. Search indexes lag, a remote post
# federates late, more posts of the cursor's own second arrive after the poll: anything
# that shows up this long after its date is still found. What is read twice is dropped
# by storage (a mention's external id is unique per channel), so nothing is stored twice.
OVERLAP_S = 600.0

# Which watch term a text matches (None: it matches none). Sources that get back more
# than was asked for (a hashtag timeline, a subreddit, a feed) filter with it.
TermMatcher = Callable[[str], str | None]


@dataclass(frozen=True)
class Page:
    """One poll's result. Store `mentions` first, then persist `cursor`: a crash in
    between fetches them again (ingest is idempotent), never skips them."""

    mentions: tuple[MentionIn, ...]
    cursor: str | None  # opaque to everyone but the source; None: keep the old one
    more: bool = False  # another page is waiting now (backfill): poll again at once
    wait_s: float | None = None  # the API asked for a pause (rate limit nearly spent)
    progress: str | None = None  # for people during a backfill: "2026-11-22 14:00"
    # The poll worked only in part (a feed whose XML broke after some entries): what
    # parsed is in `mentions`, and this says what went wrong, for the source's state.
    warning: str | None = None
