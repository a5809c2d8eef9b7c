"""Advocacy's standing: each author's scored brand mentions over 90 days, kept in the
database (schema step 39) for five window ends, so a report reads only what changed.

The slots hold the windows ending at the next whole hour and that hour less 24 h, 7 d,
30 d and 90 d: the two ends of every preset range. Triggers keep each slot's rows and its
counts (voices, promoters, detractors) as mentions are stored, re-scored, moved or
deleted; `keep_up` moves the slots along as time passes (the ingest transaction does, once
an hour). A window a slot does not hold exactly is read as that slot plus or minus the
mentions between the two (`difference`): exact whatever the slots' age, and cheap while
they are close.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from scrm_tui.core.advocacy import DAY_MS, WINDOW_DAYS
from scrm_tui.store import history
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all, fetch_one

HOUR_MS = 3_600_000
WINDOW_MS = WINDOW_DAYS * DAY_MS
KEPT_HALF_LIFE_DAYS = 30  # what schema step 39 keeps: another half-life reads every mention
OPEN = 2**62  # slot 0's end: it has none, whatever arrives is in it
# A window further than this (the mentions to add and take, in time) from every slot is
# read in full: past it, the difference costs about what the full read does.
MAX_SPAN_MS = 30 * DAY_MS

_BRAND = "m.compound IS NOT NULL AND m.watch_set IS NULL AND m.channel != 'rss'"
_PROMOTER = "pos >= 2 AND neg = 0"
_DETRACTOR = "neg >= 1 AND tone < -500 * scored"
_COLUMNS = "author_id, pos, neg, scored, tone, points, customer_id"


@dataclass
class State:
    """One author's scored brand mentions in a window (points: Σ 2^((t − T0)/H))."""

    pos: int = 0
    neg: int = 0
    scored: int = 0
    tone: int = 0  # Σ round(compound × 10⁴)
    points: float = 0.0
    customer_id: int | None = None

    @property
    def promoter(self) -> bool:
        return self.pos >= 2 and self.neg == 0

    @property
    def detractor(self) -> bool:
        return self.neg >= 1 and self.tone < -500 * self.scored

    def add(self, other: State, sign: int) -> None:
        self.pos += sign * other.pos
        self.neg += sign * other.neg
        self.scored += sign * other.scored
        self.tone += sign * other.tone
        # No positive mention left: no points, not a rounding error's worth.
        self.points = self.points + sign * other.points if self.pos else 0.0


class Slot(NamedTuple):
    slot: int
    offset_ms: int
    lo: int
    hi: int
    t0_ms: int
    half_life_ms: float
    voices: int
    promoters: int
    detractors: int


@dataclass
class Tally:
    """A window's voices: how many, its promoters and detractors (and their customers,
    when asked for), and the authors whose positive points reach a floor or who were
    asked for, each with their state."""

    voices: int
    promoters: int
    detractors: int
    promoter_customers: tuple[int, ...] | None  # distinct, in order
    detractor_customers: tuple[int, ...] | None
    candidates: dict[int, State]
    points_at: float  # a state's points × this are its points at the window's end
    kept: bool = True  # from a slot; False: from every mention of the window


def difference(have: tuple[int, int], want: tuple[int, int]) -> list[tuple[int, int, int]]:
    """[lo, hi) ranges with a sign: `want` is `have`, plus the + ranges, less the − ones."""
    return [(lo, hi, 1) for lo, hi in _minus(want, have)] + [
        (lo, hi, -1) for lo, hi in _minus(have, want)
    ]


def _minus(a: tuple[int, int], b: tuple[int, int]) -> list[tuple[int, int]]:
    """The parts of [a) outside [b)."""
    parts = []
    if a[0] < min(a[1], b[0]):
        parts.append((a[0], min(a[1], b[0])))
    if max(a[0], b[1]) < a[1]:
        parts.append((max(a[0], b[1]), a[1]))
    return parts


def _span(ranges: list[tuple[int, int, int]], now: int) -> int:
    """How much time the ranges cover, slot 0's open end counted up to `now` (past it:
    the few mentions dated in the future)."""
    return sum(max(0, min(hi, max(now, lo)) - lo) for lo, hi, _ in ranges)


async def slots(conn: Connection) -> list[Slot]:
    rows = await fetch_all(conn, "SELECT * FROM advocacy_slots ORDER BY slot")
    return [Slot(*row) for row in rows]


async def _changes(
    conn: Connection, ranges: list[tuple[int, int, int]], slot: Slot
) -> dict[int, State]:
    """Each author's mentions in the signed ranges, added up with their signs."""
    found: dict[int, State] = {}
    for lo, hi, sign in ranges:
        rows = await fetch_all(
            conn,
            f"""SELECT m.author_id, sum(m.compound >= 0.05), sum(m.compound <= -0.05), count(*),
                       sum(CAST(round(m.compound * 10000) AS INTEGER)),
                       sum(CASE WHEN m.compound >= 0.05
                           THEN pow(2.0, (m.created_ms - :t0) / :half) ELSE 0.0 END)
                FROM mentions m INDEXED BY mentions_stream
                WHERE m.created_ms >= :lo AND m.created_ms < :hi AND {_BRAND}
                GROUP BY m.author_id""",
            {"lo": lo, "hi": hi, "t0": slot.t0_ms, "half": slot.half_life_ms},
        )
        for author, pos, neg, scored, tone, points in rows:
            state = found.setdefault(int(author), State())
            state.pos += sign * pos
            state.neg += sign * neg
            state.scored += sign * scored
            state.tone += sign * tone
            state.points += sign * points
    return found


