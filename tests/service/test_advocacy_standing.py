"""Advocacy read from the standing kept in the database (store/standing.py) is exactly
a plain recompute over the mentions: at every range and a custom one, after mentions
are stored (replies before their parents), re-scored, deleted, relinked, and as time
passes with or without a write to move the standing along."""

from __future__ import annotations

import math
import random
import sqlite3
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from scrm_tui.core.advocacy import AdvocacyConfig
from scrm_tui.core.models import Channel, CustomerIn, MentionIn
from scrm_tui.core.ranges import DAY_MS, parse_range
from scrm_tui.service import advocacy, report
from scrm_tui.service.inbox import Inbox
from tests.conftest import NOW, mention

# The figures are the same on either engine: each test that opens an inbox runs on both.
pytestmark = pytest.mark.both_engines

HALF_LIFE_DAYS = 30  # what the standing keeps
BRAND = "kestrel@example.social"
TEXTS = (
    "Kestrel is great, I love it",
    "Kestrel is nice",
    "I recommend Kestrel, wonderful tool",
    "How do I export a board in Kestrel?",
    "Kestrel sync is broken, awful",
    "Kestrel lost my data again, terrible",
    "Open the board menu and pick Export, it works nicely",
    "Thanks, that worked great!",
    "Kestrel has a release on Tuesday",
)
LEVELS = (("fan", 2.0), ("advocate", 6.0), ("champion", 12.0))
Row = tuple[Any, ...]


class Clock:
    """A clock the test moves: time passes between reports."""

    def __init__(self) -> None:
        self.now = NOW.timestamp()

    def __call__(self) -> float:
        return self.now

    def days(self, n: float) -> None:
        self.now += n * 86400


def _corpus(seed: int, first: int, count: int, clock: Clock) -> list[MentionIn]:
    """Deterministic mentions over 120 days by 30 authors (and the brand, and a feed),
    a third of them replies, to posts stored before or after them."""
    pick = random.Random(seed)
    made = []
    for n in range(first, first + count):
        author = pick.randrange(31)
        handle = BRAND if author == 30 else f"a{author}@example.social"
        days_ago = pick.uniform(0, 120) - (clock.now - NOW.timestamp()) / 86400
        reply = pick.random() < 0.35 and n > 1
        item = mention(
            n,
            pick.choice(TEXTS),
            channel=Channel.RSS if pick.random() < 0.05 else Channel.MASTODON,
            minutes_ago=days_ago * 24 * 60,
            handle=handle,
            name=handle.split("@")[0],
            in_reply_to=f"mastodon-{pick.randrange(1, first + count)}" if reply else None,
        )
        if pick.random() < 0.05:  # a language no scorer reads: unscored
            item = replace(item, lang="ja", text="Kestrelはとても良いです")
        made.append(item)
    return made


@dataclass(frozen=True)
class Expected:
    advocates: dict[int, float]  # author: points, everyone at or above the floor
    counted: int
    voices: int
    promoters: set[int]
    detractors: set[int]
    promoter_customers: tuple[int, ...]


