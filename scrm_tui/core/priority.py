"""Priority weights (the `[priority]` settings) and how a stored priority reads at a moment.

How recency works without rewriting rows. A mention's priority at posting, P0 (0-100,
from who wrote it and what it says), falls by `recency` points a day as it ages:

    P(now) = P0 - (now - created) / ms_per_point,   ms_per_point = one day / recency

Every mention falls at the same rate, so which of two is higher never changes with
time, and the order "highest now first" is the order of one number fixed at posting:

    rank = created + P0 * ms_per_point   (= the moment P would reach 0)

Rows store P0 and rank, sorted by an index on rank: no row is ever rewritten as time
passes, and the P a row shows is P(now), clamped to 0-100, which never disagrees
with the order of the list.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

DAY_MS = 86_400_000
# With no decay (recency = 0) P0 alone orders, newest first among equals: a rank step
# per point larger than any span of `created` keeps it so (and fits in 64 bits).
MAX_MS_PER_POINT = 10**13
# The rank of a mention not scored yet (stored before step 13, until the re-score
# reaches it): below every real rank, so it sorts last. Step 13's column default.
UNSCORED_RANK = -(2**62)

DEFAULT_TIERS: dict[str, float] = {
    "enterprise": 1.0,
    "business": 0.8,
    "team": 0.6,
    "pro": 0.5,
    "premium": 0.5,
    "plus": 0.35,
    "starter": 0.25,
    "basic": 0.25,
    "free": 0.1,
}


@dataclass(frozen=True)
class PriorityWeights:
    """The most points each input adds to P0 (together at most 100), and the decay."""

    reach: float = 20.0
    """Followers on a log scale per network (HN points, Reddit score where no followers)."""
    negative: float = 25.0
    """Sentiment: all of it for a compound of -1, none for neutral or positive."""
    question: float = 15.0
    """The post asks something (a question mark outside links)."""
    tier: float = 25.0
    """The customer's tier, as the share in `tiers` (a tier not listed: `other_tier`)."""
    value: float = 15.0
    """Lifetime value: half of it at `value_half`, three quarters at three times that."""
    recency: float = 5.0
    """Points a mention loses per day of age (0: age never lowers it)."""
    value_half: float = 10_000.0
    tiers: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TIERS))
    other_tier: float = 0.25

    INPUTS = ("reach", "negative", "question", "tier", "value")

    @property
    def ms_per_point(self) -> int:
        if self.recency <= 0:
            return MAX_MS_PER_POINT
        return min(max(round(DAY_MS / self.recency), 1), MAX_MS_PER_POINT)

    def to_json(self) -> str:
        """The weights as stored with the scores they made (to see when they change)."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PriorityWeights:
        data: dict[str, Any] = json.loads(text)
        return cls(**{key: value for key, value in data.items() if key in _FIELDS})

    def tier_share(self, tier: str | None) -> float:
        if tier is None or not tier.strip():
            return self.other_tier
        return self.tiers.get(tier.strip().lower(), self.other_tier)


_FIELDS = {
    "reach",
    "negative",
    "question",
    "tier",
    "value",
    "recency",
    "value_half",
    "tiers",
    "other_tier",
}


def rank_of(p0: int, created_ms: int, ms_per_point: int) -> int:
    """The stored sort key: when a mention's P would reach 0 (see the module's doc)."""
    return created_ms + p0 * ms_per_point


def now_priority(p0: int | None, created_ms: int, now_ms: int, ms_per_point: int) -> int | None:
    """P at `now_ms` of a mention whose priority at posting was `p0` (None: unscored)."""
    if p0 is None:
        return None
    return max(0, min(100, math.floor(p0 - (now_ms - created_ms) / ms_per_point + 0.5)))


def p0(own: float, customer: float) -> int:
    """A mention's priority at posting from its own part and its customer's part, rounded
    half up as SQLite's round() does (step 13's triggers compute the same)."""
    return max(0, min(100, math.floor(own + customer + 0.5)))
