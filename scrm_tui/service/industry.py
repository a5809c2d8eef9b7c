"""The industry section: the brand's share of voice against its competitors, their mood,
and the switching opportunities (a competitor's unhappy customers and open questions).

Everything but the switching opportunities comes from the hourly rollups, which keep
each watch set apart (mentions.watch_set: NULL the brand, else a competitor's key).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scrm_tui.core.figures import Figure, Row, Section, Table
from scrm_tui.core.ranges import Range
from scrm_tui.core.terms import filter_for, words_of
from scrm_tui.service import rising
from scrm_tui.service.measures import (
    BRAND,
    BRAND_FILTER,
    Settings,
    Totals,
    mood_inputs,
    net_sentiment,
    signed,
)
from scrm_tui.store import industry as store
from scrm_tui.store import rollups
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database

SWITCHING = "(s:neg OR is:question)"
RISING = 5  # rising words shown per competitor
RISING_KEY = "industry.rising_complaints"
_Where = Callable[[str], str]  # a watch set's key -> the filter for its mentions in the range


@dataclass
class _Voice(Totals):
    """One watch set over one period: its mentions, their moods and its reach."""

    followers: int = 0  # Σ followers of its distinct authors (where the network says)


async def _voice(conn: Connection, watch_set: str, period: Range) -> _Voice:
    reach = await rollups.reach(conn, watch_set, period.start_ms, period.end_ms)
    return _Voice(
        *await store.moods(conn, watch_set, period.start_ms, period.end_ms),
        followers=sum(r.followers for r in reach),
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole * 100 if whole else None


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def watch_value(key: str) -> str:
    """A watch set as `watch:` takes it: `brand`, `harrier`, `"big bird"`."""
    return f'"{key}"' if any(c.isspace() or c in "()" for c in key) else key


async def section(conn: Connection, period: Range, settings: Settings, now_ms: int) -> Section:
    """Share of voice (mentions, reach, moods), each competitor's net sentiment against
    the period before, and its negative mentions and questions to answer."""
    before = period.previous()
    keys, label = await _watched(conn, period, settings)
    sets = [BRAND, *keys]
    now = {s: await _voice(conn, s, period) for s in sets}
    old = {s: await _voice(conn, s, before) for s in sets}

    def where(key: str) -> str:
        return period.filter(BRAND_FILTER if key == BRAND else watch_value(key))

    def shares(of: str, values: dict[str, _Voice]) -> float | None:
        return _share(getattr(values[BRAND], of), sum(getattr(v, of) for v in values.values()))

    def each(of: str) -> tuple[tuple[str, str], ...]:
        return tuple((label[s], f"{getattr(now[s], of):,}") for s in sets)

    if not keys:
        return Section(
            "industry",
            "The industry",
            (
                Figure(
                    "industry.share_of_voice",
                    "Share of voice",
                    None,
                    formula="the brand's mentions / everyone's × 100: no competitor is "
                    'watched; name them in [watch.competitors] (harrier = "harrier OR '
                    '#harrierapp")',
                ),
            ),
        )
    figures = [
        Figure(
            "industry.share_of_voice",
            "Share of voice",
            shares("n", now),
            shares("n", old),
            unit="%",
            formula="the brand's mentions / the mentions of the brand and every competitor × 100",
            inputs=each("n"),
            filter=where(BRAND),
            note="a post naming the brand and a competitor is the brand's",
        ),
        Figure(
            "industry.voice_by_reach",
            "Voice by reach",
            shares("followers", now),
            shares("followers", old),
            unit="%",
            formula="Σ followers of the brand's distinct authors / the same Σ for the brand "
            "and every competitor × 100 (an author heard in two watch sets counts in both)",
            inputs=each("followers"),
            filter=where(BRAND),
            estimated=True,
            note="networks without follower counts (Hacker News, RSS) are not in it",
        ),
        *(
            Figure(
                f"industry.share_of_{mood}",
                f"Share of {mood}",
                shares(column, now),
                shares(column, old),
                unit="%",
                formula=f"the brand's {mood} mentions / everyone's {mood} mentions × 100 "
                "(unscored mentions, a language no scorer reads, are in no mood figure)",
                inputs=each(column),
                filter=f"{where(BRAND)} s:{column}",
            )
            for column, mood in (("pos", "positive"), ("neg", "negative"))
        ),
    ]
    for key in keys:
        mood, was = now[key], old[key]
        figures.append(
            Figure(
                f"industry.net_sentiment.{key}",
                f"Net: {label[key]}",
                net_sentiment(mood.pos, mood.neg),
                net_sentiment(was.pos, was.neg),
                formula=f"{label[key]}'s (positive − negative) / (positive + negative) × 100",
                signed=True,
                inputs=(
                    *mood_inputs(mood),
                    ("before: positive, negative", f"{was.pos:,}, {was.neg:,}"),
                ),
                filter=f"{where(key)} s:pos,neg",
            )
        )
    chances = {k: await store.openings(conn, k, period.start_ms, period.end_ms) for k in keys}
    were = {k: await store.openings(conn, k, before.start_ms, before.end_ms) for k in keys}
    figures.append(
        Figure(
            "industry.switching",
            "Switching chances",
            sum(c.either for c in chances.values()),
            sum(c.either for c in were.values()),
            formula="competitors' mentions that are negative or ask a question (each "
            "counted once): people who may be ready to switch; a question has a ? (or ？ ؟) "
            "that no letter, digit or link query follows",
            inputs=tuple(
                (label[k], f"{c.negative:,} negative, {c.questions:,} questions")
                for k, c in chances.items()
            ),
            filter=f"{period.filter()} -watch:{BRAND_FILTER} {SWITCHING}",
        )
    )
    return Section(
        "industry",
        "The industry",
        tuple(figures),
        (),
        (
            _share_table(sets, label, now, where),
            _mood_table(sets, label, now, old, where),
            Table(
                "industry.switching",
                "Switching opportunities",
                ("competitor", "negative", "questions", "either"),
                tuple(
                    Row(
                        (
                            label[k],
                            f"{c.negative:,}",
                            f"{c.questions:,}",
                            f"{c.either:,}",
                        ),
                        f"{where(k)} {SWITCHING}",
                    )
                    for k, c in chances.items()
                ),
                note="Enter opens a competitor's negative mentions and questions: answer "
                "them, or pass them to sales",
            ),
        ),
    )


async def _watched(
    conn: Connection, period: Range, settings: Settings
) -> tuple[list[str], dict[str, str]]:
    """The competitors to show (the config's, in its order, then any other with mentions
    in the range or the one before) and each watch set's name as shown."""
    names = dict(settings.competitors)
    found = await store.watch_sets(conn, period.previous().start_ms, period.end_ms)
    keys = [*names, *(k for k in found if k not in names)]
    return keys, {BRAND: "brand", **{k: names.get(k, k) for k in keys}}


