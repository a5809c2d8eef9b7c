"""Priority 0-100: what raises it, the weights from the config, kept right when an author
is linked or a customer changes, and scored in the background for rows stored before."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrm_tui.core.config import ConfigError, parse_config
from scrm_tui.core.models import Channel, CustomerIn, MentionIn, Order
from scrm_tui.core.priority import DAY_MS, PriorityWeights, now_priority, p0, rank_of
from scrm_tui.core.query import Query
from scrm_tui.enrich import priority
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import fetch_all
from tests.conftest import NOW, fixed_clock, mention

W = PriorityWeights()
NOW_MS = int(NOW.timestamp() * 1000)


def score(
    *,
    channel: str = "mastodon",
    text: str = "Kestrel sync",
    compound: float = 0.0,
    followers: int | None = 100,
    points: int | None = None,
    customer: bool = False,
    tier: str | None = None,
    value: float | None = None,
    weights: PriorityWeights = W,
) -> int:
    own = priority.own_part(channel, text, compound, followers, points, weights)
    return p0(own, priority.customer_part(customer, tier, value, weights))


# ---------------------------------------------------------------- what raises it

counts = st.integers(min_value=0, max_value=10**9)


@given(counts, counts)
def test_more_followers_never_lower_it(fewer: int, more: int) -> None:
    fewer, more = sorted((fewer, more))
    for channel in ("mastodon", "bluesky", "github"):
        assert score(channel=channel, followers=fewer) <= score(channel=channel, followers=more)


@given(counts, counts)
def test_more_points_on_hacker_news_and_reddit_never_lower_it(fewer: int, more: int) -> None:
    fewer, more = sorted((fewer, more))
    for channel in ("hackernews", "reddit"):
        low = score(channel=channel, followers=None, points=fewer)
        assert low <= score(channel=channel, followers=None, points=more)


@given(st.floats(-1, 1), st.floats(-1, 1))
def test_more_negative_never_lowers_it(a: float, b: float) -> None:
    happier, sadder = max(a, b), min(a, b)
    assert score(compound=happier) <= score(compound=sadder)


def test_negative_raises_it_and_positive_does_not() -> None:
    assert score(compound=-0.8) > score(compound=0.0) == score(compound=0.9)


@pytest.mark.parametrize(
    "text",
    [
        "Is Kestrel SOC 2 certified?",
        "¿Alguien sabe si Kestrel funciona sin conexión en Android?",
        "同期はいつ直りますか？",
        "هل يعمل التطبيق؟",
    ],
)
def test_a_question_raises_it(text: str) -> None:
    assert score(text=text) == score(text="Kestrel sync") + W.question


def test_a_question_mark_in_a_link_is_no_question() -> None:
    assert not priority.is_question("see https://example.com/search?q=kestrel for it")
    assert priority.is_question("see https://example.com/search?q=kestrel for it?")


@given(st.sampled_from(sorted(W.tiers, key=W.tiers.__getitem__)), st.floats(0, 10**7))
def test_a_customer_never_lowers_it_and_a_better_tier_or_more_value_raise_it(
    tier: str, value: float
) -> None:
    stranger = score()
    assert score(customer=True, tier=tier, value=value) >= stranger
    shares = sorted(W.tiers.values())
    assert shares == sorted(shares)
    for other, share in W.tiers.items():
        if share > W.tiers[tier]:
            assert score(customer=True, tier=other, value=value) >= score(
                customer=True, tier=tier, value=value
            )
    assert score(customer=True, tier=tier, value=value * 2 + 1) >= score(
        customer=True, tier=tier, value=value
    )


def test_everything_at_once_is_at_most_100() -> None:
    top = score(
        compound=-1,
        text="Why?",
        followers=10**9,
        customer=True,
        tier="enterprise",
        value=10**12,
    )
    assert top == 100
    assert score(followers=None) == 0


@given(st.integers(0, 100), st.integers(0, 400 * DAY_MS), st.integers(0, 400 * DAY_MS))
def test_it_falls_with_age_and_the_rank_orders_as_it_shows(p: int, age1: int, age2: int) -> None:
    older, younger = max(age1, age2), min(age1, age2)
    step = W.ms_per_point
    assert now_priority(p, NOW_MS - older, NOW_MS, step) <= now_priority(
        p, NOW_MS - younger, NOW_MS, step
    )
    # Whatever two mentions are, the one with the larger rank shows at least as high.
    a = (p, NOW_MS - age1)
    b = (max(p - 7, 0), NOW_MS - age2)
    ranks = [rank_of(q, created, step) for q, created in (a, b)]
    shown = [now_priority(q, created, NOW_MS, step) for q, created in (a, b)]
    if ranks[0] > ranks[1]:
        assert shown[0] >= shown[1]


def test_without_recency_age_changes_nothing() -> None:
    still = replace(W, recency=0)
    assert now_priority(80, NOW_MS - 300 * DAY_MS, NOW_MS, still.ms_per_point) == 80


# ---------------------------------------------------------------- the config


def test_weights_come_from_the_config() -> None:
    config = parse_config(
        "[priority]\nquestion = 40\nnegative = 10\ntier = 15\nrecency = 0\n"
        "[priority.tiers]\nGold = 0.9\n"
    )
    weights = config.priority
    assert weights is not None
    assert (weights.question, weights.negative, weights.recency) == (40, 10, 0)
    assert weights.tiers == {"gold": 0.9}
    assert score(text="why?", weights=weights) - score(text="why", weights=weights) == 40
    gold = priority.customer_part(True, "gold", None, weights)
    assert gold == pytest.approx(weights.tier * 0.9)


def test_a_config_that_sets_no_weights_leaves_them_to_the_database() -> None:
    assert parse_config("").priority is None
    assert parse_config("[priority]\n# reach = 20\n").priority is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[priority]\nreach = 60\nnegative = 50\n", "line 1: the [priority] points add up to 165"),
        ("[priority]\nrecency = -1\n", "line 2: 'priority.recency' is -1"),
        ("[priority]\nquestion = 'lots'\n", "line 2: 'priority.question' is 'lots'"),
        ("[priority]\nvalue_half = 0\n", "line 2: 'priority.value_half' is 0"),
        ("[priority]\n[priority.tiers]\ngold = 2\n", "line 3: tier 'gold' has share 2"),
        ("[priority]\nother_tier = 1.5\n", "line 2: 'priority.other_tier' is 1.5"),
    ],
)
def test_bad_weights_are_an_error_naming_the_line(text: str, says: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text, "config.toml")
    assert f"config.toml, {says}" in str(error.value)


# ---------------------------------------------------------------- stored


def _stored(db: Path) -> dict[str, int | None]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT external_id, priority FROM mentions").fetchall())


async def _stored_in(box: Inbox) -> dict[str, int | None]:
    """As _stored, through the inbox's own reader: on either engine."""
    return dict(await fetch_all(box.db.reader, "SELECT external_id, priority FROM mentions"))


