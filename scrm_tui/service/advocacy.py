"""The dashboard's Advocacy section (points, levels, leaderboard, social NPS, rewards)
and the actions behind it: recording a reward (`w`), approving an advocate, the ledger.

Points and NPS look back WINDOW_DAYS from the range's end, over the brand's own
mentions: each author's voice from the standing kept in the database (store/standing.py,
or every mention of the window when it cannot serve), the recommendations through the
search index, and the replies through their own index.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrm_tui.core import advocacy as rules
from scrm_tui.core.figures import Figure, Row, Section, Table
from scrm_tui.core.ranges import Range
from scrm_tui.service.measures import Settings, label
from scrm_tui.store import advocacy as store
from scrm_tui.store import standing as kept
from scrm_tui.store.advocacy import Reward as Reward  # the ledger's rows, for the UI
from scrm_tui.store.conn import Connection

REWARD_KINDS = rules.REWARD_KINDS

if TYPE_CHECKING:
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.store.db import Database

LEADERS = 15  # rows of the leaderboard
LEDGER = 500  # rewards the ledger lists (it says how many it leaves out)


@dataclass
class Advocate:
    author_id: int
    points: float = 0.0
    last_ms: int = 0
    kinds: dict[str, int] = field(default_factory=dict)  # mentions by the kind they earned


@dataclass(frozen=True)
class Standing:
    """Everyone's points and voice over the window ending at `end_ms`."""

    window: Range
    advocates: dict[int, Advocate]
    who: dict[int, store.Who]
    approved: set[int]
    voices: int  # authors with a scored mention
    promoters: tuple[int, ...]  # their distinct customers (none unless asked for)
    detractors: tuple[int, ...]
    promoter_count: int
    detractor_count: int
    kept: bool  # read from the standing kept in the database, not from every mention

    def counts(self, author_id: int) -> bool:
        """Counted without asking: a confirmed link, or an agent's approval."""
        found = self.who.get(author_id)
        return author_id in self.approved or (found is not None and found.confirmed)


def _window(end_ms: int) -> tuple[int, int]:
    return end_ms - rules.WINDOW_DAYS * rules.DAY_MS, end_ms


def _read_in_full(
    voices: dict[int, store.Voice], floor: float, brand: set[int], wanted: dict[int, float]
) -> kept.Tally:
    """A window's tally from every one of its voices (read from the mentions: the
    slots keep another half-life, or none is near the window)."""
    promoters: dict[int, int | None] = {}  # author: customer
    detractors: dict[int, int | None] = {}
    candidates: dict[int, kept.State] = {}
    for a, v in voices.items():
        if a in brand:
            continue
        judged = rules.Voice(v.positive, v.negative, v.scored, v.mean)
        if judged.promoter:
            promoters[a] = v.customer_id
        elif judged.detractor:
            detractors[a] = v.customer_id
        if v.positive_points + wanted.get(a, 0.0) >= floor:
            candidates[a] = kept.State(
                v.positive, v.negative, v.scored, 0, v.positive_points, v.customer_id
            )
    voiced = sum(1 for a in voices if a not in brand)
    return kept.Tally(
        voiced,
        len(promoters),
        len(detractors),
        _customers(list(promoters.values()))[0],
        _customers(list(detractors.values()))[0],
        candidates,
        1.0,
        False,
    )


async def standings(
    conn: Connection, ends: list[int], settings: Settings, lists: tuple[bool, ...]
) -> list[Standing]:
    """The standing at each of `ends` (`lists`: with the promoters' and detractors'
    customers): from the slots kept in the database (store/standing.py), or, for the
    windows none is near, from their mentions, read in one pass."""
    config = settings.advocacy
    half_ms = config.half_life_s * 1000
    floor = config.levels[0][1]
    brand = await store.author_ids(conn, settings.accounts)
    windows = [_window(end) for end in ends]
    earned = await store.earnings(conn, windows, brand, half_ms)
    wanted = [found.points for found in earned]
    tallies = [
        await kept.tally(
            conn, _window(end), half_ms, floor=floor, left_out=brand, wanted=w, lists=listed
        )
        for end, w, listed in zip(ends, wanted, lists, strict=True)
    ]
    missing = [k for k, t in enumerate(tallies) if t is None]
    if missing:
        read = await store.voices(conn, [_window(ends[k]) for k in missing], half_ms)
        for k, voices in zip(missing, read, strict=True):
            tallies[k] = _read_in_full(voices, floor, brand, wanted[k])
    return [
        await _standing(conn, end, settings, t, e, brand, listed)
        for end, t, e, listed in zip(ends, tallies, earned, lists, strict=True)
        if t is not None
    ]


async def standing(conn: Connection, end_ms: int, settings: Settings) -> Standing:
    """Everyone's points and voice over the WINDOW_DAYS to `end_ms`."""
    [found] = await standings(conn, [end_ms], settings, (True,))
    return found