async def rising_complaints(
    db: Database, period: Range, settings: Settings, progress: rising.Progress | None = None
) -> Table | None:
    """The words rising most in each competitor's negative mentions (service/rising.py),
    each opening exactly the negative mentions of that competitor that hold it; None
    without competitors. Counted after the figures, as the brand's rising terms are."""
    keys, label = await _watched(db.reader, period, settings)
    if not keys:
        return None
    rows = []
    for key in keys:
        where = period.filter(watch_value(key))
        ignore = settings.ignore | settings.rival_words | words_of([key])
        for r in await rising.rising_negative(db, key, period, ignore, progress, RISING):
            rows.append(
                Row(
                    (
                        label[key],
                        r.term,
                        f"{r.count:,}",
                        f"{r.ratio:.1f}×",
                        " ".join(r.example.split())[:50],
                    ),
                    f"{where} s:neg {filter_for(r.term)}",
                )
            )
    return Table(
        RISING_KEY,
        "Rising in competitors' complaints",
        ("competitor", "word", "mentions", "burst", "example"),
        tuple(rows),
        note=f"burst as in the rising terms, over each competitor's negative mentions only "
        f"(at least {rising.MIN_COUNT}), each word in more than half of the competitor's "
        "mentions holding it; their own terms' words are left out",
    )


def _share_table(
    sets: Sequence[str], label: dict[str, str], now: dict[str, _Voice], where: _Where
) -> Table:
    mentions = sum(v.n for v in now.values())
    reach = sum(v.followers for v in now.values())
    return Table(
        "industry.share",
        "Share of voice",
        ("watch set", "mentions", "share", "reach (est.)", "share"),
        tuple(
            Row(
                (
                    label[s],
                    f"{now[s].n:,}",
                    _percent(_share(now[s].n, mentions)),
                    f"{now[s].followers:,}",
                    _percent(_share(now[s].followers, reach)),
                ),
                where(s),
            )
            for s in sets
        ),
        note="reach: Σ followers of the distinct authors, an estimate",
    )


def _mood_table(
    sets: Sequence[str],
    label: dict[str, str],
    now: dict[str, _Voice],
    old: dict[str, _Voice],
    where: _Where,
) -> Table:
    positive = sum(v.pos for v in now.values())
    negative = sum(v.neg for v in now.values())
    return Table(
        "industry.mood",
        "Mood by watch set",
        ("watch set", "positive", "share", "negative", "share", "net", "before"),
        tuple(
            Row(
                (
                    label[s],
                    f"{now[s].pos:,}",
                    _percent(_share(now[s].pos, positive)),
                    f"{now[s].neg:,}",
                    _percent(_share(now[s].neg, negative)),
                    signed(net_sentiment(now[s].pos, now[s].neg)),
                    signed(net_sentiment(old[s].pos, old[s].neg)),
                ),
                f"{where(s)} s:pos,neg",
            )
            for s in sets
        ),
        note="net = (positive − negative) / (positive + negative) × 100; neutral and "
        "unscored mentions are in neither",
    )
