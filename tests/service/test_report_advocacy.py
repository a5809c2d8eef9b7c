"""Advocacy: points (each kind, decay, the brand's accounts left out, unconfirmed authors
held until an agent approves), levels, the leaderboard and social NPS, each recomputed
here in plain Python over the rows of a database the test wrote."""

from __future__ import annotations

import math
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from scrm_tui.core.advocacy import AdvocacyConfig
from scrm_tui.core.config import ConfigError, parse_config
from scrm_tui.core.models import Channel, CustomerIn, MentionIn
from scrm_tui.core.query import parse
from scrm_tui.core.ranges import parse_range
from scrm_tui.service import advocacy, report
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention

# The figures are the same on either engine: each test that opens an inbox runs on both.
pytestmark = pytest.mark.both_engines

DAY = 24 * 60.0  # minutes
HALF_LIFE_DAYS = 30
ADA = "ada@example.social"  # linked to a customer, confirmed by an agent
UMA = "uma@example.social"  # no confirmed link: awaiting approval
BRAND = "kestrel@example.social"  # the brand's own account
BEA, CAL, DEE, OLD = (f"{n}@example.social" for n in ("bea", "cal", "dee", "old"))


def _post(
    n: int, text: str, handle: str, days_ago: float, reply_to: int | None = None
) -> MentionIn:
    return mention(
        n,
        text,
        handle=handle,
        name=handle.split("@")[0],
        minutes_ago=days_ago * DAY,
        in_reply_to=None if reply_to is None else f"mastodon-{reply_to}",
    )


# n, text, author, days ago, replying to: what each earns is worked out below by hand.
POSTS = [
    (1, "Kestrel is great, I love the timeline", ADA, 1, None),
    (2, "Kestrel is nice", ADA, 40, None),
    (3, "I recommend Kestrel to every team, it is wonderful", ADA, 10, None),
    (4, "How do I export a board in Kestrel?", BEA, 5, None),
    (5, "Open the board menu and pick Export, it works nicely in Kestrel", ADA, 5, 4),
    (6, "Thanks, that worked great!", BEA, 4, 5),
    (7, "Kestrel sync is broken, awful", CAL, 3, None),
    (8, "Restart the app and sign in again, Kestrel syncs fine after that", ADA, 3, 7),
    (9, "Kestrel is great", UMA, 2, None),
    (10, "Kestrel is nice, love it", UMA, 6, None),
    (11, "I recommend Kestrel, wonderful tool", UMA, 1, None),
    (19, "Kestrel is great", UMA, 3, None),
    (12, "Kestrel is great, I love it", BRAND, 1, None),
    (13, "Happy to help: open Settings, it works nicely in Kestrel", BRAND, 2, 7),
    (14, "Kestrel lost my data again, terrible", DEE, 2, None),
    (15, "Kestrel sync is broken, awful", DEE, 9, None),
    (16, "Kestrel is nice", DEE, 12, None),
    (17, "Kestrel is great, I love it", OLD, 100, None),
    (18, "Kestrel is nice", BEA, 20, None),
]


def _decay(points: float, days_ago: float) -> float:
    return points * 0.5 ** (days_ago / HALF_LIFE_DAYS)


async def _seed(box: Inbox) -> None:
    await box.ingest([_post(*p) for p in POSTS])
    # An unscored mention (a language no scorer reads): in no mood figure, no points.
    await box.ingest(
        [replace(mention(30, "Kestrelはとても良いです", handle=BEA, minutes_ago=DAY), lang="ja")]
    )
    outcome = await box.add_customers([CustomerIn(name="Ada Lovelace")], source="test")
    [ada] = [a for a in await _authors(box.db.path) if a[1] == ADA]
    await box.linker.confirm(ada[0], outcome.ids[0])


