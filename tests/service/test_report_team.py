"""The team's figures: time to first response (p50, p90) from arrival to the first answer,
per agent and per network, counted in business hours when `[team] hours` is set; the
share answered within the response SLA; the response rate; escalations open and late.
Each is recomputed here from what the test did, and each row opens its mentions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scrm_tui.core.business_hours import HoursError, parse_hours
from scrm_tui.core.config import Config, ConfigError, Team, parse_config
from scrm_tui.core.models import Channel, MentionIn
from scrm_tui.core.query import parse
from scrm_tui.core.ranges import parse_range
from scrm_tui.service import report
from scrm_tui.service.inbox import Inbox
from tests.conftest import NOW, mention

# The figures are the same on either engine: each test that opens an inbox runs on both.
pytestmark = pytest.mark.both_engines

HOUR = 3600.0


class Clock:
    """A clock the test moves: what arrives and what is answered, when."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at.timestamp()

    def to(self, at: datetime) -> None:
        self.at = at


async def _answer(box: Inbox, mention_id: int) -> None:
    compose = await box.replies.compose(mention_id)
    await box.replies.record_manual(compose, compose.text + "thanks, looking now")


async def _id(box: Inbox, post: MentionIn) -> int:
    [row] = await box.page_older(parse(f'"{post.text}"'), None, 2)
    return row.id


async def _arrive(box: Inbox, clock: Clock, at: datetime, post: MentionIn) -> int:
    clock.to(at)
    await box.ingest([post])
    return await _id(box, post)


def _post(n: int, at: datetime, channel: Channel = Channel.MASTODON) -> MentionIn:
    minutes = (NOW - at).total_seconds() / 60
    return mention(n, f"question number {n} about Kestrel", channel=channel, minutes_ago=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW - timedelta(days=2))


async def test_response_times_per_agent_and_network_and_what_they_open(
    db_path: Path, clock: Clock
) -> None:
    start = NOW - timedelta(days=2)
    # (arrives, answered after, by, network)
    plan = [
        (start, 0.5 * HOUR, "kate", Channel.MASTODON),
        (start + timedelta(hours=1), 2 * HOUR, "kate", Channel.MASTODON),
        (start + timedelta(hours=2), 10 * HOUR, "dana", Channel.BLUESKY),
        (start + timedelta(hours=3), 1 * HOUR, "dana", Channel.MASTODON),
        (start + timedelta(hours=4), 3 * HOUR, "kate", Channel.BLUESKY),
    ]
    async with (
        await Inbox.open(db_path, "kate", clock) as kate,
        await Inbox.open(db_path, "dana", clock) as dana,
    ):
        ids = []
        for n, (at, _, _, channel) in enumerate(plan):
            ids.append(await _arrive(kate, clock, at, _post(n, at, channel)))
        unanswered = await _arrive(kate, clock, start + timedelta(hours=5), _post(9, start))
        for mention_id, (at, after, who, _) in sorted(
            zip(ids, plan, strict=True), key=lambda x: x[1][0] + timedelta(seconds=x[1][1])
        ):
            clock.to(at + timedelta(seconds=after))
            await _answer(kate if who == "kate" else dana, mention_id)
        # Kate answers dana's mention too, later: the first answer was dana's.
        clock.to(start + timedelta(hours=20))
        await _answer(kate, ids[2])
        clock.to(NOW)
        settings = report.Settings(response_sla_s=2.5 * HOUR)
        built = await report.build(
            kate.db, parse_range("7d", kate.now_ms()), settings, kate.now_ms()
        )
        waits = sorted(after for _, after, _, _ in plan)  # 0.5 1 2 3 10 hours
        assert built.figure("team.first_response_p50").value == waits[2] == 2 * HOUR
        assert built.figure("team.first_response_p90").value == waits[4] == 10 * HOUR
        assert built.figure("team.within_sla").value == pytest.approx(300 / 5)  # 0.5, 1, 2
        assert built.figure("team.response_rate").value == pytest.approx(500 / 6)
        assert built.figure("team.first_response_p50").shown() == "2.0h"
        [agents, networks] = built.section("team").tables
        assert {row.cells[0]: row.cells[1:] for row in agents.rows} == {
            "kate": ("3", "2.0h", "3.0h", "67%"),
            "dana": ("2", "1.0h", "10.0h", "50%"),
        }
        assert {row.cells[0]: row.cells[1] for row in networks.rows} == {
            "Mastodon": "3",
            "Bluesky": "2",
        }
        for row in (*agents.rows, *networks.rows):
            assert await kate.count(parse(row.filter or "")) == int(row.cells[1])
        rate = built.figure("team.response_rate")
        assert [r.id for r in await kate.page_older(parse(rate.filter or ""), None, 9)] == [
            unanswered
        ]


async def test_business_hours_count_only_the_working_week(db_path: Path, clock: Clock) -> None:
    friday = datetime(2026, 11, 13, 16, 30, tzinfo=UTC)  # a Friday, half an hour to close
    async with await Inbox.open(db_path, "kate", clock) as box:
        mention_id = await _arrive(box, clock, friday, _post(1, friday))
        clock.to(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))  # Monday, half an hour in
        await _answer(box, mention_id)
        clock.to(NOW)
        period = parse_range("30d", box.now_ms())
        hours = parse_hours("Mon-Fri 09:00-17:00")
        worked = await report.build(box.db, period, report.Settings(hours=hours))
        assert worked.figure("team.first_response_p50").value == HOUR
        assert (
            "business hours (Mon,Tue,Wed,Thu,Fri 09:00-17:00)"
            in worked.figure("team.first_response_p50").formula
        )
        clock_time = await report.build(box.db, period, report.Settings())
        assert clock_time.figure("team.first_response_p50").value == 65 * HOUR


