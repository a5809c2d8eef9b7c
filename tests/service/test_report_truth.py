"""The report's figures are true: each is recomputed here in plain SQL and Python over the
mentions themselves, for ranges whose ends fall mid-day, after sentiments are changed by
hand, after more arrive, and on a database upgraded from before the rollups; and the
inbox filter a figure opens shows exactly the records it counts."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from scrm_tui.core.figures import Figure, Table
from scrm_tui.core.models import Channel, SentimentLabel
from scrm_tui.core.query import parse
from scrm_tui.core.ranges import HOUR_MS, RangeError, parse_range
from scrm_tui.core.selection import Selection
from scrm_tui.service import report
from scrm_tui.service.bulk import MoodChange
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import fetch_all
from tests.conftest import fixed_clock, mention
from tests.e2e.test_cli import scrm

# Every figure holds on each engine: the same mentions give the same report.
pytestmark = pytest.mark.both_engines

TEXTS = (
    "I love Kestrel, the new boards are wonderful!",
    "Kestrel sync is broken again, this is terrible and I am angry.",
    "Kestrel moved the settings to the left sidebar.",
    "Kestrel ist seit dem Update total kaputt, ich bin wirklich enttäuscht.",
    "Kestrel 4.2 est sorti, l'application est vraiment géniale !",
)
NETWORKS = (Channel.MASTODON, Channel.BLUESKY, Channel.HACKERNEWS, Channel.REDDIT)


def _corpus(count: int, seed: int) -> list:  # type: ignore[type-arg]
    """`count` mentions over 100 days by 60 authors, some on networks without followers."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        channel = rng.choice(NETWORKS)
        who = rng.randrange(60)
        out.append(
            mention(
                n + seed * 10_000,
                rng.choice(TEXTS) + f" #{n}",
                channel=channel,
                minutes_ago=rng.uniform(0, 100 * 24 * 60),
                handle=f"person{who}",
                name=f"Person {who}",
                followers=None if channel is Channel.HACKERNEWS else 10 * who + 1,
            )
        )
    return out


def _table(built: report.Report, key: str) -> Table:
    return next(t for t in built.section(key.split(".")[0]).tables if t.key == key)


def _int(cell: str) -> int:
    return int(cell.replace(",", ""))


def _mood(compound: float | None) -> str:
    if compound is None:
        return "unscored"
    return "pos" if compound >= 0.05 else "neg" if compound <= -0.05 else "neu"


async def _truth(box: Inbox, start: int, end: int) -> dict[str, object]:
    """Every awareness figure from the mentions and authors tables alone."""
    rows = await fetch_all(
        box.db.reader,
        "SELECT m.channel, m.author_id, m.compound, a.followers FROM mentions m "
        "JOIN authors a ON a.id = m.author_id WHERE m.created_ms >= ? AND m.created_ms < ?",
        (start, end),
    )
    moods = [_mood(r[2]) for r in rows]
    authors = {r[1]: r[3] for r in rows}
    pos, neg = moods.count("pos"), moods.count("neg")
    return {
        "volume": len(rows),
        "authors": len(authors),
        # Unknown, not 0, when no author's network gives a follower count.
        "reach": sum(f for f in authors.values() if f is not None)
        if any(f is not None for f in authors.values())
        else None,
        "net": (pos - neg) / (pos + neg) * 100 if pos + neg else None,
        "unscored": moods.count("unscored"),
        "by_network": {
            ch: (
                sum(1 for r in rows if r[0] == ch),
                len({r[1] for r in rows if r[0] == ch}),
            )
            for ch in {r[0] for r in rows}
        },
    }


async def _check(box: Inbox, name: str) -> None:
    period = parse_range(name, box.now_ms())
    built = await report.build(box.db, period)
    for figures, (start, end) in (
        ((f.value for f in built.section("awareness").figures), (period.start_ms, period.end_ms)),
        (
            (f.previous for f in built.section("awareness").figures),
            (period.previous().start_ms, period.previous().end_ms),
        ),
    ):
        truth = await _truth(box, start, end)
        volume, authors, reach, net, unscored = figures
        assert (volume, authors, reach, unscored) == (
            truth["volume"],
            truth["authors"],
            truth["reach"],
            truth["unscored"],
        ), name
        assert net == pytest.approx(truth["net"]), name
    truth = await _truth(box, period.start_ms, period.end_ms)
    networks = _table(built, "awareness.networks")
    shown = {row.filter.rsplit(" ch:")[1]: row.cells for row in networks.rows}  # type: ignore[union-attr]
    assert {
        ch: (int(c[1].replace(",", "")), int(c[2].replace(",", ""))) for ch, c in shown.items()
    } == truth["by_network"]
    [volume_series, _] = built.section("awareness").series
    assert sum(v or 0 for v in volume_series.values) == truth["volume"]


@pytest.mark.parametrize("name", ["24h", "7d", "30d", "90d", "2026-10-03T07:00..2026-11-19T13:00"])
async def test_every_awareness_figure_is_what_the_mentions_say(inbox: Inbox, name: str) -> None:
    await inbox.ingest(_corpus(700, 1))
    await _check(inbox, name)