async def _authors(path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as conn:
        return list(conn.execute("SELECT id, handle FROM authors"))


def _rows(path: Path) -> list[tuple[int, str, int, float | None]]:
    """(n, author handle, created_ms, compound) of every mention, read with plain SQL."""
    with sqlite3.connect(path) as conn:
        return [
            (int(ext.split("-")[1]), handle, created, compound)
            for ext, handle, created, compound in conn.execute(
                "SELECT m.external_id, a.handle, m.created_ms, m.compound "
                "FROM mentions m JOIN authors a ON a.id = m.author_id"
            )
        ]


def _settings() -> report.Settings:
    return report.Settings(
        advocacy=AdvocacyConfig(half_life_s=HALF_LIFE_DAYS * 86400.0),
        accounts=frozenset({("mastodon", BRAND)}),
    )


async def test_points_by_kind_decay_brand_and_approval(db_path: Path) -> None:
    async with await Inbox.open(db_path, "kate", fixed_clock) as box:
        await _seed(box)
        period = parse_range("7d", box.now_ms())
        built = await report.build(box.db, period, _settings(), box.now_ms(), with_rising=False)
        rows = _rows(db_path)
        assert [c for n, _, _, c in rows if n == 30] == [None]  # unscored, as meant
        end = period.end_ms
        ago = {n: (end - created) / 86_400_000 for n, _, created, _ in rows}
        # By hand: Ada's positive posts 1 and 2 earn 1 each, post 3 (a recommendation)
        # 3, post 5 (answers Bea's question, Bea thanked) 10, post 8 (answers Cal's
        # complaint, no thanks) 5: each mention its best kind only, halved every 30 days.
        ada = (
            _decay(1, ago[1])
            + _decay(1, ago[2])
            + _decay(3, ago[3])
            + _decay(10, ago[5])
            + _decay(5, ago[8])
        )
        uma = _decay(1, ago[9]) + _decay(1, ago[10]) + _decay(3, ago[11]) + _decay(1, ago[19])
        [table] = built.section("advocacy").tables
        leaders = {row.cells[0]: row for row in table.rows}
        # Ada is counted and linked: shown by her customer's name. Bea (1 + 1: below fan),
        # the brand and Old (100 days ago) are not on it.
        assert set(leaders) == {"Ada Lovelace", "uma"}
        leaders["ada"] = leaders["Ada Lovelace"]
        assert leaders["ada"].cells[2] == f"{math.floor(ada * 10) / 10:,.1f}"  # cut, not rounded
        assert leaders["uma"].cells[2] == f"{math.floor(uma * 10) / 10:,.1f}"
        assert leaders["ada"].cells[3] == "fan"  # 5 ≤ points < 20
        assert leaders["ada"].cells[5] == ""
        assert leaders["uma"].cells[5] == "awaiting"
        standing = await _standing(box, end)
        ids = {handle: i for i, handle in await _authors(db_path)}
        assert standing.advocates[ids[ADA]].points == pytest.approx(ada)
        assert standing.advocates[ids[UMA]].points == pytest.approx(uma)
        assert built.figure("advocacy.advocates").value == 1  # Uma is held
        inputs = dict(built.figure("advocacy.advocates").inputs)  # Ada's mentions, by kind
        assert [inputs[f"their {k} mentions"] for k in ("positive", "recommendation")] == ["2", "1"]
        assert [inputs[f"their {k} mentions"] for k in ("answer", "thanked answer")] == ["1", "1"]
        assert leaders["uma"].approve == ids[UMA] and leaders["ada"].approve is None
        # Enter on a row opens exactly that author's mentions.
        assert await box.count(parse(leaders["ada"].filter or "")) == 5

        await advocacy.approve(box, ids[UMA])
        again = await report.build(box.db, period, _settings(), box.now_ms(), with_rising=False)
        assert again.figure("advocacy.advocates").value == 2
        [table] = again.section("advocacy").tables
        uma_row = next(r for r in table.rows if r.cells[0] == "uma")
        assert uma_row.cells[5] == "approved" and uma_row.approved == ids[UMA]
        assert uma_row.approve is None
        with sqlite3.connect(db_path) as conn:  # the approval is in the history, by kate
            assert list(
                conn.execute(
                    "SELECT actor, author_id FROM interactions WHERE kind = 'advocate_approved'"
                )
            ) == [("kate", ids[UMA])]

        # `a` again takes it back: Uma awaits again, and the history says who and when.
        await advocacy.approve(box, ids[UMA], approved=False)
        back = await report.build(box.db, period, _settings(), box.now_ms(), with_rising=False)
        assert back.figure("advocacy.advocates").value == 1
        [table] = back.section("advocacy").tables
        uma_row = next(r for r in table.rows if r.cells[0] == "uma")
        assert uma_row.cells[5] == "awaiting" and uma_row.approve == ids[UMA]
        with sqlite3.connect(db_path) as conn:
            assert list(
                conn.execute(
                    "SELECT kind, actor, author_id FROM interactions "
                    "WHERE kind LIKE 'advocate_%' ORDER BY id"
                )
            ) == [
                ("advocate_approved", "kate", ids[UMA]),
                ("advocate_withdrawn", "kate", ids[UMA]),
            ]
        # Approved once more: counted again (the newest entry decides).
        await advocacy.approve(box, ids[UMA])
        last = await report.build(box.db, period, _settings(), box.now_ms(), with_rising=False)
        assert last.figure("advocacy.advocates").value == 2


async def _standing(box: Inbox, end: int) -> advocacy.Standing:
    conn = box.db.reader
    return await advocacy.standing(conn, end, _settings())


async def test_social_nps_by_hand(db_path: Path) -> None:
    async with await Inbox.open(db_path, "kate", fixed_clock) as box:
        await _seed(box)
        period = parse_range("7d", box.now_ms())
        built = await report.build(box.db, period, _settings(), box.now_ms(), with_rising=False)
        start = period.end_ms - 90 * 86_400_000
        voices: dict[str, list[float]] = {}
        for _, handle, created, compound in _rows(db_path):
            if compound is not None and handle != BRAND and start <= created < period.end_ms:
                voices.setdefault(handle, []).append(compound)
        promoters = [
            h for h, c in voices.items() if sum(x >= 0.05 for x in c) >= 2 and min(c) > -0.05
        ]
        detractors = [
            h for h, c in voices.items() if any(x <= -0.05 for x in c) and sum(c) / len(c) < -0.05
        ]
        assert sorted(promoters) == sorted([ADA, UMA, BEA])
        assert sorted(detractors) == sorted([CAL, DEE])
        expected = (len(promoters) - len(detractors)) / len(voices) * 100
        nps = built.figure("advocacy.nps")
        assert nps.value == pytest.approx(expected)
        assert dict(nps.inputs)["authors with a scored mention"] == str(len(voices))
        assert built.figure("advocacy.promoters").value == 3
        # Promoters open their customers: only Ada is linked; the other two are said.
        assert built.figure("advocacy.promoters").customers is not None
        assert len(built.figure("advocacy.promoters").customers or ()) == 1
        assert "2 not linked" in built.figure("advocacy.promoters").note
        assert built.figure("advocacy.detractors").value == 2


async def test_rewards_given_counts_the_range(db_path: Path) -> None:
    async with await Inbox.open(db_path, "kate", fixed_clock) as box:
        await _seed(box)
        [ada] = [i for i, h in await _authors(db_path) if h == ADA]
        await advocacy.record_reward(box, "swag", "stickers and a mug", author_id=ada)
        await advocacy.record_reward(box, "shout-out", "", customer_id=1)
        with pytest.raises(ValueError, match="unknown reward kind"):
            await advocacy.record_reward(box, "cash", "", customer_id=1)
        period = parse_range("7d", box.now_ms() + 3_600_000)
        built = await report.build(box.db, period, _settings(), box.now_ms(), with_rising=False)
        rewards = built.figure("advocacy.rewards")
        assert rewards.value == 2 and rewards.screen == "rewards"
        listed, total = await advocacy.ledger(box)
        assert total == 2
        assert [(r.kind, r.note, r.customer) for r in listed] == [
            ("shout-out", "", "Ada Lovelace"),
            ("swag", "stickers and a mug", "Ada Lovelace"),  # the author's customer too
        ]


def test_advocacy_config_and_its_errors() -> None:
    config = parse_config(
        '[advocacy]\nlevels = { fan = 2, star = 9 }\nhalf_life = "10d"\n'
        'accounts = ["bluesky:kestrel.app"]\n'
    )
    assert config.advocacy.levels == (("fan", 2.0), ("star", 9.0))
    assert config.advocacy.half_life_s == 10 * 86400
    settings = report.Settings.of(config)
    assert ("bluesky", "kestrel.app") in settings.accounts
    with pytest.raises(ConfigError, match=r"line 2: 'advocacy.accounts'"):
        parse_config('[advocacy]\naccounts = ["kestrel.app"]\n')
    with pytest.raises(ConfigError, match=r"line 2: 'advocacy.levels'"):
        parse_config("[advocacy]\nlevels = { fan = -1 }\n")


def test_levels_and_decay_rules() -> None:
    from scrm_tui.core.advocacy import DEFAULT_LEVELS, decayed, level_of

    assert level_of(4.9, DEFAULT_LEVELS) is None
    assert level_of(5, DEFAULT_LEVELS) == "fan"
    assert level_of(50, DEFAULT_LEVELS) == "champion"
    assert decayed(10, 30 * 86_400_000, 30 * 86400) == pytest.approx(5)
    assert timedelta(days=HALF_LIFE_DAYS).days == 30
    assert Channel.MASTODON.value == "mastodon"
