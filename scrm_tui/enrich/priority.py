"""Priority 0-100 of a mention: who wrote it, what it says, which customer, how long ago.

P at posting is the sum of what each input earns, up to its weight in points (the
`[priority]` settings, core/priority.py): the author's reach, how negative the post
is, whether it asks something, and the customer's tier and lifetime value. It then
falls by `recency` points a day. The mention's own part is computed here at ingest;
the customer's part is computed by the database (step 13's view), so that linking an
author or changing a tier re-scores without reading texts. `customer_part` below is
the same formula, to explain a score.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from scrm_tui.core import networks
from scrm_tui.core.priority import PriorityWeights, now_priority

# Followers at which an author's reach earns all its points, per network (its record's
# reach_full): a log scale, so 100 followers earn half of what 10,000 do on Mastodon.
FOLLOWERS_FULL: Mapping[str, int] = networks.TableView(
    "reach_full", lambda: {n.name: n.reach_full for n in networks.all_networks()}
)
# Where a network says how a post did rather than who follows its author (HN points,
# a Reddit score at the time it was fetched), on the same scale (points_full).
POINTS_FULL: Mapping[str, int] = networks.TableView(
    "points_full",
    lambda: {n.name: n.points_full for n in networks.all_networks() if n.points_full},
)
_LINK = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
# Question marks of the scripts the demo speaks (and Spanish's opening one).
_ASKS = re.compile(r"[?？؟¿⸮]")


def _log_share(count: int | None, full: int) -> float:
    if count is None or count <= 0:
        return 0.0
    return min(1.0, math.log10(1 + count) / math.log10(1 + full))


def reach_share(channel: str, followers: int | None, points: int | None) -> float:
    """0-1: followers on the network's log scale, or the post's points where larger."""
    by_followers = _log_share(followers, FOLLOWERS_FULL.get(channel, 10_000))
    by_points = _log_share(points, POINTS_FULL[channel]) if channel in POINTS_FULL else 0.0
    return max(by_followers, by_points)


def is_question(text: str) -> bool:
    """The post asks something: a question mark outside its links (`?q=` is not one)."""
    # Most posts have no question mark at all: no need to take their links out.
    return _ASKS.search(text) is not None and _ASKS.search(_LINK.sub(" ", text)) is not None


def negativity(compound: float | None) -> float:
    """0-1: how negative VADER found it; neutral, positive and unscored posts (None: no
    scorer reads their language) earn nothing."""
    return 0.0 if compound is None else min(max(-compound, 0.0), 1.0)


def own_part(
    channel: str,
    text: str,
    compound: float | None,
    followers: int | None,
    points: int | None,
    weights: PriorityWeights,
) -> float:
    """The points a mention earns by itself (stored as mentions.priority_base)."""
    return (
        weights.reach * reach_share(channel, followers, points)
        + weights.negative * negativity(compound)
        + weights.question * (1.0 if is_question(text) else 0.0)
    )


def value_share(lifetime_value: float | None, weights: PriorityWeights) -> float:
    value = max(lifetime_value or 0.0, 0.0)
    return value / (value + weights.value_half)


def customer_part(
    is_customer: bool, tier: str | None, lifetime_value: float | None, weights: PriorityWeights
) -> float:
    """The points a mention earns from its author's customer (0 for no customer)."""
    if not is_customer:
        return 0.0
    return weights.tier * weights.tier_share(tier) + weights.value * value_share(
        lifetime_value, weights
    )


@dataclass(frozen=True)
class Inputs:
    """What a priority is computed from, as the reading pane has it."""

    channel: str
    text: str
    compound: float | None
    followers: int | None
    points: int | None
    is_customer: bool
    tier: str | None
    lifetime_value: float | None
    created_ms: int


def _count(n: float) -> str:
    """12k, 1.2M, 950: how many, at a glance."""
    for size, unit in ((1e6, "M"), (1e3, "k")):
        if n >= size:
            shown = f"{n / size:.1f}".removesuffix(".0") if n < 10 * size else f"{n / size:.0f}"
            return shown + unit
    return f"{n:.0f}"


def reasons(inputs: Inputs, weights: PriorityWeights, now_ms: int) -> list[str]:
    """What raised a priority, always in one order (who, how they feel, what they ask,
    how far they reach), then what age took off."""
    parts: list[tuple[float, str]] = []
    if inputs.is_customer:
        tier = (inputs.tier or "").strip()
        parts.append(
            (weights.tier * weights.tier_share(tier), f"{tier} customer" if tier else "customer")
        )
    sad = negativity(inputs.compound)
    if sad > 0:
        parts.append((weights.negative * sad, "very negative" if sad >= 0.5 else "negative"))
    if is_question(inputs.text):
        parts.append((weights.question, "question"))
    followers = _log_share(inputs.followers, FOLLOWERS_FULL.get(inputs.channel, 10_000))
    points = reach_share(inputs.channel, None, inputs.points)
    if points > followers:
        parts.append((weights.reach * points, f"{_count(inputs.points or 0)} points"))
    elif followers > 0:
        parts.append((weights.reach * followers, f"{_count(inputs.followers or 0)} followers"))
    if inputs.is_customer and inputs.lifetime_value:
        parts.append(
            (
                weights.value * value_share(inputs.lifetime_value, weights),
                f"{_count(inputs.lifetime_value)} lifetime value",
            )
        )
    said = [text for points_earned, text in parts if points_earned > 0]
    days = (now_ms - inputs.created_ms) / 86_400_000
    lost = round(days * weights.recency)
    if lost >= 1:
        age = f"{days:.0f}d" if days >= 1 else f"{days * 24:.0f}h"
        said.append(f"{age} old (−{lost})")
    return said


def explain(p0: int | None, inputs: Inputs, weights: PriorityWeights, now_ms: int) -> str:
    """`P87: enterprise customer · negative · question · 12k followers`."""
    shown = now_priority(p0, inputs.created_ms, now_ms, weights.ms_per_point)
    if shown is None:
        return "P –: not scored yet (scored in the background after an upgrade)"
    said = reasons(inputs, weights, now_ms)
    return f"P{shown}: " + (" · ".join(said) if said else "nothing raises it")