async def test_figures_follow_sentiments_set_by_hand_and_new_arrivals(db_path: Path) -> None:
    # SQLite alone until a bulk change runs on PostgreSQL (store/bulk.py's upsert).
    async with await Inbox.open(db_path, "tester", fixed_clock) as inbox:
        await _follow_sentiments_set_by_hand_and_new_arrivals(inbox)


async def _follow_sentiments_set_by_hand_and_new_arrivals(inbox: Inbox) -> None:
    await inbox.ingest(_corpus(300, 2))
    before = await report.build(inbox.db, parse_range("90d", inbox.now_ms()))
    ids = [row.id for row in await inbox.page_older(parse("s:pos"), None, 40)]
    await inbox.run_bulk(Selection.of(ids), MoodChange(SentimentLabel.NEGATIVE))
    unscored = [row.id for row in await inbox.page_older(parse("s:unscored"), None, 5)]
    await inbox.run_bulk(Selection.of(unscored), MoodChange(SentimentLabel.POSITIVE))
    after = await report.build(inbox.db, parse_range("90d", inbox.now_ms()))
    assert (
        after.figure("awareness.net_sentiment").value
        < before.figure(  # type: ignore[operator]
            "awareness.net_sentiment"
        ).value
    )
    assert after.figure("awareness.unscored").value == before.figure(  # type: ignore[operator]
        "awareness.unscored"
    ).value - len(unscored)
    await inbox.ingest(_corpus(200, 3))
    for name in ("24h", "90d"):
        await _check(inbox, name)


async def test_each_figure_opens_exactly_the_records_it_counts(inbox: Inbox) -> None:
    await inbox.ingest(_corpus(400, 4))
    # Snoozed mentions are counted (they were posted) and opened (is:any shows them).
    snoozed = [row.id for row in await inbox.page_older(parse("s:neg"), None, 6)]
    assert sorted(await inbox.snoozes.snooze(snoozed, inbox.snoozes.read("2h"))) == sorted(snoozed)
    built = await report.build(inbox.db, parse_range("30d", inbox.now_ms()))
    for key in ("awareness.volume", "awareness.unscored"):
        figure = built.figure(key)
        assert figure.filter is not None
        assert await inbox.count(parse(figure.filter)) == figure.value, key
    net = built.figure("awareness.net_sentiment")
    shown = dict(net.inputs)
    assert await inbox.count(parse(net.filter or "")) == int(shown["positive"]) + int(
        shown["negative"]
    )
    networks = _table(built, "awareness.networks")
    for row in networks.rows:
        assert await inbox.count(parse(row.filter or "")) == int(row.cells[1].replace(",", ""))