@pytest.mark.both_engines
async def test_a_mention_is_scored_as_it_is_stored(inbox: Inbox) -> None:
    await inbox.ingest(
        [
            mention(1, "Kestrel is great", followers=10),
            mention(2, "Why is Kestrel sync broken again? This is awful.", followers=12_000),
        ]
    )
    stored = await _stored_in(inbox)
    assert stored["mastodon-1"] is not None and stored["mastodon-2"] is not None
    assert stored["mastodon-2"] > stored["mastodon-1"]


@pytest.mark.both_engines
async def test_linking_an_author_to_a_customer_rescores_their_mentions(inbox: Inbox) -> None:
    await inbox.ingest([mention(1, handle="kate@example.social"), mention(2)])
    before = await _stored_in(inbox)
    # A customer import that names the author's handle links them (an identity).
    await inbox.add_customers(
        [
            CustomerIn(
                name="Kate",
                tier="enterprise",
                lifetime_value=50_000,
                identities=((Channel.MASTODON, "kate@example.social"),),
            )
        ]
    )
    after = await _stored_in(inbox)
    kate = (await inbox.page_older(Query(), None, 1))[0]
    own = priority.own_part("mastodon", kate.snippet, kate.compound, 10, None, W)
    assert before["mastodon-1"] == p0(own, 0)
    assert after["mastodon-1"] == p0(own, priority.customer_part(True, "enterprise", 50_000, W))
    assert after["mastodon-1"] > before["mastodon-1"]
    assert after["mastodon-2"] == before["mastodon-2"]
    # The order by priority follows at once.
    rows = await inbox.page_older(Query(), None, 10, order=Order.PRIORITY)
    assert rows[0].external_id == "mastodon-1"