def _expected(path: Path, end: int) -> Expected:
    """By hand over the rows: each author's voice and points in the 90 days to `end`."""
    with sqlite3.connect(path) as conn:
        rows = list(
            conn.execute(
                "SELECT id, author_id, channel, external_id, in_reply_to, created_ms, "
                "compound, text, watch_set FROM mentions"
            )
        )
        authors = {
            a: (h, c, s)
            for a, h, c, s in conn.execute(
                "SELECT id, handle, customer_id, match_state FROM authors"
            )
        }
        approved: set[int] = set()
        for author, kind in conn.execute(
            "SELECT author_id, kind FROM interactions WHERE kind LIKE 'advocate_%' ORDER BY id"
        ):
            (approved.add if kind == "advocate_approved" else approved.discard)(author)
    brand = {a for a, (h, _, _) in authors.items() if h == BRAND}
    start = end - 90 * DAY_MS
    by_key = {(r[2], r[3]): r for r in rows}
    inside = [r for r in rows if start <= r[5] < end]

    def ours(r: Row) -> bool:
        return r[6] is not None and r[8] is None and r[2] != "rss"

    scores: dict[int, list[float]] = {}
    for r in inside:
        if ours(r) and r[1] not in brand:
            scores.setdefault(r[1], []).append(r[6])
    promoters = {a for a, c in scores.items() if sum(x >= 0.05 for x in c) >= 2 and min(c) > -0.05}
    detractors = {
        a for a, c in scores.items() if any(x <= -0.05 for x in c) and sum(c) / len(c) < -0.05
    }

    def parent(r: Row) -> Row | None:
        return by_key.get((r[2], r[4])) if r[4] else None

    points: dict[int, float] = {}
    for r in inside:
        if not ours(r) or r[1] in brand:
            continue
        p = parent(r)
        earned = 0
        if r[6] >= 0.05:
            earned = 3 if "recommend" in r[7].lower() else 1
        answers = (
            p is not None
            and r[6] > -0.05
            and p[1] != r[1]
            and p[1] not in brand
            and ((p[6] is not None and p[6] <= -0.05) or "?" in p[7])
        )
        if answers:
            assert p is not None
            thanked = any(
                start <= t[5] < end
                and t[6] is not None
                and t[6] >= 0.05
                and parent(t) == r
                and t[1] == p[1]
                for t in rows
            )
            earned = 10 if thanked else 5
        if earned:
            points[r[1]] = points.get(r[1], 0.0) + earned * 0.5 ** (
                (end - r[5]) / (HALF_LIFE_DAYS * DAY_MS)
            )
    floor = LEVELS[0][1]
    advocates = {a: p for a, p in points.items() if p >= floor}
    confirmed = {
        a for a, (_, c, s) in authors.items() if c is not None and s in ("confirmed", "identity")
    }
    return Expected(
        advocates,
        sum(1 for a in advocates if a in confirmed or a in approved),
        len(scores),
        promoters,
        detractors,
        tuple(sorted({authors[a][1] for a in promoters if authors[a][1] is not None})),
    )


def _settings(half_life_days: float = HALF_LIFE_DAYS) -> report.Settings:
    return report.Settings(
        advocacy=AdvocacyConfig(levels=LEVELS, half_life_s=half_life_days * 86400.0),
        accounts=frozenset({("mastodon", BRAND)}),
    )


