"""Rising terms: what bursts in a range against the ranges before it, each count what the
inbox filter of its row shows, days counted once and counted again when a late post
lands in them, the brand's own words never rising, and the dashboard adding them
after its figures."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
from textual.widgets import OptionList

from scrm_tui.core.models import MentionIn
from scrm_tui.core.query import parse
from scrm_tui.core.ranges import parse_range
from scrm_tui.core.terms import burst, words_in
from scrm_tui.service import report, rising
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import fetch_all
from tests.conftest import fixed_clock, mention
from tests.support.tui import make_app, press, settle, wait_until

DAY = 24 * 60  # minutes

STEADY = ("Kestrel boards load quickly", "Using Kestrel for the roadmap", "Kestrel calendar view")


def _history() -> list[MentionIn]:
    """40 days of steady talk; in the last three, an outage and #kestreldown."""
    posts = []
    n = 0
    for day in range(40):
        for text in STEADY:
            n += 1
            posts.append(mention(n, f"{text} {n}", minutes_ago=day * DAY + 90 + n % 50))
    for k in range(12):
        n += 1
        posts.append(
            mention(n, f"Kestrel outage again, sync down #KestrelDown {n}", minutes_ago=k * 300)
        )
    for k in range(3):  # #outage on a few: the word "outage" still rises as a word
        n += 1
        posts.append(mention(n, f"#outage at Kestrel {n}", minutes_ago=k * 200 + 7))
    n += 1  # one "outage" long before: the baseline is not zero
    posts.append(mention(n, "an old Kestrel outage story", minutes_ago=20 * DAY))
    return posts


async def test_a_burst_rises_and_each_count_is_what_its_filter_shows(inbox: Inbox) -> None:
    await inbox.ingest(_history())
    settings = report.Settings.of(inbox.config, ("kestrel",))
    period = parse_range("7d", inbox.now_ms())
    built = await report.build(inbox.db, period, settings, inbox.now_ms())
    [table] = [t for t in built.section("awareness").tables if t.key == "awareness.rising"]
    terms = [row.cells[0] for row in table.rows]
    # Twelve posts each, never or once before; the word of the #tag shows as the tag;
    # "again" and "down" burst as much, but are function words (python-stop-words).
    assert set(terms[:3]) == {"#kestreldown", "sync", "outage"}
    assert not {"again", "down"} & set(terms)
    assert "#outage" in terms
    assert "kestrel" not in terms and "kestreldown" not in terms
    assert not {"boards", "roadmap", "calendar"} & set(terms)  # steady: never rising
    for row in table.rows:
        shown = await inbox.count(parse(row.filter or ""))
        assert shown == int(row.cells[1]), row.cells
    outage = next(row for row in table.rows if row.cells[0] == "outage")
    # Baseline: the 28 days before, as the filter counts them, per 7 days.
    before = parse_range("2026-10-16T13:00..2026-11-13T13:00", inbox.now_ms())
    old = await inbox.count(parse(f'{before.filter()} "outage"'))
    assert old == 1 and float(outage.cells[2]) == pytest.approx(old / 4, abs=0.05)
    assert outage.cells[1] == "15"  # twelve as a word, three as the #tag (FTS reads both)
    assert outage.cells[3] == f"{burst(15, old / 4):.1f}×"
    assert "outage" in outage.cells[4]


async def test_a_counted_day_is_counted_again_when_a_late_post_lands_in_it(
    inbox: Inbox,
) -> None:
    await inbox.ingest(_history())
    settings = report.Settings.of(inbox.config, ("kestrel",))
    period = parse_range("30d", inbox.now_ms())

    async def outage_count() -> int:
        built = await report.build(inbox.db, period, settings, inbox.now_ms())
        [table] = [t for t in built.section("awareness").tables if t.key == "awareness.rising"]
        return next(int(r.cells[1]) for r in table.rows if r.cells[0] == "outage")

    assert await outage_count() == 16
    # A backfill brings two posts from ten days ago: that day is counted again.
    await inbox.ingest(
        [
            mention(9000 + k, f"Kestrel outage back then {k}", minutes_ago=10 * DAY + k)
            for k in range(2)
        ]
    )
    assert await outage_count() == 18
    assert await inbox.count(parse(f'{period.filter()} "outage"')) == 18


async def test_no_function_word_rises_whatever_its_burst(inbox: Inbox) -> None:
    """Posts of the last week say "the", "und" and "que" where the weeks before said none
    of them: they burst, but a function word is never news (in any language the demo has)."""
    posts = [mention(n, f"Kestrel board {n}", minutes_ago=(10 + n % 25) * DAY) for n in range(60)]
    said = ("the sync is late", "und die Synchro", "que la synchro", "the sync again")
    posts += [
        mention(100 + n, f"Kestrel: {said[n % 4]} {n}", minutes_ago=n * 60) for n in range(40)
    ]
    await inbox.ingest(posts)
    settings = report.Settings.of(inbox.config, ("kestrel",))
    built = await report.build(inbox.db, parse_range("7d", inbox.now_ms()), settings)
    [table] = [t for t in built.section("awareness").tables if t.key == "awareness.rising"]
    terms = {row.cells[0] for row in table.rows}
    assert {"sync", "synchro", "late"} <= terms
    assert not terms & {"the", "und", "die", "que", "again"}
    assert not terms & rising.stop_words()
    assert "function words" in (table.note or "")