@pytest.mark.both_engines
async def test_a_customer_whose_tier_changes_is_rescored(inbox: Inbox) -> None:
    kate = CustomerIn(
        name="Kate",
        external_id="C-1",
        tier="free",
        identities=((Channel.MASTODON, "kate@example.social"),),
    )
    await inbox.add_customers([kate])
    await inbox.ingest([mention(1, handle="kate@example.social")])
    free = (await _stored_in(inbox))["mastodon-1"]
    await inbox.add_customers([replace(kate, tier="enterprise", lifetime_value=90_000.0)])
    enterprise = (await _stored_in(inbox))["mastodon-1"]
    assert enterprise is not None and free is not None
    gained = priority.customer_part(True, "enterprise", 90_000, W) - priority.customer_part(
        True, "free", None, W
    )
    assert enterprise - free == pytest.approx(gained, abs=1)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tier=st.one_of(st.none(), st.sampled_from(["enterprise", "pro", "gold", "FREE"])),
    value=st.one_of(st.none(), st.floats(0, 10**9)),
)
async def test_the_database_scores_a_customer_as_the_explanation_does(
    tmp_path_factory: pytest.TempPathFactory, tier: str | None, value: float | None
) -> None:
    """The customer's part is computed in SQL (so a link re-scores without texts) and
    in Python (to explain it): the two never disagree."""
    db = tmp_path_factory.mktemp("db") / "scrm.db"
    async with await Inbox.open(db, "tester", fixed_clock) as box:
        await box.ingest([mention(1, handle="kate@example.social", followers=0)])
        await box.add_customers(
            [
                CustomerIn(
                    name="Kate",
                    tier=tier,
                    lifetime_value=value,
                    identities=((Channel.MASTODON, "kate@example.social"),),
                )
            ]
        )
        rows = await box.page_older(Query(), None, 1)
        own = priority.own_part("mastodon", rows[0].snippet, rows[0].compound, 0, None, W)
        part = priority.customer_part(True, tier and tier.lower(), value, W)
        assert rows[0].priority == p0(own, part)


async def test_the_reading_pane_explains_it(inbox: Inbox) -> None:
    await inbox.add_customers(
        [
            CustomerIn(
                name="Maya",
                tier="enterprise",
                identities=((Channel.BLUESKY, "maya.bsky.social"),),
            )
        ]
    )
    await inbox.ingest(
        [
            MentionIn(
                channel=Channel.BLUESKY,
                external_id="q1",
                text="Why does Kestrel keep losing my tasks? This is terrible.",
                created_at=NOW - timedelta(hours=2),
                author=mention(0).author.__class__(handle="maya.bsky.social", followers=12_345),
            )
        ]
    )
    row = (await inbox.page_older(Query(), None, 1))[0]
    detail = await inbox.detail(row.id)
    assert detail is not None
    assert detail.priority_why == (
        f"P{row.priority}: enterprise customer · very negative · question · 12k followers"
    )


async def test_another_process_scores_with_the_weights_the_database_holds(db_path: Path) -> None:
    """Weights are the team's: a process whose config sets them stores them (and owes a
    re-score); one whose config sets none scores with those."""
    questions = replace(W, question=60, negative=0, tier=0, value=0, reach=0)
    async with await Inbox.open(db_path, "lead", fixed_clock) as lead:
        lead.configure(
            parse_config(
                "[priority]\nquestion = 60\nnegative = 0\ntier = 0\nvalue = 0\nreach = 0\n"
            )
        )
        await lead.ingest([mention(1, "Does it sync?")])
    async with await Inbox.open(db_path, "agent", fixed_clock) as agent:
        await agent.ingest([mention(2, "Does it work offline?")])
        assert (await agent.priorities.weights()) == questions
    assert _stored(db_path) == {"mastodon-1": 60, "mastodon-2": 60}


async def test_new_weights_rescore_what_is_stored(db_path: Path) -> None:
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        await box.ingest([mention(n, "Does it sync?" if n % 2 else "It syncs") for n in range(5)])
        assert not await box.priorities.rescore_owed()
    async with await Inbox.open(db_path, "lead", fixed_clock) as lead:
        lead.configure(parse_config("[priority]\nquestion = 50\nnegative = 0\nreach = 0\n"))
        await lead.priorities.weights()
        assert await lead.priorities.rescore_owed()
        assert await lead.priorities.resume_rescore() == 5
        assert not await lead.priorities.rescore_owed()
    assert set(_stored(db_path).values()) == {0, 50}
    with sqlite3.connect(db_path) as conn:
        (changed,) = conn.execute(
            "SELECT actor FROM interactions WHERE kind = 'priority_weights' ORDER BY id DESC"
        ).fetchone()
    assert changed == "lead"


