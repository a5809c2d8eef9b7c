"""The team's response times read from the waits kept in order (schema step 38) equal a
plain recompute in Python over the mentions and the outbox: p50, p90 and the answers
within the SLA for everyone, each agent and each network, for long ranges (walked along
the waits in order) and short ones (their own waits read), ties and a wait exactly at
the SLA included; and the kept waits follow every answer, delete and upgrade."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import pytest

from scrm_tui.core.models import Channel
from scrm_tui.core.ranges import parse_range
from scrm_tui.service import report
from scrm_tui.service.inbox import Inbox
from scrm_tui.store import waits
from tests.conftest import NOW
from tests.service.test_report_team import Clock, _answer, _arrive, _post

AGENTS = ("kate", "dana", "lee")
CHANNELS = (Channel.MASTODON, Channel.BLUESKY)
SLA = 3600.0


async def _seed(boxes: dict[str, Inbox], clock: Clock, count: int) -> None:
    """`count` mentions over the 30 days before NOW, each answered by one agent after a
    wait drawn from a fixed seed (some the same, one exactly the SLA), a few not at all."""
    draw = random.Random(14)
    box = boxes["kate"]
    planned = []
    for n in range(count):
        at = NOW - timedelta(minutes=draw.randrange(30 * 24 * 60))
        mention_id = await _arrive(box, clock, at, _post(n, at, draw.choice(CHANNELS)))
        wait = draw.choice((SLA, 600.0, draw.uniform(30, 40 * 3600)))
        if n % 9 != 4:
            planned.append((at + timedelta(seconds=wait), mention_id, draw.choice(AGENTS)))
    for answered, mention_id, agent in sorted(planned):
        clock.to(answered)
        await _answer(boxes[agent], mention_id)
    clock.to(NOW)


async def _plain(
    box: Inbox, start_ms: int, end_ms: int
) -> dict[str, tuple[int, float | None, float | None, int]]:
    """Per group ('' everyone, agent:NAME, network:CHANNEL): answered, p50, p90 (nearest
    rank), from the mentions and the agent of each one's earliest sent answer."""
    sent = sorted(
        await box.db.reader.execute_fetchall(
            "SELECT om.mention_id, o.sent_ms, o.id, o.created_by FROM outbox o "
            "JOIN outbox_mentions om ON om.outbox_id = o.id WHERE o.state = 'sent'"
        )
    )
    first: dict[int, str] = {}
    for mention_id, _, _, agent in sent:
        first.setdefault(mention_id, agent)
    groups: dict[str, list[float]] = defaultdict(list)
    for mention_id, channel, created, arrived, answered in await box.db.reader.execute_fetchall(
        "SELECT id, channel, created_ms, ingested_ms, first_response_ms FROM mentions "
        "WHERE first_response_ms IS NOT NULL AND coalesce(watch_set, '') = ''"
    ):
        if start_ms <= created < end_ms:
            wait = max(0.0, (answered - arrived) / 1000)
            for group in ("", f"agent:{first.get(mention_id, '?')}", f"network:{channel}"):
                groups[group].append(wait)
    return {
        group: (
            len(found),
            sorted(found)[math.ceil(len(found) / 2) - 1],
            sorted(found)[math.ceil(0.9 * len(found)) - 1],
            sum(w <= SLA for w in found),
        )
        for group, found in groups.items()
    }


def _figures(found: report._Responses) -> dict[str, tuple[int, float | None, float | None, int]]:
    shown = {"": found.everyone} if found.everyone.n else {}
    shown |= {f"agent:{k}": v for k, v in found.agents.items()}
    shown |= {f"network:{k}": v for k, v in found.channels.items()}
    return {k: (v.n, v.p50, v.p90, v.within) for k, v in shown.items()}


