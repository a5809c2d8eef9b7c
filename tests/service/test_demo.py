"""The offline demo: its data reads like the brief, seeds cleanly, and keeps streaming."""

from __future__ import annotations

import json
import math
import random
import sqlite3
import subprocess
import sys
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from scrm_tui.channels.rss.feeds import FeedSource
from scrm_tui.core.config import DEFAULT_SLA_S
from scrm_tui.core.query import Query, parse
from scrm_tui.core.ranges import parse_range
from scrm_tui.service import demo, report
from scrm_tui.service.inbox import Inbox
from tests.conftest import NOW, fixed_clock
from tests.fakes.replay import Replay
from tests.support.postgres import Server


def test_fixtures_meet_the_brief() -> None:
    customers = demo.demo_customers()
    mentions = demo.demo_mentions(NOW)
    assert len(customers) >= 300
    assert len(mentions) >= 1500
    channels = Counter(m.channel for m in mentions)
    assert len(channels) >= 5 and min(channels.values()) >= 50
    times = [m.created_at for m in mentions]
    assert max(times) <= NOW and NOW - min(times) >= timedelta(days=13)
    # The demo's own 14 days; the forecast's file (tools/gen_demo_forecast.py) adds five
    # ordinary weeks before them, so "What is coming" has weeks to learn from.
    main = demo.demo_mentions(NOW)[: _count("mentions.jsonl")]
    assert NOW - min(m.created_at for m in main) <= timedelta(days=14)
    assert NOW - min(times) >= timedelta(days=6 * 7)
    texts = [m.text for m in mentions]
    # Not only English: accented Latin, CJK, Arabic or Hebrew letters in many posts.
    foreign = sum(
        1
        for t in texts
        if any(unicodedata.category(c).startswith("L") and ord(c) > 0xBF for c in t)
    )
    assert foreign >= len(texts) * 0.05
    assert len(set(texts)) == len(texts)  # no two posts alike
    assert any(len(t) >= 2000 for t in texts) and any("http" in t for t in texts)


def _count(name: str) -> int:
    text = Path(demo.fixtures().joinpath(name)).read_text(encoding="utf-8")
    return sum(1 for line in text.splitlines() if line.strip())


def test_fixtures_carry_every_hostile_case() -> None:
    raw = (Path(demo.fixtures().joinpath("mentions.jsonl"))).read_text(encoding="utf-8")
    assert "\\ud800" in raw or "\\udfff" in raw  # lone surrogates, as JSON escapes
    blob = "\n".join(
        m.text + (m.author.name or "") + m.author.handle for m in demo.demo_mentions(NOW)
    )
    for needle in (
        "[@click=",
        "[/x]",
        "[link=",
        "[URGENT]",
        "\x1b[",
        "\x1b]8;;",
        "\x1b]52;",
        "\u202e",
        "\u200b",
        "\x00",
        "\x9b",
    ):
        assert needle in blob, repr(needle)
    assert any(len(m.text) == 20_000 for m in demo.demo_mentions(NOW))
    assert any(
        sum(1 for c in m.text if unicodedata.combining(c)) >= 50 for m in demo.demo_mentions(NOW)
    )


async def test_seeding_builds_the_demo_database_once(db_path: Path) -> None:
    async with await Inbox.open(db_path, "tester", fixed_clock) as inbox:
        first = await demo.seed(inbox)
        again = await demo.seed(inbox)
        assert first.mentions == len(demo.demo_mentions(NOW))
        assert again.mentions == 0  # nothing stored twice
        assert await inbox.customers.count() == len(demo.demo_customers())
        assert await inbox.count(Query()) == first.mentions
        newest = (await inbox.page_older(Query(), None, 1))[0]
        assert NOW.timestamp() * 1000 - newest.created_ms < 3600 * 1000  # minutes old
        # Authors whose handle a customer uses are linked to that customer.
        linked = [r for r in await inbox.page_older(Query(), None, 500) if r.customer_name]
        assert len(linked) >= 100
        assert await inbox.count(parse("outage")) >= 50
        assert await inbox.count(parse("s:neg")) >= 300