async def test_an_old_database_is_rolled_up_on_upgrade(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scrm_tui.store import db as store_db
    from scrm_tui.store.schema import MIGRATIONS

    step = next(v for v, steps in MIGRATIONS if any("mention_hours" in str(s) for s in steps))
    before = [(v, steps) for v, steps in MIGRATIONS if v < step]
    with monkeypatch.context() as old_release:
        old_release.setattr(store_db, "MIGRATIONS", before)
        old_release.setattr(store_db, "LATEST_VERSION", before[-1][0])
        async with await Inbox.open(db_path, "tester", fixed_clock) as box:
            await box.ingest(_corpus(300, 5))
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        for name in ("7d", "90d"):
            await _check(box, name)


def test_a_range_ends_on_the_next_whole_hour_and_a_bad_one_says_what_is_accepted() -> None:
    now = int(fixed_clock() * 1000) + 25 * 60_000  # 12:25
    week = parse_range("7d", now)
    assert week.end_ms % HOUR_MS == 0 and week.end_ms - now == 35 * 60_000
    assert week.previous().end_ms == week.start_ms
    assert week.filter() == "after:2026-11-13T13:00 before:2026-11-20T13:00 is:any"
    november = parse_range("2026-11-01..2026-11-30", now)
    assert (november.end_ms - november.start_ms) // HOUR_MS == 30 * 24
    for bad in ("8d", "2026-11-30..2026-11-01", "yesterday..today"):
        with pytest.raises(RangeError) as error:
            parse_range(bad, now)
        assert "range" in str(error.value)


def test_scrm_report_prints_text_markdown_and_json(db_path: Path) -> None:
    import asyncio

    async def seed() -> None:
        async with await Inbox.open(db_path, "tester", fixed_clock) as box:
            await box.ingest(_corpus(100, 6))

    asyncio.run(seed())
    text = scrm("report", "--db", str(db_path), "--range", "90d")
    assert text.returncode == 0, text.stderr
    assert "Mentions" in text.stdout and "Estimated reach" in text.stdout
    assert "Hacker News" in text.stdout  # no follower counts there: shown apart
    markdown = scrm("report", "--db", str(db_path), "--format", "markdown")
    assert "| Net sentiment |" in markdown.stdout
    data = json.loads(scrm("report", "--db", str(db_path), "--format", "json").stdout)
    volume = data["sections"][0]["figures"][0]
    assert volume["key"] == "awareness.volume" and volume["filter"].startswith("after:")
    bad = scrm("report", "--db", str(db_path), "--range", "fortnight")
    assert bad.returncode != 0 and "24h, 7d, 30d, 90d" in bad.stderr
    assert "Traceback" not in bad.stderr


async def test_an_author_who_posts_often_is_one_author_and_their_reach_counts_once(
    inbox: Inbox,
) -> None:
    often = [
        mention(n, TEXTS[0], minutes_ago=60 * n + 5, handle="loud", name="Loud", followers=500)
        for n in range(40)  # 40 hours: within today, across midnight, and before
    ]
    await inbox.ingest(often + _corpus(50, 7))
    for name in ("24h", "7d", "2026-11-19T01:00..2026-11-19T09:00"):
        await _check(inbox, name)
    day = await report.build(inbox.db, parse_range("24h", inbox.now_ms()))
    top = _table(day, "awareness.top_authors")
    assert [row.cells[0] for row in top.rows].count("Loud") == 1


async def test_a_top_author_opens_exactly_their_mentions(inbox: Inbox) -> None:
    """By the author's number, not a name that contains another's (Ann Lee, Ann Leeds),
    whatever a feed's free-text author holds (a space, a `"`)."""
    names = ("Ann Lee", 'Jo "JJ" Doe', "Ann Leeds")
    await inbox.ingest(
        [
            mention(
                n,
                f"Kestrel notes {n}",
                handle=names[n % 3],
                name=names[n % 3],
                followers=900 - n % 3,
            )
            for n in range(7)
        ]
    )
    built = await report.build(inbox.db, parse_range("24h", inbox.now_ms()))
    rows = {row.cells[0]: row for row in _table(built, "awareness.top_authors").rows}
    assert set(rows) == set(names)
    for name, row in rows.items():
        assert await inbox.count(parse(row.filter or "")) == int(row.cells[3]), name
    assert rows["Ann Lee"].cells[3] == "3"


async def test_the_brands_own_accounts_are_never_top_authors(inbox: Inbox) -> None:
    """Its own posts name the brand, and it has the most followers: ranking it first
    would tell a founder nothing about who is talking about them."""
    await inbox.ingest(
        [
            mention(0, "Kestrel 2.0 is out today", handle="kestrel@fosstodon.org", followers=9000),
            mention(1, "Kestrel 2.0 looks great", handle="fan", name="Fan", followers=40),
        ]
    )
    period = parse_range("24h", inbox.now_ms())
    settings = report.Settings(accounts=frozenset({("mastodon", "kestrel@fosstodon.org")}))
    built = await report.build(inbox.db, period, settings, with_rising=False)
    top = _table(built, "awareness.top_authors")
    assert [row.cells[0] for row in top.rows] == ["Fan"]
    assert "brand's own accounts" in top.note
    everyone = await report.build(inbox.db, period, report.Settings(), with_rising=False)
    assert len(_table(everyone, "awareness.top_authors").rows) == 2


@pytest.mark.parametrize("walks", [(2, 5), (300, 5_000)])
async def test_top_authors_are_the_most_followed_of_the_range_however_they_are_found(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch, walks: tuple[int, int]
) -> None:
    """The most followed authors are looked up in the range first, and a range whose
    authors are not among them sorts its own: the same ten, in the same order, as
    plain Python over the range's mentions."""
    from scrm_tui.store import rollups

    monkeypatch.setattr(rollups, "WALKS", walks)
    await inbox.ingest(_corpus(700, 8))
    for name in ("24h", "7d", "90d", "2026-11-19T01:00..2026-11-19T09:00"):
        period = parse_range(name, inbox.now_ms())
        rows = await fetch_all(
            inbox.db.reader,
            "SELECT a.id, a.display_name, a.handle, a.followers FROM mentions m "
            "JOIN authors a ON a.id = m.author_id WHERE m.created_ms >= ? AND m.created_ms < ? "
            "AND a.followers IS NOT NULL",
            (period.start_ms, period.end_ms),
        )
        counts: dict[tuple[int, str, str, int], int] = {}
        for row in rows:  # one author per network: the same handle on two is two
            counts[row] = counts.get(row, 0) + 1
        want = [
            (shown, f"{followers:,}", f"{n:,}")
            for (_, shown, _, followers), n in sorted(
                counts.items(), key=lambda kv: (-kv[0][3], kv[0][2], kv[0][0])
            )[:10]
        ]
        built = await report.build(inbox.db, period, with_rising=False)
        top = _table(built, "awareness.top_authors")
        assert [(r.cells[0], r.cells[2], r.cells[3]) for r in top.rows] == want, name


def test_a_share_s_change_is_in_percentage_points() -> None:
    """42.4% before and 40% now is 2.4 points less, not 2.4% less (which is 41.4%)."""
    share = Figure("industry.share", "Share of voice", 40.0, 42.4, unit="%")
    assert share.change_shown() == "−2.4pp"
    assert Figure("x", "Within SLA", 75.0, 60.0, unit="%").change_shown() == "+15pp"
    assert Figure("x", "Mentions", 120.0, 100.0).change_shown() == "+20"
