"""Spike alerts: the arithmetic on known counts, the demo's three events found, no spike
from the demo's own stream, a burst stored by another process shown on the top line,
and `!` then Enter leaving the inbox on exactly the spike's mentions, ready for T R."""

from __future__ import annotations

import asyncio
import json
import math
import random
import re
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scrm_tui.core import spikes as core
from scrm_tui.core.query import parse
from scrm_tui.core.ranges import Range
from scrm_tui.service import demo, report, spikes
from scrm_tui.service.collector import Collector
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.screens.spike import SpikeScreen
from tests.conftest import NOW, fixed_clock, mention
from tests.support.tui import inbox_screen, make_app, settle, status_text, wait_until

HOUR = 3_600_000
NOW_HOUR = int(NOW.timestamp() * 1000) // HOUR


# ------------------------------------------------------------------ the arithmetic


def _tail_by_hand(n: int, lam: float) -> float:
    return 1.0 - sum(math.exp(-lam) * lam**k / math.factorial(k) for k in range(n))


@pytest.mark.parametrize(("n", "lam"), [(0, 3.0), (1, 0.5), (5, 5.0), (12, 4.0), (20, 6.2)])
def test_the_poisson_tail_is_the_sum_of_its_terms(n: int, lam: float) -> None:
    assert core.tail(n, lam) == pytest.approx(_tail_by_hand(n, lam), rel=1e-9, abs=1e-15)


def test_the_tail_holds_far_out_where_factorials_overflow() -> None:
    assert 0 < core.tail(2_000, 100.0) < 1e-300 or core.tail(2_000, 100.0) == 0.0
    assert core.tail(100, 100.0) == pytest.approx(0.5132987982791486, rel=1e-9)


def _steady(per_hour: int, days: int, last: int) -> dict[int, int]:
    return {h: per_hour for h in range(last - days * 24, last)}


def test_an_hour_far_above_its_usual_is_a_spike_and_one_a_little_above_is_not() -> None:
    counts = _steady(5, 14, NOW_HOUR)
    counts[NOW_HOUR] = 20
    found = core.judge(NOW_HOUR, counts, NOW_HOUR - 14 * 24)
    assert found is not None and found.spike
    assert found.baseline == 5.0 and found.days == 14
    assert found.p == pytest.approx(_tail_by_hand(found.n, found.baseline))
    counts[NOW_HOUR] = 9  # P(X >= 9 | 5) = 0.068
    assert not core.judge(NOW_HOUR, counts, NOW_HOUR - 14 * 24).spike  # type: ignore[union-attr]


def test_quiet_hours_are_floored_and_short_histories_are_not_judged() -> None:
    counts = _steady(0, 14, NOW_HOUR)
    counts[NOW_HOUR] = 9  # nine where none is usual: λ is floored at 4, P = 0.021
    found = core.judge(NOW_HOUR, counts, NOW_HOUR - 14 * 24)
    assert found is not None and found.baseline == core.FLOOR * found.hours
    assert not found.spike
    counts[NOW_HOUR] = 40
    assert core.judge(NOW_HOUR, counts, NOW_HOUR - 2 * 24) is None  # two days of history
    assert core.judge(NOW_HOUR, counts, NOW_HOUR - 3 * 24).spike  # type: ignore[union-attr]


def test_a_spike_must_also_beat_the_day_and_the_week_before() -> None:
    counts = _steady(5, 14, NOW_HOUR)
    counts[NOW_HOUR] = 30
    assert core.judge(NOW_HOUR, counts, NOW_HOUR - 14 * 24).spike  # type: ignore[union-attr]
    counts[NOW_HOUR - 24] = 25  # yesterday's same hour was as busy: not clearly out
    assert not core.test(NOW_HOUR, counts, NOW_HOUR - 14 * 24).spike  # type: ignore[union-attr]
    counts[NOW_HOUR - 24] = 5
    counts[NOW_HOUR - 168] = 25  # nor was last week's
    assert not core.test(NOW_HOUR, counts, NOW_HOUR - 14 * 24).spike  # type: ignore[union-attr]