async def _standing(
    conn: Connection,
    end_ms: int,
    settings: Settings,
    tally: kept.Tally,
    earned: store.Earnings,
    brand: set[int],
    detailed: bool,
) -> Standing:
    config = settings.advocacy
    floor = config.levels[0][1]
    window = _window(end_ms)
    ranked: list[Advocate] = []
    # The candidates hold every author who can reach the floor with a voice; one who
    # earned it by answers alone (no scored mention left in the window) is added.
    alone = (a for a, x in earned.points.items() if x >= floor and a not in tally.candidates)
    for a in [*tally.candidates, *alone]:
        state = tally.candidates.get(a)
        points = (state.points * tally.points_at if state else 0.0) + earned.points.get(a, 0.0)
        if points >= floor:
            ranked.append(Advocate(a, points, 0, {"positive": state.pos if state else 0}))
    if detailed:  # what their points are made of, for `?`
        made = await store.kinds(conn, earned, [a.author_id for a in ranked], brand)
        for advocate in ranked:
            more = made[advocate.author_id]  # a positive mention that earned more is not one
            advocate.kinds["positive"] -= more.taken_back
            advocate.kinds["recommendation"] = more.recommendations
            advocate.kinds["answer"] = more.answers
            advocate.kinds["thanked answer"] = more.thanked
    who = await store.who(conn, {a.author_id for a in ranked})
    return Standing(
        Range(*window, f"{rules.WINDOW_DAYS}d"),
        {a.author_id: a for a in ranked},
        who,
        await store.approved(conn),
        tally.voices,
        tally.promoter_customers or (),
        tally.detractor_customers or (),
        tally.promoters,
        tally.detractors,
        tally.kept,
    )


def _customers(linked: list[int | None]) -> tuple[tuple[int, ...], int]:
    """The distinct customers of these authors, and how many authors have none."""
    ids = tuple(sorted({c for c in linked if c is not None}))
    return ids, sum(c is None for c in linked)


def _nps(s: Standing) -> float | None:
    return rules.nps(s.promoter_count, s.detractor_count, s.voices)


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d")


async def section(conn: Connection, period: Range, settings: Settings, now_ms: int) -> Section:
    config = settings.advocacy
    now, old = await standings(conn, [period.end_ms, period.start_ms], settings, (True, False))
    levels = config.levels
    half = f"{config.half_life_s / 86400:g} days"
    counted = [a for a in now.advocates if now.counts(a)]
    awaiting = [a for a in now.advocates if not now.counts(a)]
    by_level = {name: 0 for name, _ in levels}
    for a in counted:
        by_level[rules.level_of(now.advocates[a].points, levels) or levels[0][0]] += 1
    advocate_ids, unlinked = _customers(
        [found.customer_id if (found := now.who.get(a)) else None for a in counted]
    )
    promoter_ids, detractor_ids = now.promoters, now.detractors
    window = f"the {rules.WINDOW_DAYS} days to {_day(period.end_ms)}"
    points_formula = (
        f"authors with at least {levels[0][1]:g} points over {window}; a mention earns its "
        f"best kind: positive {rules.POSITIVE}, a recommendation {rules.RECOMMENDATION}, a "
        f"reply answering another person's question or complaint {rules.ANSWER}, "
        f"{rules.THANKED} when that person replies positively to it; each halved every "
        f"{half} of age (half-life). Only a confirmed customer link, or an agent's "
        "approval, counts them"
    )
    rewards_now = await store.rewards_between(conn, period.start_ms, period.end_ms)
    before = period.previous()
    rewards_old = await store.rewards_between(conn, before.start_ms, before.end_ms)
    nps_inputs = (
        ("promoters", f"{now.promoter_count:,}"),
        ("detractors", f"{now.detractor_count:,}"),
        ("authors with a scored mention", f"{now.voices:,}"),
    )
    figures = (
        Figure(
            "advocacy.advocates",
            "Advocates",
            len(counted),
            sum(1 for a in old.advocates if old.counts(a)),
            formula=points_formula,
            inputs=(
                *((f"{name} (≥ {floor:g})", f"{by_level[name]:,}") for name, floor in levels),
                ("awaiting approval (not in it)", f"{len(awaiting):,}"),
                *(
                    (
                        f"their {kind} mentions",
                        f"{sum(now.advocates[a].kinds.get(kind, 0) for a in counted):,}",
                    )
                    for kind in ("positive", "recommendation", "answer", "thanked answer")
                ),
                ("half-life", half),
                (
                    "read from",
                    "each author's standing, kept in the database as mentions arrive"
                    if now.kept and old.kept
                    else "every mention of the 90 days (slower): the standing is kept for a "
                    f"{kept.KEPT_HALF_LIFE_DAYS}-day half-life, and for windows within "
                    f"{kept.MAX_SPAN_MS // rules.DAY_MS} days of the presets' ends",
                ),
            ),
            customers=advocate_ids,
            note=f"{unlinked:,} approved without a customer: on the leaderboard"
            if unlinked
            else "",
        ),
        Figure(
            "advocacy.nps",
            "Social NPS",
            _nps(now),
            _nps(old),
            signed=True,
            formula=f"(promoters − detractors) / authors with a scored mention × 100 over "
            f"{window}. Promoters: at least two positive mentions and no negative one; "
            "detractors: a negative one and a mean score below −0.05. Unscored mentions "
            "count in neither; the brand's own accounts and RSS feeds are left out",
            inputs=nps_inputs,
            filter=f"{now.window.filter()} s:pos,neu,neg",
        ),
        _people(
            "advocacy.promoters", "Promoters", now.promoter_count, old.promoter_count, promoter_ids
        ),
        _people(
            "advocacy.detractors",
            "Detractors",
            now.detractor_count,
            old.detractor_count,
            detractor_ids,
        ),
        Figure(
            "advocacy.rewards",
            "Rewards given",
            rewards_now,
            rewards_old,
            formula="rewards recorded (`w`) in the range; Enter opens the ledger of all",
            screen="rewards",
        ),
    )
    leaders = sorted(now.advocates.values(), key=lambda a: (-a.points, a.author_id))[:LEADERS]
    # Each shown one's newest mention, read for them alone (not for every candidate).
    last = await kept.last_mentions(
        conn, [a.author_id for a in leaders], (now.window.start_ms, now.window.end_ms)
    )
    for leader in leaders:
        leader.last_ms = last.get(leader.author_id, 0)
    table = Table(
        "advocacy.leaders",
        "Advocates by points",
        ("author / customer", "network", "points", "level", "last", "approval"),
        tuple(_leader(now, a, levels) for a in leaders),
        note=f"{len(now.advocates):,} with at least {levels[0][1]:g} points; "
        "'awaiting': no confirmed customer link, `a` approves; 'approved': `a` again takes it back"
        + (f"; the first {LEADERS} shown" if len(now.advocates) > LEADERS else ""),
    )
    return Section("advocacy", "Advocacy", figures, (), (table,))


