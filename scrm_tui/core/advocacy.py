"""Advocacy's rules: what a mention earns its author, how points fade, levels, social NPS.

Plain values and formulas only (no I/O): the store reads the mentions, the service
(service/advocacy.py) adds them up with these, and the tests recompute with them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

WINDOW_DAYS = 90  # points and NPS look back this far from the range's end
DAY_MS = 86_400_000

# What one mention earns: its best kind only (a thanked answer is 10, not 10 + 5 + 1).
POSITIVE = 1
RECOMMENDATION = 3
ANSWER = 5
THANKED = 10

# A recommendation is a positive mention holding one of these, as the search index reads
# words (a trailing * is a prefix): English, French, Spanish, Portuguese, Italian, German,
# Dutch and Polish, the demo's languages. "use X" is "you should use", "switch to".
RECOMMEND_WORDS = (
    "recommend*",
    '"switch to"',
    '"switched to"',
    '"you should use"',
    '"give it a try"',
    "recommand*",
    "recomiend*",
    "recomend*",
    "consiglio",
    "consiglia*",
    "empfehl*",
    "aanrader",
    "aanbevel*",
    "polecam",
)

DEFAULT_LEVELS = (("fan", 5.0), ("advocate", 20.0), ("champion", 50.0))
DEFAULT_HALF_LIFE_S = 30 * 86400.0
REWARD_KINDS = ("swag", "discount", "shout-out", "beta access", "other")
CONFIRMED = ("confirmed", "identity")  # a link an agent confirmed, or the customer's own handle


@dataclass(frozen=True)
class AdvocacyConfig:
    """[advocacy]: levels (lowest first), the points' half-life, the brand's accounts."""

    levels: tuple[tuple[str, float], ...] = DEFAULT_LEVELS
    half_life_s: float = DEFAULT_HALF_LIFE_S
    accounts: tuple[tuple[str, str], ...] = ()  # (network, handle): never advocates


def decayed(points: float, age_ms: int, half_life_s: float) -> float:
    """`points` earned `age_ms` ago: halved every half-life."""
    return float(points * 0.5 ** (max(0, age_ms) / (half_life_s * 1000)))


def level_of(points: float, levels: tuple[tuple[str, float], ...]) -> str | None:
    """The highest level reached (levels lowest first); None below the first."""
    reached = [name for name, floor in levels if points >= floor]
    return reached[-1] if reached else None


@dataclass(frozen=True)
class Voice:
    """One author's scored mentions in the window, for social NPS."""

    positive: int
    negative: int
    scored: int
    mean: float  # mean compound of the scored mentions

    @property
    def promoter(self) -> bool:
        return self.positive >= 2 and self.negative == 0

    @property
    def detractor(self) -> bool:
        return self.negative >= 1 and self.mean < -0.05


def nps(promoters: int, detractors: int, authors: int) -> float | None:
    """(promoters − detractors) / authors with a scored mention × 100; unknown with none."""
    return (promoters - detractors) / authors * 100 if authors else None