def test_hours_close_together_are_one_event() -> None:
    counts = _steady(5, 14, NOW_HOUR)
    for h in (NOW_HOUR - 5, NOW_HOUR - 4, NOW_HOUR - 2, NOW_HOUR + 3):
        counts[h] = 40
    found = core.spikes(range(NOW_HOUR - 6, NOW_HOUR + 5), counts, NOW_HOUR - 14 * 24)
    grouped = core.events(found)
    assert [e[0].hour for e in grouped] == [NOW_HOUR - 5, NOW_HOUR + 3]


# ------------------------------------------------------------------ the demo


DEMO_EVENTS = {  # the demo's three events (demo.json), at their reference times
    "release": datetime(2026, 11, 10, 15, 0, tzinfo=UTC),
    "price": datetime(2026, 11, 14, 13, 0, tzinfo=UTC),
    "outage": datetime(2026, 11, 16, 12, 52, tzinfo=UTC),
}


async def test_the_demo_s_three_events_are_found_with_at_most_one_false_alarm(
    db_path: Path,
) -> None:
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        await demo.seed(box)
        now_ms = box.now_ms()
        period = Range(now_ms - 15 * 24 * HOUR, now_ms + HOUR, "15d")
        built = await report.build(box.db, period, with_rising=False)
        section = built.section("spikes")
        rows = section.tables[0].rows
        # Truth: each row's mentions are those its filter opens, counted by SQL.
        with sqlite3.connect(db_path) as conn:
            for row in rows:
                assert row.filter is not None
                after, before = (
                    int(datetime.fromisoformat(part.split(":", 1)[1] + "+00:00").timestamp()) * 1000
                    for part in row.filter.split()[:2]
                )
                (by_sql,) = conn.execute(
                    "SELECT count(*) FROM mentions WHERE created_ms >= ? AND created_ms < ?",
                    (after, before),
                ).fetchone()
                assert int(row.cells[2].replace(",", "")) == by_sql
                assert await box.count(parse(row.filter)) == by_sql
            # The count of bursts opens all of their mentions at once.
            bursts = section.figures[0]
            assert bursts.label == "Bursts of mentions" and bursts.value == len(rows)
            every = sum(int(row.cells[2].replace(",", "")) for row in rows)
            assert await box.count(parse(bursts.filter or "")) == every
            by_hour = dict(
                conn.execute(
                    "SELECT created_ms / 3600000, count(*) FROM mentions GROUP BY 1"
                ).fetchall()
            )
    # The same detector over plain SQL counts finds the same events as the rollups.
    first = min(by_hour)
    plain = core.events(core.spikes(range(first, NOW_HOUR + 1), by_hour, first))
    assert section.figures[0].value == len(plain) == len(rows)
    starts = [e[0].hour - e[0].hours + 1 for e in plain]
    ends = [e[-1].hour + 1 for e in plain]
    found = {
        name
        for name, at in DEMO_EVENTS.items()
        for s, e in zip(starts, ends, strict=True)
        # an event's hours, or the evening after it (a release is talked about all day)
        if s * HOUR <= at.timestamp() * 1000 + 8 * HOUR and at.timestamp() * 1000 < e * HOUR
    }
    assert found == set(DEMO_EVENTS)
    explained = sum(
        1
        for s, e in zip(starts, ends, strict=True)
        if any(
            s * HOUR <= at.timestamp() * 1000 + 8 * HOUR and at.timestamp() * 1000 < e * HOUR
            for at in DEMO_EVENTS.values()
        )
    )
    assert len(plain) - explained <= 1  # at most one false alarm in 14 days