async def test_escalations_open_and_late_are_judged_now(db_path: Path, clock: Clock) -> None:
    clock.to(NOW - timedelta(hours=5))
    async with await Inbox.open(db_path, "kate", clock) as box:
        box.configure(Config(teams=(Team("billing", "Refunds", ()),)))
        await box.ingest([_post(n, NOW - timedelta(hours=6)) for n in range(3)])
        rows = await box.page_older(parse(""), None, 3)
        await box.escalations.escalate(rows[0].id, "billing", "P1", "refund")  # 1h SLA
        await box.escalations.escalate(rows[1].id, "billing", "P3", "slow")  # 1d SLA
        clock.to(NOW)
        built = await report.build(
            box.db, parse_range("24h", box.now_ms()), report.Settings(), box.now_ms()
        )
        assert built.figure("team.escalations_open").value == 2
        assert built.figure("team.escalations_late").value == 1
        assert built.figure("team.escalations_open").screen == "escalations"
        assert await box.count(parse("is:escalated")) == 2


def test_business_hours_and_the_response_sla_are_checked_in_the_config() -> None:
    assert parse_hours("Sun-Thu 08:00-16:30").weekdays == frozenset({6, 0, 1, 2, 3})
    for bad in ("weekdays 9-5", "Mon-Fri 17:00-09:00", "Mon-Fry 09:00-17:00", "Mon 25:00-26:00"):
        with pytest.raises(HoursError):
            parse_hours(bad)
    config = parse_config('[team]\nhours = "Mon-Fri 09:00-17:00"\nresponse_sla = "2h"\n')
    assert config.team_hours is not None and config.response_sla_s == 2 * HOUR
    with pytest.raises(ConfigError) as error:
        parse_config('[team]\nhours = "weekdays"\n')
    assert "line 2: 'team.hours'" in str(error.value)
    with pytest.raises(ConfigError) as error:
        parse_config('[team]\nresponse_sla = "soon"\n')
    assert "'team.response_sla'" in str(error.value)


async def _answer_times(box: Inbox) -> list[tuple[object, ...]]:
    async with box.db.reader.execute(
        "SELECT mention_id, watch_set, created_ms, channel, arrived_ms, answered_ms, agent "
        "FROM answer_times ORDER BY mention_id"
    ) as cursor:
        return [tuple(r) for r in await cursor.fetchall()]


async def _answers_from_the_mentions(box: Inbox) -> list[tuple[object, ...]]:
    """The same, from the mentions and the outbox alone: the agent of each mention's
    earliest sent answer."""
    async with box.db.reader.execute(
        "SELECT om.mention_id, o.sent_ms, o.id, o.created_by FROM outbox o "
        "JOIN outbox_mentions om ON om.outbox_id = o.id WHERE o.state = 'sent'"
    ) as cursor:
        sent = sorted(await cursor.fetchall())
    first: dict[int, str] = {}
    for mention_id, _, _, agent in sent:
        first.setdefault(mention_id, agent)
    async with box.db.reader.execute(
        "SELECT id, coalesce(watch_set, ''), created_ms, channel, ingested_ms, "
        "first_response_ms FROM mentions WHERE first_response_ms IS NOT NULL ORDER BY id"
    ) as cursor:
        return [(*r, first.get(r[0], "?")) for r in await cursor.fetchall()]


async def test_response_times_are_kept_true_from_an_upgrade_on(
    db_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The team's figures read answer_times (schema step 36), which the database keeps:
    filled from the mentions on upgrade, then as each first answer is sent."""
    from scrm_tui.store import db as store_db
    from scrm_tui.store.schema import MIGRATIONS

    start = NOW - timedelta(days=2)
    older = [(v, steps) for v, steps in MIGRATIONS if v < 36]
    with monkeypatch.context() as old_release:
        old_release.setattr(store_db, "MIGRATIONS", older)
        old_release.setattr(store_db, "LATEST_VERSION", older[-1][0])
        async with await Inbox.open(db_path, "kate", clock) as kate:
            ids = [
                await _arrive(kate, clock, start + timedelta(hours=n), _post(n, start))
                for n in range(4)
            ]
            clock.to(start + timedelta(hours=6))
            await _answer(kate, ids[0])
            await _answer(kate, ids[1])
    async with (
        await Inbox.open(db_path, "kate", clock) as kate,
        await Inbox.open(db_path, "dana", clock) as dana,
    ):
        upgraded = await _answer_times(kate)
        assert [r[0] for r in upgraded] == ids[:2]
        assert upgraded == await _answers_from_the_mentions(kate)
        clock.to(start + timedelta(hours=8))
        await _answer(dana, ids[2])
        await _answer(kate, ids[2])  # a second answer: dana's was the first
        await _answer(kate, ids[0])
        kept = await _answer_times(kate)
        assert [(r[0], r[6]) for r in kept] == [
            (ids[0], "kate"),
            (ids[1], "kate"),
            (ids[2], "dana"),
        ]
        assert kept == await _answers_from_the_mentions(kate)
        clock.to(NOW)
        built = await report.build(kate.db, parse_range("7d", kate.now_ms()), now_ms=kate.now_ms())
        [agents, _] = built.section("team").tables
        assert {row.cells[0]: row.cells[1] for row in agents.rows} == {"kate": "2", "dana": "1"}