async def _states(conn: Connection, slot: int, authors: Iterable[int]) -> dict[int, State]:
    wanted = sorted(authors)
    if not wanted:
        return {}
    rows = await fetch_all(
        conn,
        f"""SELECT {_COLUMNS} FROM advocacy_standing
            WHERE slot = :slot AND author_id IN {history.IDS}""",
        {"slot": slot, "ids": history.ids_param(wanted)},
    )
    return {int(r[0]): State(*r[1:]) for r in rows}


async def _customers_of(conn: Connection, authors: list[int]) -> dict[int, int | None]:
    if not authors:
        return {}
    rows = await fetch_all(
        conn,
        f"SELECT id, customer_id FROM authors WHERE id IN {history.IDS}",
        {"ids": history.ids_param(authors)},
    )
    return {int(a): c for a, c in rows}


async def tally(
    conn: Connection,
    window: tuple[int, int],
    half_life_ms: float,
    *,
    floor: float,
    left_out: set[int],
    wanted: dict[int, float],
    lists: bool,
) -> Tally | None:
    """The window's voices from the nearest slot, without the `left_out` authors (the
    brand's own); None when no slot is near enough, or the slots keep another half-life
    (the caller reads the mentions in full). `floor`: the fewest points a candidate
    has, with what `wanted` says each author earned otherwise (at the window's end);
    `lists`: with the promoters' and detractors' customers."""
    end = window[1]
    kept = [s for s in await slots(conn) if s.half_life_ms == half_life_ms]
    if not kept:
        return None
    ranges, slot = min(
        ((difference((s.lo, s.hi), window), s) for s in kept),
        key=lambda found: _span(found[0], max(end, found[1].lo + WINDOW_MS)),
    )
    # Slot 0 holds what arrived up to where it was last moved (its window's end).
    if _span(ranges, max(end, slot.lo + WINDOW_MS)) > MAX_SPAN_MS:
        return None
    changed = await _changes(conn, ranges, slot)
    # The authors whose standing differs from the slot's: those with mentions between
    # the slot and the window, and the brand's own (never counted).
    touched = set(changed) | left_out
    before = await _states(conn, slot.slot, touched)
    after: dict[int, State] = {}
    for author in touched - left_out:
        state = State(**vars(before.get(author, State())))
        state.add(changed[author], 1)
        if state.scored > 0:
            after[author] = state
    new = [a for a in after if a not in before]
    for author, customer in (await _customers_of(conn, new)).items():
        after[author].customer_id = customer
    voices, promoters, detractors = slot.voices, slot.promoters, slot.detractors
    for author in touched:
        was, now = before.get(author), after.get(author)
        voices += (now is not None) - (was is not None and was.scored > 0)
        promoters += (now is not None and now.promoter) - (was is not None and was.promoter)
        detractors += (now is not None and now.detractor) - (was is not None and was.detractor)
    points_at = 2.0 ** (-(end - slot.t0_ms) / slot.half_life_ms)
    # The stored points that reach the floor at `end`, a hair lower so that none is lost
    # to rounding (the caller judges the points it is given).
    threshold = floor / points_at * (1 - 1e-9)
    rows = await fetch_all(
        conn,
        f"SELECT {_COLUMNS} FROM advocacy_standing WHERE slot = ? AND points >= ?",
        (slot.slot, threshold),
    )
    candidates = {int(r[0]): State(*r[1:]) for r in rows if int(r[0]) not in touched}
    for author, state in after.items():
        if (state.points * points_at + wanted.get(author, 0.0)) >= floor * (1 - 1e-9):
            candidates[author] = state
    # Those whose other earnings (answers, recommendations) may lift them to the floor,
    # judged in SQL: each looked up by key, only those that reach it read.
    if wanted:
        # CROSS JOIN: the planner left to itself may walk the points index and scan the
        # list for each row (minutes at 1M).
        rows = await fetch_all(
            conn,
            f"""SELECT {", ".join(f"s.{c}" for c in _COLUMNS.split(", "))}
                FROM json_each(:wanted) j CROSS JOIN advocacy_standing s
                    ON s.slot = :slot AND s.author_id = {_ITEM.format(0, "INTEGER")}
                WHERE s.points * :at + {_ITEM.format(1, "REAL")} >= :floor AND s.scored > 0""",
            {
                "slot": slot.slot,
                "wanted": json.dumps(list(wanted.items())),
                "at": points_at,
                "floor": floor * (1 - 1e-9),
            },
        )
        candidates.update((int(r[0]), State(*r[1:])) for r in rows if int(r[0]) not in touched)
    promoter_customers = detractor_customers = None
    if lists:
        promoter_customers = await _listed(conn, slot.slot, _PROMOTER, touched, after, "promoter")
        detractor_customers = await _listed(
            conn, slot.slot, _DETRACTOR, touched, after, "detractor"
        )
    return Tally(
        voices,
        promoters,
        detractors,
        promoter_customers,
        detractor_customers,
        candidates,
        points_at,
    )


