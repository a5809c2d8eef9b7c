"""What every dashboard section shares: the settings figures are measured against, the
watch set names, and the small formulas and cell formats used in more than one section.

A section is one module (service/report.py's awareness and team, service/sales.py...)
with `async def section(conn, period, settings, now_ms) -> Section`, listed in
report.SECTIONS; it reads only the rollups and small indexed queries, in the report's
snapshot.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import Any

import aiosqlite

from scrm_tui.core.business_hours import BusinessHours
from scrm_tui.core.config import DEFAULT_RESPONSE_SLA_S, DEFAULT_SLA_S, Config
from scrm_tui.core.figures import Section
from scrm_tui.core.leads import DEFAULT_INTENT, DEFAULT_QUESTIONS, lead_filter
from scrm_tui.core.models import NETWORK_NAMES
from scrm_tui.core.ranges import Range
from scrm_tui.core.terms import words_of
from scrm_tui.service.snooze import local_zone

BRAND = ""  # the watch set of the brand's own terms (competitors have names)


@dataclass(frozen=True)
class Settings:
    """What the figures are measured against, from the config ([team], [escalation])."""

    hours: BusinessHours | None = None  # response times count these hours only
    zone: tzinfo = UTC  # the team's clock, for business hours
    response_sla_s: float = DEFAULT_RESPONSE_SLA_S
    escalation_sla_s: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SLA_S))
    ignore: frozenset[str] = frozenset()  # words that never rise: the watch terms', the brand's
    leads: str = field(default_factory=lambda: lead_filter(DEFAULT_INTENT, DEFAULT_QUESTIONS))

    @classmethod
    def of(cls, config: Config, watch_words: Iterable[str] = ()) -> Settings:
        return cls(
            config.team_hours,
            local_zone(config.timezone),
            config.response_sla_s,
            dict(config.sla_s),
            words_of([*_watch_words(config), *watch_words]),
            lead_filter(config.sales_intent, config.sales_questions, competitor_terms(config)),
        )


def _watch_words(config: Config) -> list[str]:
    from scrm_tui.core.watch import WatchError, parse_watch

    try:
        return [t.text for t in parse_watch(config.watch_terms or "").terms]
    except WatchError:
        return []


def competitor_terms(config: Config) -> list[str]:
    """The words and phrases of every [watch.competitors] set. Read defensively: the
    setting may be absent (then no question names a competitor), a mapping of name to
    terms, or records with `.terms`."""
    from scrm_tui.core.watch import WatchError, parse_watch

    sets: Any = getattr(config, "competitors", None) or getattr(config, "watch_competitors", None)
    if not sets:
        return []
    items = sets.values() if isinstance(sets, Mapping) else sets
    found: list[str] = []
    for item in items:
        source = item if isinstance(item, str) else getattr(item, "terms", None)
        if not isinstance(source, str):
            continue
        try:
            found += [t.text for t in parse_watch(source).terms if t.kind == "word"]
        except WatchError:
            continue
    return found


SectionBuilder = Callable[[aiosqlite.Connection, Range, Settings, int], Awaitable[Section]]
"""(the report's reader, in its snapshot; the range; the settings; "now" in ms)"""


def net_sentiment(pos: int, neg: int) -> float | None:
    """(positive − negative) / (positive + negative) × 100; unknown with neither."""
    return (pos - neg) / (pos + neg) * 100 if pos + neg else None


def label(channel: str) -> str:
    return NETWORK_NAMES.get(channel, channel)


def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.0f}".replace("-", "−")


def by(key: str, value: str, where: str) -> str | None:
    """`where key:value`, the value quoted where the filter language needs it; None for
    a value it cannot hold (a `"` in an RSS author's name): that row opens nothing
    rather than the wrong mentions."""
    if '"' in value or not value.strip():
        return None
    quoted = f'"{value}"' if any(c in value for c in " ():") else value
    return f"{where} {key}:{quoted}"


def percentile(values: list[float], p: float) -> float | None:
    """Nearest rank: the smallest value with at least p% of them at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]