async def test_the_outage_is_explained_as_its_mentions_say(db_path: Path) -> None:
    """The outage's spike: its negative share (unscored apart), the customers whose
    linked authors posted and their value, the first posts and the burst terms, each
    recomputed in plain Python over the rows of the window."""
    outage = int(DEMO_EVENTS["outage"].timestamp() * 1000) // HOUR + 2  # 14:00, its peak
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        await demo.seed(box)
        found = await spikes.explain(box.db, outage, report.Settings(ignore=frozenset({"kestrel"})))
    assert found is not None and found.test.spike
    start = (outage - found.test.hours + 1) * HOUR
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT m.id, m.created_ms, m.text, m.compound, a.match_state, c.id, "
            "c.lifetime_value, m.link FROM mentions m JOIN authors a ON a.id = m.author_id "
            "LEFT JOIN customers c ON c.id = a.customer_id "
            "WHERE m.created_ms >= ? AND m.created_ms < ?",
            (start, (outage + 1) * HOUR),
        ).fetchall()
    assert found.test.n == len(rows)
    scored = [r[3] for r in rows if r[3] is not None]
    negative = sum(1 for c in scored if c <= -0.05)
    assert found.unscored == len(rows) - len(scored)
    assert found.negative_share == pytest.approx(negative / len(scored) * 100)
    linked = {
        r[5]: r[6] for r in rows if r[5] is not None and r[4] in ("identity", "auto", "confirmed")
    }
    assert {c.customer_id for c in found.customers} == set(linked)
    assert found.value_at_stake == pytest.approx(sum(v for v in linked.values() if v is not None))
    values = [c.lifetime_value or 0 for c in found.customers]
    assert values == sorted(values, reverse=True)  # most valuable first
    first = sorted(rows, key=lambda r: (r[1], r[0]))[: spikes.FIRST_POSTS]
    assert [p.id for p in found.first] == [r[0] for r in first]
    words = {t.term: t.count for t in found.terms}
    assert "connecting" in words and "kestrel" not in words
    for term, count in words.items():
        holding = [
            r for r in rows if term in re.findall(r"[^\W_]+", (r[2] + " " + (r[7] or "")).lower())
        ]
        assert count == len(holding)


async def test_the_demo_stream_left_running_raises_no_spike(db_path: Path) -> None:
    """Six hours of the demo's own stream, at the pace of its history, tested each
    minute as a live terminal would: nothing is raised."""
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        await demo.seed(box)
        stream = demo.DemoStream(random.Random(7), interval=None, rates=demo.history_rates(NOW))
        at = NOW
        streamed = 0
        next_test = at
        end = NOW + timedelta(hours=6)
        while at < end:
            gap, posts = stream.paced_gap(at, demo.history_rates(NOW))
            at += timedelta(seconds=gap)
            while next_test <= at:
                assert await spikes.check(box.db, int(next_test.timestamp() * 1000), "t") == []
                next_test += timedelta(minutes=1)
            if posts and at < end:
                await box.ingest([stream.next_mention(at)])
                streamed += 1
        assert 10 <= streamed <= 120  # a stream, at about the history's pace


# ------------------------------------------------------------------ live, two processes


def _history() -> list:  # type: ignore[type-arg]
    """Five days of 5 mentions an hour before NOW: a steady history to stand out from."""
    return [
        mention(10_000 + i, f"an ordinary day with Kestrel {i}", minutes_ago=(i * 12) + 61)
        for i in range(5 * 24 * 5)
    ]