def _people(key: str, name: str, authors: int, before: int, customers: tuple[int, ...]) -> Figure:
    apart = authors - len(customers)
    return Figure(
        key,
        name,
        authors,
        before,
        formula=f"{name.lower()} of the social NPS (its ? says who they are); Enter opens "
        "their customers",
        customers=customers,
        note=f"{apart:,} not linked to a customer are not in the list" if apart > 0 else "",
    )


def _leader(now: Standing, a: Advocate, levels: tuple[tuple[str, float], ...]) -> Row:
    """A counted author linked to a customer is shown by the customer's name."""
    who = now.who.get(a.author_id)
    counts = now.counts(a.author_id)
    # Counted on an agent's word alone: `a` can take it back.
    by_agent = a.author_id in now.approved and not (who is not None and who.confirmed)
    name = (who.name or who.handle) if who else f"#{a.author_id}"
    if who is not None and counts and who.customer:
        name = who.customer
    return Row(
        (
            _short(name),
            label(who.channel) if who else "",
            _points(a.points),
            rules.level_of(a.points, levels) or "",
            datetime.fromtimestamp(a.last_ms / 1000, UTC).strftime("%d %b") if a.last_ms else "—",
            "approved" if by_agent else "" if counts else "awaiting",
        ),
        f"author:{a.author_id}",
        approve=None if counts else a.author_id,
        approved=a.author_id if by_agent else None,
    )


def _points(points: float) -> str:
    """Cut, not rounded, to a tenth: 49.98 is no champion and reads 49.9, not 50.0."""
    return f"{math.floor(points * 10) / 10:,.1f}"


def _short(name: str, width: int = 20) -> str:
    """A long name cut, so the table reads at 80 columns (the row opens the full one)."""
    name = " ".join(name.split())
    return name if len(name) <= width else name[: width - 1] + "…"


# ------------------------------------------------------------------ actions


async def record_reward(
    inbox: Inbox,
    kind: str,
    note: str,
    *,
    customer_id: int | None = None,
    author_id: int | None = None,
) -> None:
    """A reward given to a customer or an author, in their history with the agent."""
    if kind not in rules.REWARD_KINDS:
        raise ValueError(f"unknown reward kind {kind!r} (one of {', '.join(rules.REWARD_KINDS)})")
    async with inbox.db.transaction() as conn:
        await store.record_reward(
            conn,
            kind=kind,
            note=note,
            agent=inbox.agent,
            now_ms=inbox.now_ms(),
            customer_id=customer_id,
            author_id=author_id,
        )


async def approve(inbox: Inbox, author_id: int, approved: bool = True) -> None:
    """Count this author's points although their link is not confirmed, or
    (`approved=False`) stop counting them; recorded in their history either way."""
    async with inbox.db.transaction() as conn:
        await store.approve(conn, author_id, inbox.agent, inbox.now_ms(), approved=approved)


async def keep_up(db: Database, now_ms: int) -> int:
    """Move the standing kept in the database along with time (store/standing.py), in
    a write of its own that wakes no inbox: for a quiet database, whose mentions' writes
    would otherwise be the only ones to move it. How many of its windows moved."""
    async with db.transaction(wakes=False) as conn:
        return await kept.keep_up(conn, now_ms)


async def ledger(inbox: Inbox, limit: int | None = None) -> tuple[list[Reward], int]:
    """The newest rewards first (LEDGER of them by default), and how many in all."""
    return await store.rewards(inbox.db.reader, LEDGER if limit is None else limit)
