"""What every dashboard section shares: the settings figures are measured against, the
watch set names, and the small formulas and cell formats used in more than one section.

A section is one module (service/awareness.py, team_report.py, sales.py...)
with `async def section(conn, period, settings, now_ms) -> Section`, listed in
report.SECTIONS; it reads only the rollups and small indexed queries, in the report's
snapshot.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from scrm_tui.core import networks
from scrm_tui.core.advocacy import AdvocacyConfig
from scrm_tui.core.business_hours import BusinessHours
from scrm_tui.core.config import BRAND_SET, DEFAULT_RESPONSE_SLA_S, DEFAULT_SLA_S, Config
from scrm_tui.core.figures import Section
from scrm_tui.core.leads import DEFAULT_INTENT, DEFAULT_QUESTIONS, lead_filter
from scrm_tui.core.models import NETWORK_NAMES
from scrm_tui.core.ranges import Range
from scrm_tui.core.terms import words_of
from scrm_tui.service.snooze import local_zone
from scrm_tui.store import rollups
from scrm_tui.store.conn import Connection

BRAND = ""  # the watch set of the brand's own terms (competitors have names)
# What a brand figure's filter names, so that it opens the brand's mentions only, never
# a competitor's (Range.filter(BRAND_FILTER)).
BRAND_FILTER = BRAND_SET


@dataclass(frozen=True)
class Settings:
    """What the figures are measured against, from the config ([team], [escalation])."""

    hours: BusinessHours | None = None  # response times count these hours only
    zone: tzinfo = UTC  # the team's clock, for business hours
    response_sla_s: float = DEFAULT_RESPONSE_SLA_S
    escalation_sla_s: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SLA_S))
    ignore: frozenset[str] = frozenset()  # words that never rise: the watch terms', the brand's
    # [watch.competitors]: (key, name as written), in the config's order, and the words
    # of their terms, which never rise in their own mentions.
    competitors: tuple[tuple[str, str], ...] = ()
    rival_words: frozenset[str] = frozenset()
    advocacy: AdvocacyConfig = field(default_factory=AdvocacyConfig)
    accounts: frozenset[tuple[str, str]] = frozenset()  # the brand's own (network, handle)
    leads: str = field(default_factory=lambda: lead_filter(DEFAULT_INTENT, DEFAULT_QUESTIONS))

    @classmethod
    def of(
        cls,
        config: Config,
        watch_words: Iterable[str] = (),
        accounts: Iterable[tuple[str, str]] = (),
    ) -> Settings:
        return cls(
            config.team_hours,
            local_zone(config.timezone),
            config.response_sla_s,
            dict(config.sla_s),
            words_of([*_watch_words(config), *watch_words]),
            tuple((c.key, c.name) for c in config.competitors),
            words_of([w for c in config.competitors for w in _terms_words(c.terms)]),
            config.advocacy,
            frozenset([*_own_accounts(config), *accounts]),
            lead_filter(config.sales_intent, config.sales_questions, competitor_terms(config)),
        )


def _own_accounts(config: Config) -> list[tuple[str, str]]:
    """The brand's accounts: [advocacy] accounts, and those it replies with."""
    found = list(config.advocacy.accounts)
    for net in networks.all_networks():
        network, key = net.name, net.own_handle
        if key is None:
            continue
        handle = config.networks.get(network, {}).get(key)
        if isinstance(handle, str) and handle:
            found.append((network, handle))
    return found


def _watch_words(config: Config) -> list[str]:
    return _terms_words(config.watch_terms or "")


def _terms_words(terms: str) -> list[str]:
    from scrm_tui.core.watch import WatchError, parse_watch

    try:
        return [t.text for t in parse_watch(terms).terms]
    except WatchError:
        return []


@dataclass
class Totals:
    """The hourly cells of a group (a range, a network, a watch set) added up: its
    mentions, their moods (an unscored one in no mood) and their points."""

    n: int = 0
    pos: int = 0
    neu: int = 0
    neg: int = 0
    unscored: int = 0
    points: int = 0

    def add(self, cell: rollups.HourCell) -> None:
        self.n += cell.n
        self.pos += cell.pos
        self.neu += cell.neu
        self.neg += cell.neg
        self.unscored += cell.unscored
        self.points += cell.points


def mood_inputs(totals: Totals) -> tuple[tuple[str, str], ...]:
    """What a net sentiment is made of, as `?` shows it: what is in it and what is not."""
    return (
        ("positive", f"{totals.pos:,}"),
        ("negative", f"{totals.neg:,}"),
        ("neutral (not in it)", f"{totals.neu:,}"),
        ("unscored (not in it)", f"{totals.unscored:,}"),
    )


def competitor_terms(config: Config) -> list[str]:
    """The words and phrases of every [watch.competitors] set (a question naming one
    is a lead)."""
    from scrm_tui.core.watch import WatchError, parse_watch

    found: list[str] = []
    for competitor in config.competitors:
        try:
            found += [t.text for t in parse_watch(competitor.terms).terms if t.kind == "word"]
        except WatchError:  # the config check has said so
            continue
    return found


SectionBuilder = Callable[[Connection, Range, Settings, int], Awaitable[Section]]
"""(the report's reader, in its snapshot; the range; the settings; "now" in ms)"""


@dataclass(frozen=True)
class Preview:
    """A section's cheap figures, painted while the rest of it is read: the figures
    whose keys are `pending` and the tables named in `tables_pending` are still being
    counted (shown as such, never as a number). The whole section follows."""

    section: Section
    pending: frozenset[str]
    tables_pending: tuple[str, ...] = ()


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