async def test_the_stream_keeps_coming_at_a_human_pace(db_path: Path) -> None:
    stream = demo.DemoStream(random.Random(4), interval=(1.0, 5.0))
    gaps = [stream.next_gap() for _ in range(2000)]
    assert min(gaps) >= 1.0 and max(gaps) <= 5.0
    assert 1.8 < sum(gaps) / len(gaps) < 3.2  # irregular, but about one every 2-3 s
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    produced = [stream.next_mention(now) for _ in range(1200)]  # more than the pool
    assert len({(m.channel, m.external_id) for m in produced}) == 1200
    assert all(m.created_at == now for m in produced)
    async with await Inbox.open(db_path, "tester", fixed_clock) as inbox:
        result = await inbox.ingest(produced)
        assert len(result.stored) == 1200


def test_stream_pool_has_its_own_posts() -> None:
    seeded = {(m.channel, m.external_id) for m in demo.demo_mentions(NOW)}
    with demo.fixtures().joinpath("stream.jsonl").open(encoding="utf-8") as handle:
        pool = [json.loads(line) for line in handle]
    assert len(pool) >= 300
    assert not {(p["channel"], str(p["id"])) for p in pool} & seeded


GOOGLE_ALERT = "tag:google.com,2013:googlealerts/"


async def test_google_alerts_links_are_the_articles_as_the_feed_source_stores_them(
    db_path: Path, client: httpx.AsyncClient
) -> None:
    # What the RSS source stores from a recorded Google Alerts feed...
    with Replay() as server:
        server.route("/alerts", file="atom_google_alerts.xml")
        page = await FeedSource(client, url=server.url("/alerts"), name="alerts").fetch(None, 0)
    live = [m.url or "" for m in page.mentions]
    # ... and what the demo shows, seeded and streamed.
    async with await Inbox.open(db_path, "tester", fixed_clock) as inbox:
        await demo.seed(inbox)
        async with inbox.db.reader.execute(
            "SELECT url FROM mentions WHERE external_id LIKE ?", (GOOGLE_ALERT + "%",)
        ) as cursor:
            seeded = [row[0] for row in await cursor.fetchall()]
    with demo.fixtures().joinpath("stream.jsonl").open(encoding="utf-8") as handle:
        streamed = [r["url"] for r in map(json.loads, handle) if r["id"].startswith(GOOGLE_ALERT)]
    assert len(live) == 20 and len(seeded) >= 50 and len(streamed) >= 5
    for url in live + seeded + streamed:
        host = urlsplit(url).hostname or ""
        assert url.startswith(("http://", "https://")) and "google." not in host, url


def test_the_demo_fixtures_are_what_the_generator_writes(tmp_path: Path) -> None:
    """Demo data is fixed at its generator, never by hand (README: Development)."""
    tools = Path(__file__).parents[2] / "tools" / "gen_demo_fixtures.py"
    out = tmp_path / "fixtures"
    subprocess.run(
        [sys.executable, str(tools), "--out", str(out), "--quiet"], check=True, timeout=120
    )
    for written in sorted(out.iterdir()):
        assert written.read_bytes() == demo.fixtures().joinpath(written.name).read_bytes(), (
            written.name
        )