async def test_a_range_with_no_history_before_it_ranks_no_term(inbox: Inbox) -> None:
    """All the history is inside the range: nothing to compare with, so nothing is said
    to rise (not every word at a burst of hundreds), and the table says why."""
    await inbox.ingest(
        [mention(n, f"Kestrel outage today {n}", minutes_ago=n * 90) for n in range(50)]
    )
    settings = report.Settings.of(inbox.config, ("kestrel",))
    built = await report.build(inbox.db, parse_range("90d", inbox.now_ms()), settings)
    [table] = [t for t in built.section("awareness").tables if t.key == "awareness.rising"]
    assert table.rows == ()
    assert "no mentions before this range to compare with" in (table.note or "")
    assert ": the first is from 2026-11-1" in (table.note or "")


def test_words_are_split_as_the_search_index_splits_them() -> None:
    assert words_in("Crème brûlée at 10:30, see https://kestrel.app/pricing_page") == {
        "creme", "brulee", "see", "https", "kestrel", "app", "pricing", "page",
    }  # fmt: skip
    assert words_in("Kestrel est génial", frozenset({"kestrel"})) == {"est", "genial"}


@pytest.fixture
def history(db_path: Path) -> Path:
    async def seed() -> None:
        async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
            await box.ingest(_history())

    asyncio.run(seed())
    return db_path


async def test_the_dashboard_adds_rising_terms_after_its_figures(history: Path) -> None:
    app = make_app(history)
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await press(pilot, "D")
        options = pilot.app.screen.query_one(OptionList)

        def prompts() -> list[str]:
            return [
                str(options.get_option_at_index(i).prompt).strip()
                for i in range(options.option_count)
            ]

        await wait_until(pilot, lambda: any(p.startswith("outage") for p in prompts()))
        assert not any("counting…" in p for p in prompts())
        assert prompts().count("Rising terms") == 1


async def _plain_counts(box: Inbox, start_ms: int, end_ms: int) -> Counter[str]:
    """Mentions holding each word or #tag in [start, end), recounted from the rows."""
    found: Counter[str] = Counter()
    for text, link in await fetch_all(
        box.db.reader,
        "SELECT text, link FROM mentions WHERE watch_set IS NULL "
        "AND created_ms >= ? AND created_ms < ?",
        (start_ms, end_ms),
    ):
        found.update(words_in(text + ("\n" + link if link else "")))
    for tag, n in await fetch_all(
        box.db.reader,
        "SELECT t.tag, count(DISTINCT t.mention_id) FROM mention_hashtags t "
        "JOIN mentions m ON m.id = t.mention_id WHERE m.watch_set IS NULL "
        "AND m.created_ms >= ? AND m.created_ms < ? GROUP BY t.tag",
        (start_ms, end_ms),
    ):
        found[f"#{tag}"] = n
    return found


async def _kept_hours(box: Inbox) -> dict[int, int]:
    return dict(await fetch_all(box.db.reader, "SELECT hour, mentions FROM term_hours_counted"))


@pytest.mark.both_engines
async def test_the_hours_at_a_ranges_ends_are_counted_once_and_again_when_they_move(
    inbox: Inbox,
) -> None:
    await inbox.ingest(_history())
    period = parse_range("24h", inbox.now_ms())  # 13:00 to 13:00: two part days, all hours
    counted = await rising.counts(inbox.db, "", period.start_ms, period.end_ms, frozenset())
    assert counted == await _plain_counts(inbox, period.start_ms, period.end_ms)
    kept = await _kept_hours(inbox)
    [(hour,)] = await fetch_all(  # the hour of the newest outage post, as kept
        inbox.db.reader,
        "SELECT max(created_ms) / 3600000 FROM mentions WHERE text LIKE '%outage again%'",
    )
    assert kept[hour] == 1 and len(kept) >= 24  # the range's 24 hours, and the baseline's
    # A late post lands in a kept hour: that hour is counted again, the others are kept.
    await inbox.ingest([mention(9500, "Kestrel zeppelin question", minutes_ago=0)])
    again = await rising.counts(inbox.db, "", period.start_ms, period.end_ms, frozenset())
    assert again == await _plain_counts(inbox, period.start_ms, period.end_ms)
    assert again["zeppelin"] == 1 and again["question"] == counted["question"] + 1
    assert (await _kept_hours(inbox))[hour] == 2
    # A text edited in a kept hour (a correction, a re-read): that hour is read again.
    async with inbox.db.transaction() as conn:
        await conn.execute(
            "UPDATE mentions SET text = 'Kestrel zeppelin landed' WHERE external_id LIKE '%-9500'"
        )
    edited = await rising.counts(inbox.db, "", period.start_ms, period.end_ms, frozenset())
    assert edited["landed"] == 1 and edited["question"] == counted["question"]
    assert edited == await _plain_counts(inbox, period.start_ms, period.end_ms)