async def _check(
    box: Inbox, path: Path, name: str, settings: report.Settings | None = None
) -> bool:
    """The section's figures and leaderboard against the recompute; whether the standing
    kept in the database served it."""
    period = parse_range(name, box.now_ms())
    built = await report.build(
        box.db, period, settings or _settings(), box.now_ms(), with_rising=False
    )
    now, before = _expected(path, period.end_ms), _expected(path, period.start_ms)
    figure = built.figure
    assert (figure("advocacy.advocates").value, figure("advocacy.advocates").previous) == (
        now.counted,
        before.counted,
    ), name
    for key, attr in (("promoters", "promoters"), ("detractors", "detractors")):
        assert figure(f"advocacy.{key}").value == len(getattr(now, attr)), (name, key)
        assert figure(f"advocacy.{key}").previous == len(getattr(before, attr)), (name, key)
    assert figure("advocacy.promoters").customers == now.promoter_customers, name
    for nps, side in (
        (figure("advocacy.nps").value, now),
        (figure("advocacy.nps").previous, before),
    ):
        want = (
            (len(side.promoters) - len(side.detractors)) / side.voices * 100
            if side.voices
            else None
        )
        assert nps == pytest.approx(want), name
    [table] = built.section("advocacy").tables
    ranked = sorted(now.advocates.items(), key=lambda a: (-a[1], a[0]))[: advocacy.LEADERS]
    assert [row.filter for row in table.rows] == [f"author:{a}" for a, _ in ranked], name
    assert [row.cells[2] for row in table.rows] == [
        f"{math.floor(p * 10) / 10:,.1f}" for _, p in ranked
    ], name
    standing = await advocacy.standing(box.db.reader, period.end_ms, settings or _settings())
    assert {a: pytest.approx(x.points) for a, x in standing.advocates.items()} == now.advocates
    return standing.kept


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def test_the_kept_standing_is_a_plain_recompute_through_every_change(
    db_path: Path, clock: Clock
) -> None:
    async with await Inbox.open(db_path, "kate", clock) as box:
        corpus = _corpus(7, 1, 700, clock)
        # Replies stored before the posts they answer, and after.
        await box.ingest(corpus[350:])
        await box.ingest(corpus[:350])
        customers = await box.add_customers(
            [CustomerIn(name=f"Customer {k}") for k in range(8)], source="test"
        )
        with sqlite3.connect(db_path) as conn:
            ids = {h: a for a, h in conn.execute("SELECT id, handle FROM authors")}
        for k in range(6):  # relinks: confirmed links to customers (two share one)
            await box.linker.confirm(ids[f"a{k}@example.social"], customers.ids[k // 2 * 2])
        for name in ("24h", "7d", "30d", "90d", "2026-09-01..2026-10-15"):
            assert await _check(box, db_path, name) or name.startswith("2026")
        # A custom range far from every kept window: every mention read, the same truth.
        assert not await _check(box, db_path, "2026-09-20..2026-10-04")

        # Re-scored (a label corrected), deleted, moved to another author, relinked.
        with sqlite3.connect(db_path) as conn:
            conn.execute(
                "UPDATE mentions SET compound = -compound WHERE id % 7 = 0 AND compound IS NOT NULL"
            )
            conn.execute("UPDATE mentions SET compound = 0.6 WHERE id % 11 = 0")
            conn.execute("DELETE FROM mentions WHERE id % 13 = 0")
            conn.execute(
                "UPDATE mentions SET author_id = ? WHERE id % 17 = 0", (ids["a1@example.social"],)
            )
        await box.linker.undo(ids["a0@example.social"])
        await box.linker.confirm(ids["a9@example.social"], customers.ids[7])
        await advocacy.approve(box, ids["a12@example.social"])
        for name in ("24h", "7d", "90d"):
            assert await _check(box, db_path, name)

        # Time passes with no write: the slots lag behind, the difference is read.
        clock.days(1.3)
        for name in ("24h", "7d", "90d"):
            assert await _check(box, db_path, name)
        # The collector (or `scrm catch-up`) moves them along with no mention to write.
        assert await advocacy.keep_up(box.db, box.now_ms()) == 5
        assert await advocacy.keep_up(box.db, box.now_ms()) == 0  # within the hour: none
        for name in ("24h", "90d"):
            assert await _check(box, db_path, name)
        clock.days(0.5)
        # A write moves them along; new mentions come in, and time passes again.
        await box.ingest(_corpus(8, 2000, 120, clock))
        for name in ("24h", "7d", "30d", "90d"):
            assert await _check(box, db_path, name)
        clock.days(9)
        await box.ingest(_corpus(9, 3000, 60, clock))
        for name in ("24h", "7d", "90d"):
            assert await _check(box, db_path, name)
        # A database left for longer than a window: its slots are built afresh.
        clock.days(100)
        await box.ingest(_corpus(10, 4000, 40, clock))
        for name in ("7d", "90d"):
            assert await _check(box, db_path, name)


async def test_another_half_life_reads_every_mention_and_says_so(
    db_path: Path, clock: Clock
) -> None:
    async with await Inbox.open(db_path, "kate", clock) as box:
        await box.ingest(_corpus(3, 1, 300, clock))
        settings = _settings(half_life_days=10)
        period = parse_range("7d", box.now_ms())
        built = await report.build(box.db, period, settings, box.now_ms(), with_rising=False)
        read = dict(built.figure("advocacy.advocates").inputs)["read from"]
        assert read.startswith("every mention of the 90 days")
        standing = await advocacy.standing(box.db.reader, period.end_ms, settings)
        assert not standing.kept
        kept = await advocacy.standing(box.db.reader, period.end_ms, _settings())
        assert kept.kept
        assert (kept.voices, kept.promoter_count, kept.detractor_count) == (
            standing.voices,
            standing.promoter_count,
            standing.detractor_count,
        )


def test_a_week_from_now_is_a_slot_of_its_own() -> None:
    # The preset ranges' two ends are the slots' ends: no difference to read.
    from scrm_tui.store import standing

    now = int(NOW.timestamp() * 1000)
    for slot, offset in enumerate((0, 1, 7, 30, 90)):
        lo, hi = standing.position(now, offset * DAY_MS, slot)
        period = parse_range(f"{offset}d", now) if offset in (7, 30, 90) else None
        if period is not None:
            assert hi == period.start_ms and lo == hi - 90 * DAY_MS
    assert standing.difference((0, 10), (5, 15)) == [(10, 15, 1), (0, 5, -1)]
    assert standing.difference((0, 10), (20, 30)) == [(20, 30, 1), (0, 10, -1)]
    assert timedelta(days=HALF_LIFE_DAYS).days == 30


async def test_an_sqlite_without_math_functions_gets_pythons_pow(
    db_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not every SQLite build has pow(); the standing's triggers need it on every write.
    from scrm_tui.store import db as store_db

    monkeypatch.setattr(store_db, "_has_pow", lambda: False)
    async with await Inbox.open(db_path, "kate", clock) as box:
        await box.ingest(_corpus(5, 1, 200, clock))
        assert await _check(box, db_path, "7d")