def _nearest_rank(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


async def test_the_demo_team_figures_are_history_not_zero(db_path: Path) -> None:
    """Seeded mentions arrived when posted (or minutes after) and the demo's answers were
    sent a realistic while later: the team's figures at first open, recomputed from rows."""
    async with await Inbox.open(db_path, "tester", fixed_clock) as inbox:
        await demo.seed(inbox)
        now_ms = inbox.now_ms()
        period = parse_range("7d", now_ms)
        built = await report.build(inbox.db, period, report.Settings(), now_ms)
    with sqlite3.connect(db_path) as conn:
        arrivals = conn.execute("SELECT created_ms, ingested_ms FROM mentions").fetchall()
        brand = "coalesce(watch_set, '') = '' AND created_ms >= ? AND created_ms < ?"
        span = (period.start_ms, period.end_ms)
        waits = [
            answered - arrived
            for arrived, answered in conn.execute(
                f"SELECT ingested_ms, first_response_ms FROM mentions WHERE {brand} "
                "AND first_response_ms IS NOT NULL",
                span,
            )
        ]
        [total] = conn.execute(f"SELECT count(*) FROM mentions WHERE {brand}", span)
        escalations = [
            (None if state == "resolved" else priority, made)
            for priority, state, made in conn.execute(
                "SELECT priority, state, created_ms FROM escalations"
            )
        ]
        sent_by_hand = conn.execute(
            "SELECT count(*), count(DISTINCT key) FROM outbox WHERE kind = 'manual' "
            "AND state = 'sent'"
        ).fetchone()
    # Every mention arrived after it was posted, within minutes, and none at seeding.
    assert all(0 < arrived - posted <= 8 * 60_000 for posted, arrived in arrivals)
    assert len(waits) >= 100 and min(waits) > 0
    p50 = built.figure("team.first_response_p50").value
    p90 = built.figure("team.first_response_p90").value
    assert p50 == _nearest_rank(waits, 0.5) / 1000
    assert p90 == _nearest_rank(waits, 0.9) / 1000
    assert 10 * 60 < p50 < p90  # minutes, not zero; hours at the tail
    sla = 4 * 3600_000
    assert built.figure("team.within_sla").value == pytest.approx(
        100 * sum(w <= sla for w in waits) / len(waits)
    )
    assert 50 < built.figure("team.within_sla").value < 100  # some late
    assert built.figure("team.response_rate").value == pytest.approx(100 * len(waits) / total[0])
    # Recorded by hand, each once: nothing in the outbox waits to be sent.
    assert sent_by_hand[0] == sent_by_hand[1] >= len(waits)
    # Escalated complaints: some resolved, some open, one of those past its SLA.
    open_now = [(p, now_ms - made) for p, made in escalations if p is not None]
    assert built.figure("team.escalations_open").value == len(open_now) >= 2
    late = [p for p, age in open_now if age > DEFAULT_SLA_S[p] * 1000]
    assert built.figure("team.escalations_late").value == len(late) >= 1
    assert len(escalations) > len(open_now)  # and resolved ones
    # The agents' rewards to the top advocates: two in the range, one before it.
    with sqlite3.connect(db_path) as conn:
        [rewarded] = conn.execute(
            "SELECT count(*) FROM interactions WHERE kind = 'reward' AND occurred_ms >= ?",
            (period.start_ms,),
        ).fetchone()
    assert built.figure("advocacy.rewards").value == rewarded == 2


def fixtures_match_generator(tool: str, made: dict[str, str]) -> None:
    """Demo data is fixed at its generator (tools/TOOL.py), never by hand: each fixture
    named holds the records the generator's function of that name returns."""
    import importlib.util

    path = Path(__file__).parents[2] / "tools" / f"{tool}.py"
    spec = importlib.util.spec_from_file_location(tool, path)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    for name, function in made.items():
        lines = demo.fixtures().joinpath(name).read_text(encoding="utf-8").splitlines()
        assert [json.loads(line) for line in lines] == getattr(generator, function)(), name


def test_the_team_demo_records_come_from_their_generator() -> None:
    fixtures_match_generator(
        "gen_demo_team",
        {
            "answers_team.jsonl": "answers",
            "escalations_team.jsonl": "escalations",
            "rewards_team.jsonl": "rewards",
        },
    )


async def test_the_demo_reads_the_same_on_either_engine(db_path: Path, postgres: Server) -> None:
    """The demo seeded into a file and into a PostgreSQL server at the same moment: the
    dashboard's every figure, row and chart, for each preset range and in each form
    `scrm report` prints, is the same on both."""
    from scrm_tui.core.config import Config
    from scrm_tui.service.report_format import render

    printed: list[dict[tuple[str, str], str]] = []
    for target in (db_path, postgres.fresh()):
        async with await Inbox.open(target, "tester", fixed_clock) as inbox:
            await demo.seed(inbox)
            settings = report.Settings.of(Config(), inbox.brand_words, inbox.brand_accounts)
            shown: dict[tuple[str, str], str] = {}
            for name in ("24h", "7d", "30d", "90d"):
                period = parse_range(name, inbox.now_ms())
                built = await report.build(inbox.db, period, settings, inbox.now_ms())
                for form in ("json", "text", "markdown"):
                    shown[name, form] = render(built, form)
        printed.append(shown)
    sqlite, postgresql = printed
    for key, text in sqlite.items():
        assert postgresql[key] == text, key
    volume = json.loads(sqlite["7d", "json"])["sections"][0]["figures"][0]
    assert volume["key"] == "awareness.volume" and volume["value"] > 0