@pytest.mark.parametrize("name", ["24h", "7d", "30d", "2026-11-01..2026-11-09", "90d"])
async def test_walked_and_read_waits_equal_a_plain_recompute(db_path: Path, name: str) -> None:
    clock = Clock(NOW)
    async with (
        await Inbox.open(db_path, "kate", clock) as kate,
        await Inbox.open(db_path, "dana", clock) as dana,
        await Inbox.open(db_path, "lee", clock) as lee,
    ):
        await _seed({"kate": kate, "dana": dana, "lee": lee}, clock, 60)
        period = parse_range(name, kate.now_ms())
        settings = report.Settings(response_sla_s=SLA)
        expected = await _plain(kate, period.start_ms, period.end_ms)
        assert expected[""][0] > 0 and expected[""][3] > 0
        conn = kate.db.reader
        counts = await waits.counts(conn, "", period.start_ms, period.end_ms)
        walked = await report._walked_responses(conn, period, SLA, counts)
        assert _figures(walked) == expected
        assert _figures(await report._read_responses(conn, period, settings)) == expected
        built = await report.build(kate.db, period, settings, kate.now_ms())
        assert built.figure("team.first_response_p50").value == expected[""][1]
        assert built.figure("team.first_response_p90").value == expected[""][2]
        # `?` says how the waits were read: a day of a month's answers reads its own.
        read = dict(built.figure("team.first_response_p50").inputs)["waits read"]
        assert read.startswith("each" if name == "24h" else "in order")


async def _kept(box: Inbox) -> tuple[list[tuple[object, ...]], Counter[tuple[object, ...]]]:
    rows = await box.db.reader.execute_fetchall("SELECT * FROM answer_waits ORDER BY 1, 2, 3, 4, 5")
    hours = await box.db.reader.execute_fetchall("SELECT * FROM answer_hours WHERE n != 0")
    return [tuple(r) for r in rows], Counter({tuple(r[:3]): r[3] for r in hours})


async def _expected(box: Inbox) -> tuple[list[tuple[object, ...]], Counter[tuple[object, ...]]]:
    rows = []
    hours: Counter[tuple[object, ...]] = Counter()
    for (
        ws,
        created,
        mention_id,
        channel,
        arrived,
        answered,
        agent,
    ) in await box.db.reader.execute_fetchall("SELECT * FROM answer_times"):
        for group in ("", f"agent:{agent}", f"network:{channel}"):
            rows.append((ws, group, max(0, answered - arrived), created, mention_id))
            hours[(ws, group, created // 3_600_000)] += 1
    return sorted(rows), hours


async def test_the_waits_are_kept_through_answers_deletes_and_an_upgrade(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scrm_tui.store import db as store_db
    from scrm_tui.store.schema import MIGRATIONS

    clock = Clock(NOW)
    older = [(v, steps) for v, steps in MIGRATIONS if v < 38]
    with monkeypatch.context() as old_release:
        old_release.setattr(store_db, "MIGRATIONS", older)
        old_release.setattr(store_db, "LATEST_VERSION", older[-1][0])
        async with (
            await Inbox.open(db_path, "kate", clock) as kate,
            await Inbox.open(db_path, "dana", clock) as dana,
            await Inbox.open(db_path, "lee", clock) as lee,
        ):
            await _seed({"kate": kate, "dana": dana, "lee": lee}, clock, 12)
    async with await Inbox.open(db_path, "kate", clock) as kate:
        upgraded = await _kept(kate)
        assert upgraded == await _expected(kate) and upgraded[0]
        at = NOW - timedelta(hours=3)
        mention_id = await _arrive(kate, clock, at, _post(99, at))
        clock.to(NOW)
        await _answer(kate, mention_id)
        assert (await _kept(kate)) == await _expected(kate)
        async with kate.db.transaction() as conn:
            # (its history first: the audit trail holds on to a mention)
            await conn.execute("DELETE FROM interactions WHERE mention_id = ?", (mention_id,))
            await conn.execute("DELETE FROM mentions WHERE id = ?", (mention_id,))
            await conn.execute(
                "UPDATE mentions SET created_ms = created_ms - 3600000 WHERE id = "
                "(SELECT min(mention_id) FROM answer_times)"
            )
        assert (await _kept(kate)) == await _expected(kate)