async def test_rows_stored_before_priorities_are_scored_by_a_resumable_rescore(
    db_path: Path,
) -> None:
    """As after the upgrade to schema 13: stored rows have no priority, and a re-score is
    owed. Each page commits with its place: cut short, the next run does the rest."""
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        await box.ingest([mention(n) for n in range(2500)])
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "UPDATE mentions SET priority = NULL, priority_base = NULL, "
            "priority_rank = -4611686018427387904"
        )
        conn.execute("INSERT INTO pending_work VALUES ('priority', 1, 0, 0, 0)")
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        unscored = await box.page_older(Query(), None, 3, order=Order.PRIORITY)
        assert [row.priority for row in unscored] == [None, None, None]
        seen: list[tuple[int, int]] = []

        def cut_short(done: int, total: int) -> None:
            seen.append((done, total))
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            await box.priorities.resume_rescore(cut_short)
        assert seen == [(1000, 2500)]
    with sqlite3.connect(db_path) as conn:
        assert (
            conn.execute("SELECT count(*) FROM mentions WHERE priority IS NULL").fetchone()[0]
            == 1500
        )
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        progress: list[tuple[int, int]] = []
        assert await box.priorities.resume_rescore(lambda *p: progress.append(p)) == 1500
        assert progress[-1] == (1500, 1500)
        assert not await box.priorities.rescore_owed()
        rows = await box.page_older(Query(), None, 3, order=Order.PRIORITY)
        assert all(row.priority is not None for row in rows)


async def test_doctor_names_a_bad_weight_and_the_app_refuses_to_start(tmp_path: Path) -> None:
    from scrm_tui.service.doctor import FAIL, diagnose
    from tests.e2e.test_cli import scrm

    config = tmp_path / "scrm.toml"
    config.write_text('[team]\ntimezone = "UTC"\n\n[priority]\nreach = 80\nnegative = 30\n')
    config.chmod(0o600)
    report = await diagnose(config, db_path=tmp_path / "none.db", env={})
    assert report.exit_code == 2
    [check] = report.checks
    assert check.state == FAIL
    assert check.message == (
        f"{config}, line 4: the [priority] points add up to 165; reach + negative + question "
        "+ tier + value must be at most 100, so that a priority reads as a share"
    )
    result = scrm("--config", str(config), "demo", "--db", str(tmp_path / "demo.db"), stdin="")
    assert result.returncode == 1
    assert result.stderr.startswith(f"scrm: {config}, line 4: the [priority] points add up")
    assert "Traceback" not in result.stderr + result.stdout


async def test_points_are_kept_count_as_reach_and_round_trip_through_export(
    inbox: Inbox, db_path: Path, tmp_path: Path
) -> None:
    """Hacker News and Reddit say how a post did, not who follows its author."""
    from tests.e2e.test_cli import scrm

    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps(
            {
                "channel": "hackernews",
                "id": str(n),
                "text": "Kestrel",
                "points": points,
                "created_at": "2026-11-20T11:00:00Z",
                "author": {"handle": "pg"},
            }
        )
        for n, points in ((1, None), (2, 40), (3, 900))
    ]
    source.write_text("\n".join(lines) + "\n")
    assert scrm("--db", str(db_path), "ingest", "-q", str(source)).returncode == 0
    stored = _stored(db_path)
    assert stored["1"] < stored["2"] < stored["3"] == W.reach
    exported = scrm("--db", str(db_path), "export", "mentions")
    assert sorted('"points": 900' in line for line in exported.stdout.splitlines()) == [
        False,
        False,
        True,
    ]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines[0].replace("null", '"lots"') + "\n")
    refused = scrm("--db", str(db_path), "ingest", "-q", str(bad))
    assert "line 1: 'points' must be a whole number" in refused.stderr


async def test_a_hostile_tier_name_is_inert_in_the_explanation(inbox: Inbox) -> None:
    """A tier comes from a customers file someone else wrote: shown, never obeyed."""
    from scrm_tui.ui.widgets.mention_detail import describe

    await inbox.add_customers(
        [
            CustomerIn(
                name="Eve",
                tier="[@click=app.quit]gold\x1b[2J",
                identities=((Channel.MASTODON, "eve@example.social"),),
            )
        ]
    )
    await inbox.ingest([mention(1, "Why?", handle="eve@example.social")])
    row = (await inbox.page_older(Query(), None, 1))[0]
    detail = await inbox.detail(row.id)
    assert detail is not None and "gold" in (detail.priority_why or "")
    head, _, _ = describe(detail, NOW_MS)
    shown = head.plain
    assert "\x1b" not in shown
    assert "[@click=app.quit]gold␛[2J customer" in shown
    assert all("click" not in str(span.style) for span in head.spans)