def _burst_file(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            at = NOW - timedelta(minutes=1 + i % 30)
            record = {
                "channel": "bluesky",
                "id": f"burst-{i}",
                "text": f"Kestrel login is down, password reset mails never come ({i})",
                "created_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "author": {"handle": f"burst{i}.bsky.social", "name": f"Burst {i}"},
            }
            out.write(json.dumps(record) + "\n")
    return path


async def test_a_burst_stored_by_another_process_shows_on_the_top_line(
    db_path: Path, tmp_path: Path
) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest(_history())
    app = make_app(db_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: "mentions" in status_text(pilot))
        await settle(pilot)
        assert "spike" not in status_text(pilot)
        # Another process (the collector's place: `scrm ingest`) stores a burst.
        burst = _burst_file(tmp_path / "burst.jsonl", 40)
        stored = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "scrm_tui", "ingest", str(burst), "--db", str(db_path)),
            stdout=asyncio.subprocess.DEVNULL,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert await stored.wait() == 0
        await wait_until(pilot, lambda: "⚡ spike 11:00" in status_text(pilot), timeout=40)
        assert "⚡ spike 11:00: 40 mentions (" in status_text(pilot)
    with sqlite3.connect(db_path) as conn:
        ((hour, n, by),) = conn.execute("SELECT hour, n, raised_by FROM spikes").fetchall()
    assert hour == NOW_HOUR - 1 and n == 40 and by.startswith("tester ")


async def test_the_collector_raises_a_spike_once_and_says_it(db_path: Path) -> None:
    said: list[str] = []
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest(_history())
        await box.ingest([mention(i, f"login down {i}", minutes_ago=1 + i % 30) for i in range(40)])
        collector = Collector(
            box, [], clock=fixed_clock, on_spike=lambda r: said.append(spikes.describe(r))
        )
        (raised,) = await collector.check_spikes()
        assert raised.hour == NOW_HOUR - 1 and raised.n == 40
        # Another process testing the same hour raises nothing more.
        assert await spikes.check(box.db, box.now_ms(), "another") == []
    assert len(said) == 1 and said[0].startswith("spike: 40 mentions in the hour from")


async def test_bang_explains_the_spike_and_enter_opens_its_mentions_ready_for_t(
    db_path: Path, tmp_path: Path
) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest(_history())
        await box.ingest(
            [
                mention(
                    i, f"Kestrel login is down, reset mails never come {i}", minutes_ago=1 + i % 30
                )
                for i in range(40)
            ]
        )
    with sqlite3.connect(db_path) as conn:
        (in_hour,) = conn.execute(
            "SELECT count(*) FROM mentions WHERE created_ms >= ? AND created_ms < ?",
            ((NOW_HOUR - 1) * HOUR, NOW_HOUR * HOUR),
        ).fetchone()
        (negative,) = conn.execute(
            "SELECT count(*) FROM mentions WHERE created_ms >= ? AND created_ms < ? "
            "AND compound <= -0.05",
            ((NOW_HOUR - 1) * HOUR, NOW_HOUR * HOUR),
        ).fetchone()
        (scored,) = conn.execute(
            "SELECT count(*) FROM mentions WHERE created_ms >= ? AND created_ms < ? "
            "AND compound IS NOT NULL",
            ((NOW_HOUR - 1) * HOUR, NOW_HOUR * HOUR),
        ).fetchone()
    app = make_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "⚡ spike" in status_text(pilot), timeout=40)
        await pilot.press("exclamation_mark")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SpikeScreen))
        screen = pilot.app.screen
        assert isinstance(screen, SpikeScreen)
        await wait_until(pilot, lambda: len(screen.lines) > 4)
        figures = {f.key: f for f in screen.lines if f is not None and hasattr(f, "key")}
        assert figures["spike.mentions"].value == in_hour
        assert figures["spike.negative"].value == pytest.approx(negative / scored * 100)
        terms = [row.cells[0] for row in screen.lines if row is not None and hasattr(row, "cells")]
        assert "login" in terms and "reset" in terms
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, SpikeScreen))
        await wait_until(pilot, lambda: f"→ {in_hour} of" in status_text(pilot))
        await settle(pilot)
        await pilot.press("T")  # select every mention the filter matched
        await wait_until(pilot, lambda: f"{in_hour} sel" in status_text(pilot))
        assert inbox_screen(pilot).mention_list.selection.count == in_hour
