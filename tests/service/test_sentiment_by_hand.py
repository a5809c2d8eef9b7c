"""Corrections that teach: a sentiment set by hand (`s`) wins everywhere, is in the history
with who set it, undoes exactly, and with the agents' link decisions is kept as labelled
data that `scrm accuracy` measures the scorer and the matcher against."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from scrm_tui.core.models import Channel, CustomerIn, SentimentLabel
from scrm_tui.core.query import parse
from scrm_tui.core.selection import Selection
from scrm_tui.service.accuracy import accuracy, as_text, week_of
from scrm_tui.service.bulk import MoodChange
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.dialogs.mood import MoodScreen
from tests.conftest import fixed_clock, mention
from tests.e2e.test_cli import scrm
from tests.support import plain
from tests.support.tui import detail_text, make_app, press, settle, wait_until

LOVELY = "I love Kestrel, the new boards are wonderful and the sync is fast now!"
SARCASM = "Oh great, Kestrel deleted my boards again. Just great, thanks a lot!"
GERMAN = "Kestrel ist seit dem Update total kaputt, ich bin wirklich enttäuscht."


async def _ids(inbox: Inbox, query: str = "") -> list[int]:
    return [row.id for row in await inbox.page_older(parse(query), None, 100)]


async def _one(inbox: Inbox, mention_id: int) -> tuple[float | None, str | None]:
    [row] = await inbox.rows([mention_id])
    detail = await inbox.detail(mention_id)
    assert detail is not None
    return row.compound, detail.mood_by


@pytest.mark.both_engines
async def test_a_label_set_by_hand_wins_in_filters_and_is_in_the_history(inbox: Inbox) -> None:
    await inbox.ingest([mention(1, LOVELY), mention(2, GERMAN)])
    [lovely, german] = await _ids(inbox)  # newest first
    scored, _ = await _one(inbox, lovely)
    assert scored is not None and scored > 0.5
    assert await _ids(inbox, "s:pos") == [lovely]

    await inbox.run_bulk(Selection.of([lovely]), MoodChange(SentimentLabel.NEGATIVE))
    assert await _ids(inbox, "s:neg") == [lovely]
    assert await _ids(inbox, "s:pos") == []
    [row] = await inbox.rows([lovely])
    assert row.label is SentimentLabel.NEGATIVE
    assert (await _one(inbox, lovely))[1] == "tester"
    # An unscored mention can be labelled too: then it counts, as the agent said.
    await inbox.run_bulk(Selection.of([german]), MoodChange(SentimentLabel.NEGATIVE))
    assert sorted(await _ids(inbox, "s:neg")) == sorted([lovely, german])
    assert await _ids(inbox, "s:unscored") == []

    [(actor, summary)] = plain.rows(
        inbox.db.target,
        "SELECT actor, summary FROM interactions WHERE kind = 'sentiment' AND mention_id = ?",
        (lovely,),
    )
    assert actor == "tester" and summary.startswith("sentiment set to negative")
    assert "the scorer said positive" in summary


@pytest.mark.both_engines
async def test_undo_and_clear_put_the_scorer_s_figures_back_exactly(inbox: Inbox) -> None:
    await inbox.ingest([mention(1, LOVELY)])
    [lovely] = await _ids(inbox)
    before = await inbox.detail(lovely)
    assert before is not None and before.sentiment is not None
    await inbox.run_bulk(Selection.of([lovely]), MoodChange(SentimentLabel.NEUTRAL))
    await inbox.run_bulk(Selection.of([lovely]), MoodChange(SentimentLabel.NEGATIVE))
    # U undoes the last: neutral again, as the agent had set it.
    action = await inbox.last_action()
    assert action is not None and action.summary == "set 1 mention negative by hand"
    await inbox.undo(action)
    [row] = await inbox.rows([lovely])
    assert row.label is SentimentLabel.NEUTRAL and (await _one(inbox, lovely))[1] == "tester"
    # Back to the scorer: its own figures, to the last digit, and no label left.
    await inbox.run_bulk(Selection.of([lovely]), MoodChange(None))
    after = await inbox.detail(lovely)
    assert after is not None and after.sentiment == before.sentiment and after.mood_by is None
    assert plain.value(inbox.db.target, "SELECT count(*) FROM labels") == 0


@pytest.mark.both_engines
async def test_accuracy_counts_corrections_per_language_and_link_decisions(
    inbox: Inbox,
) -> None:
    await inbox.add_customers([CustomerIn(name="John Smith"), CustomerIn(name="Kate Lindqvist")])
    await inbox.ingest(
        [
            mention(1, LOVELY),
            mention(2, SARCASM),
            mention(3, GERMAN),
            mention(4, channel=Channel.REDDIT, handle="jsmyth", name="John Smyth"),
        ]
    )
    ids = {row.external_id: row.id for row in await inbox.page_older(parse(""), None, 10)}
    # The scorer said positive for 1 and 2: the agent agrees on 1; 2 is sarcasm; 3 unscored.
    await inbox.run_bulk(Selection.of([ids["mastodon-1"]]), MoodChange(SentimentLabel.POSITIVE))
    await inbox.run_bulk(Selection.of([ids["mastodon-2"]]), MoodChange(SentimentLabel.NEGATIVE))
    await inbox.run_bulk(Selection.of([ids["mastodon-3"]]), MoodChange(SentimentLabel.NEGATIVE))
    author = await inbox.linker.author(ids["reddit-4"])
    assert author is not None and author.match_state == "suggested"
    await inbox.linker.reject(author.id, 1)  # the suggestion was wrong...
    await inbox.linker.undo(author.id)  # ...no, taken back: not a decision any more
    await inbox.linker.confirm(author.id, 1)

    report = await accuracy(inbox.db, inbox.now_ms(), 4)
    week = week_of(inbox.now_ms())
    by_lang = {(s.week, s.lang): s for s in report.sentiment}
    english = by_lang[(week, "en")]
    assert (english.corrected, english.scored, english.agreed) == (2, 2, 1)
    assert english.agreement == 0.5
    german = by_lang[(week, "de")]
    assert (german.corrected, german.unscored, german.agreement) == (1, 1, None)
    [links] = report.links
    assert (links.kind, links.confirmed, links.rejected, links.precision) == (
        "suggested",
        1,
        0,
        1.0,
    )
    assert links.best_precision == 1.0
    text = as_text(report)
    [line] = [x.split() for x in text.splitlines() if x.split()[:2] == [week, "en"]]
    assert line == [week, "en", "2", "2", "1", "50%", "0"]
    assert any(x.split()[:2] == [week, "suggested"] for x in text.splitlines())


def test_scrm_accuracy_prints_tables_or_json(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    empty = scrm("--db", str(db), "accuracy")
    assert empty.returncode == 1 and "no database" in empty.stderr

    async def seed() -> None:
        async with await Inbox.open(db, "dana", fixed_clock) as inbox:
            await inbox.ingest([mention(1, LOVELY)])
            [lovely] = await _ids(inbox)
            await inbox.run_bulk(Selection.of([lovely]), MoodChange(SentimentLabel.NEGATIVE))

    asyncio.run(seed())
    result = scrm("--db", str(db), "accuracy", "--weeks", "520")
    assert result.returncode == 0, result.stderr
    assert "Sentiment: the scorer against" in result.stdout and "0%" in result.stdout
    as_json = json.loads(scrm("--db", str(db), "accuracy", "--weeks", "520", "--json").stdout)
    [only] = as_json["sentiment"]
    assert (only["language"], only["corrected"], only["agreed"]) == ("en", 1, 0)
    bad = scrm("--db", str(db), "accuracy", "--weeks", "0")
    assert bad.returncode != 0 and "--weeks 0" in bad.stderr


async def test_s_in_the_inbox_sets_it_and_the_reading_pane_says_who(db_path: Path) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(1, LOVELY)])
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "s")
        assert isinstance(pilot.app.screen, MoodScreen)
        await press(pilot, "n")
        await wait_until(pilot, lambda: "set by tester" in detail_text(pilot))
        assert "negative" in detail_text(pilot)