async def _listed(
    conn: Connection,
    slot: int,
    where: str,
    touched: set[int],
    after: dict[int, State],
    kind: str,
) -> tuple[int, ...]:
    """The distinct customers of the slot's promoters (or detractors), through their
    partial index, those of the authors that changed judged again."""
    rows = await fetch_all(
        conn,
        f"""SELECT DISTINCT customer_id FROM advocacy_standing
            WHERE slot = :slot AND {where} AND customer_id IS NOT NULL
              AND author_id NOT IN {history.IDS}
            ORDER BY customer_id""",
        {"slot": slot, "ids": history.ids_param(sorted(touched))},
    )
    more = {s.customer_id for s in after.values() if getattr(s, kind) and s.customer_id}
    if not more:  # the usual case: the slot is where the window is
        return tuple(r[0] for r in rows)
    return tuple(sorted(more.union(r[0] for r in rows)))


async def last_mentions(
    conn: Connection, authors: Iterable[int], window: tuple[int, int]
) -> dict[int, int]:
    """Each author's newest scored brand mention in the window (mentions_author)."""
    wanted = sorted(authors)
    if not wanted:
        return {}
    # Newest first, each author on their own: the first brand mention met is the one
    # (a max() over the group would read every mention of a prolific author).
    rows = await fetch_all(
        conn,
        f"""SELECT a.value, (SELECT m.created_ms FROM mentions m INDEXED BY mentions_author
                            WHERE m.author_id = CAST(a.value AS INTEGER) AND m.created_ms >= :start
                              AND m.created_ms < :end AND {_BRAND}
                            ORDER BY m.created_ms DESC LIMIT 1)
            FROM json_each(:ids) a""",
        {"ids": history.ids_param(wanted), "start": window[0], "end": window[1]},
    )
    return {int(a): int(at) for a, at in rows if at is not None}


# An item of a JSON pair (author, points) that json_each gave, typed: PostgreSQL reads a
# JSON array's items as text, which it never compares with a number.
_ITEM = "CAST(json_extract(j.value, '$[{}]') AS {})"


def position(now_ms: int, offset_ms: int, slot: int) -> tuple[int, int]:
    """Where a slot belongs at `now_ms`: the window ending `offset_ms` before the next
    whole hour (slot 0: with no end)."""
    end = (now_ms // HOUR_MS + 1) * HOUR_MS - offset_ms
    return end - WINDOW_MS, OPEN if slot == 0 else end


async def keep_up(conn: Connection, now_ms: int) -> int:
    """Move every slot to where it belongs at `now_ms`, inside the caller's write
    transaction: the mentions that entered its window added, those that left taken
    out. Returns how many slots moved (none within the hour they were last moved in)."""
    moved = 0
    if not await fetch_one(conn, "SELECT 1 FROM sqlite_schema WHERE name = 'advocacy_slots'"):
        return moved  # a file of an older schema, written by a test's "old release"
    for slot in await slots(conn):
        lo, hi = position(now_ms, slot.offset_ms, slot.slot)
        if (lo, hi) == (slot.lo, slot.hi):
            continue
        ranges = difference((slot.lo, slot.hi), (lo, hi))
        if _span(ranges, now_ms) > WINDOW_MS:
            # Further than a whole window (a database left for months): built afresh.
            await conn.execute("DELETE FROM advocacy_standing WHERE slot = ?", (slot.slot,))
            ranges = [(lo, hi, 1)]
        changes = await _changes(conn, ranges, slot)
        await conn.executemany(
            _APPLY, [{"slot": slot.slot, "author": a, **vars(c)} for a, c in changes.items()]
        )
        await conn.execute(
            "DELETE FROM advocacy_standing WHERE slot = ? AND scored <= 0", (slot.slot,)
        )
        await conn.execute(
            "UPDATE advocacy_slots SET lo = ?, hi = ? WHERE slot = ?", (lo, hi, slot.slot)
        )
        moved += 1
    return moved


_APPLY = """
    INSERT INTO advocacy_standing
    SELECT :slot, :author, :pos, :neg, :scored, :tone, :points,
           (SELECT customer_id FROM authors WHERE id = :author)
    WHERE true
    ON CONFLICT (slot, author_id) DO UPDATE SET
        pos = pos + excluded.pos, neg = neg + excluded.neg,
        scored = scored + excluded.scored, tone = tone + excluded.tone,
        points = CASE WHEN pos + excluded.pos = 0 THEN 0.0 ELSE points + excluded.points END
"""
