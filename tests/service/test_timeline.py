"""A customer's history: mentions on every network and every interaction, newest first,
windowed like the inbox, with offline contacts and notes, and what it says about them."""

from __future__ import annotations

import io
import json

import pytest

from scrm_tui.core.history import Stance, mood_trend, stance, weekly_trend
from scrm_tui.core.models import Channel, CustomerIn, Status
from scrm_tui.core.query import Query
from scrm_tui.service.export import export_interactions
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.timeline import TimelineSource, customer_summary, timeline_window
from scrm_tui.service.window import Window
from scrm_tui.store.timeline import TimelineStore
from tests.conftest import NOW, mention

DAY_MS = 86_400_000
NOW_MS = int(NOW.timestamp() * 1000)
KATE = CustomerIn(
    name="Kate Lindqvist",
    identities=((Channel.MASTODON, "kate@hachyderm.io"), (Channel.GITHUB, "klindqvist")),
)


async def seed(inbox: Inbox) -> int:
    [kate] = (await inbox.add_customers([KATE])).ids
    await inbox.ingest(
        [
            mention(1, "Kestrel sync is wonderful, thank you!", handle="kate@hachyderm.io"),
            mention(
                2, "sync broke again, really annoyed", channel=Channel.GITHUB, handle="klindqvist"
            ),
            mention(3, "someone else entirely", handle="other@example.social"),
        ]
    )
    return kate


@pytest.mark.both_engines
async def test_history_spans_channels_and_contacts_newest_first(inbox: Inbox) -> None:
    kate = await seed(inbox)
    await inbox.log_contact(
        kate,
        "call",
        "Called about the outage; she was very unhappy",
        direction="in",
        at_ms=NOW_MS - 3 * DAY_MS,
    )
    await inbox.add_note(kate, "VIP: loop in Sam on anything billing")
    window = timeline_window(inbox, kate)
    await window.start()
    await window.ensure(0, 50)
    kinds = [(item.kind, item.channel) for item in window.rows if item.kind != "link"]
    # Each handle was linked when first seen, and the history says how.
    links = [item for item in window.rows if item.kind == "link"]
    assert [(i.channel, i.actor) for i in links] == [("mastodon", "scrm"), ("github", "scrm")]
    assert all(i.text.startswith("linked by a known handle") for i in links)
    # Newest first: the note and the import (now), the mentions (minutes ago), the call.
    assert kinds == [
        ("note", None),
        ("customer", None),
        ("mention", "mastodon"),
        ("mention", "github"),
        ("call", None),
    ]
    assert "other@example.social" not in {item.actor for item in window.rows}
    note = window.rows[0]
    assert (note.actor, note.compound) == ("tester", None)  # an agent's note is not scored
    call = next(item for item in window.rows if item.kind == "call")
    assert call.direction == "in" and call.compound is not None and call.compound < -0.3


@pytest.mark.both_engines
async def test_filters_by_channel_and_kind(inbox: Inbox) -> None:
    kate = await seed(inbox)
    await inbox.log_contact(kate, "email", "Thanks for the quick fix!", direction="in")
    github = timeline_window(inbox, kate, channels=["github"])
    await github.start()
    await github.ensure(0, 50)
    assert [(i.kind, i.channel) for i in github.rows] == [("link", "github"), ("mention", "github")]
    contacts = timeline_window(inbox, kate, kinds=["email", "call"])
    await contacts.start()
    await contacts.ensure(0, 50)
    assert [i.kind for i in contacts.rows] == ["email"]
    assert await contacts.load_count() == 1


@pytest.mark.both_engines
async def test_ten_thousand_items_page_in_order(inbox: Inbox) -> None:
    kate = await seed(inbox)
    async with inbox.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO interactions (kind, occurred_ms, actor, customer_id, summary) "
            "VALUES ('call', ?, 'tester', ?, ?)",
            [(NOW_MS - n * 60_000 - 30_000, kate, f"call {n}") for n in range(10_000)],
        )
    window = timeline_window(inbox, kate)
    await window.start()
    total = await window.load_count()
    assert total == 10_000 + 5  # two mentions, their two links, the import
    await window.ensure(9_990, total)  # jump to the end: read from the oldest
    assert window.get(total - 1).text == "call 9999"  # type: ignore[union-attr]
    await window.ensure(5_000, 5_040)
    rows = [window.get(i) for i in range(5_000, 5_040)]
    keys = [row.sort_key for row in rows if row is not None]
    assert len(keys) == 40 and keys == sorted(keys, reverse=True)
    assert len(window.rows) <= 1000  # windowed, never the whole history in memory


@pytest.mark.both_engines
async def test_ties_between_posts_and_contacts_page_alike_both_ways(inbox: Inbox) -> None:
    """Each part of a history is paged from its own index and merged: items of both
    parts at the same moment still come one after another, none twice, none lost."""
    kate = await seed(inbox)
    await inbox.ingest(
        [
            mention(1000 + n, f"tied post {n}", handle="kate@hachyderm.io", minutes_ago=n // 10)
            for n in range(300)
        ]
    )
    async with inbox.db.transaction() as conn:
        cursor = await conn.execute(
            "SELECT created_ms FROM mentions WHERE external_id LIKE 'mastodon-1%'"
        )
        moments = [row[0] for row in await cursor.fetchall()]
        await conn.executemany(
            "INSERT INTO interactions (kind, occurred_ms, actor, customer_id, summary) "
            "VALUES ('call', ?, 'tester', ?, 'tied call')",
            [(at, kate) for at in moments],
        )
    window = Window(TimelineSource(TimelineStore(inbox.db), kate), page=7)
    await window.start()
    total = await window.load_count()
    await window.ensure(0, total)
    down = [window.get(i) for i in range(total)]
    assert None not in down and len({row.uid for row in down if row}) == total >= 600
    keys = [row.sort_key for row in down if row]
    assert keys == sorted(keys, reverse=True)
    # From the oldest upwards: the same list, read with the other keyset query.
    back = Window(TimelineSource(TimelineStore(inbox.db), kate), page=7)
    await back.start()
    await back.load_count()
    await back.ensure(total - 7, total)
    await back.ensure(0, total)
    assert [back.get(i) for i in range(total)] == down


@pytest.mark.both_engines
async def test_summary_tallied_in_sql_matches_every_item(inbox: Inbox) -> None:
    """Stance, scored count and trend of a long history come from tallies by day; they
    agree with the same figures drawn from every item, at day and week scale alike."""
    kate = await seed(inbox)
    words = ("Love it, great support", "awful, broken again", "it is a tool")
    await inbox.record_contacts(
        [
            (kate, "call", words[n % 3], "in", NOW_MS - n * 7_200_000 - 1 + (n % 5), "t")
            for n in range(-5, 2_000)  # some dated ahead of the clock
        ]
    )
    everything = await TimelineStore(inbox.db).at(kate, offset=0, limit=10_000)
    points = [(item.at_ms, item.compound) for item in everything if item.compound is not None]
    summary = await customer_summary(inbox, kate)
    trend, label = mood_trend(points, inbox.now_ms())
    assert summary.scored == len(points) == 2_007
    assert summary.stance is stance([score for _, score in points])
    assert summary.trend_label == label == "mood by week, last 12"
    assert [round(v, 9) for v in summary.trend] == [round(v, 9) for v in trend]


@pytest.mark.both_engines
async def test_contacts_and_notes_are_exported(inbox: Inbox) -> None:
    kate = await seed(inbox)
    await inbox.log_contact(kate, "survey", "NPS 9: would recommend", direction="in")
    await inbox.add_note(kate, "asked for a case study")
    out = io.StringIO()
    await export_interactions(inbox, out, "jsonl", terminal=False)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    by_kind = {row["kind"]: row for row in rows}
    assert by_kind["survey"]["direction"] == "in" and by_kind["survey"]["compound"] > 0.3
    assert by_kind["note"]["summary"] == "asked for a case study"


@pytest.mark.both_engines
async def test_summary_labels_and_trend(inbox: Inbox) -> None:
    kate = await seed(inbox)
    for days in (1, 8, 15):
        await inbox.log_contact(
            kate,
            "call",
            "Love it, great support, thanks so much",
            direction="in",
            at_ms=NOW_MS - days * DAY_MS,
        )
    summary = await customer_summary(inbox, kate)
    assert summary.profile["name"] == "Kate Lindqvist"
    assert summary.scored == 5  # two mentions and three calls
    assert summary.stance is Stance.ADVOCATE
    # A young history is drawn by day (by week it would be one bar in a flat line).
    assert summary.trend_label == "mood by day, last 14"
    assert len(summary.trend) == 14 and summary.trend[-1] > 0
    await inbox.log_contact(kate, "call", "awful", direction="in", at_ms=NOW_MS - 40 * DAY_MS)
    older = await customer_summary(inbox, kate)
    assert older.trend_label == "mood by week, last 12" and len(older.trend) == 12


def test_stance_needs_enough_voices_and_weighs_the_negative() -> None:
    assert stance([0.9, 0.8]) is Stance.QUIET
    assert stance([0.9, 0.8, 0.7, 0.6]) is Stance.ADVOCATE
    assert stance([0.9, -0.8, -0.7, 0.1]) is Stance.DETRACTOR
    assert stance([0.6, 0.0, 0.0, -0.2, 0.3]) is Stance.MIXED


def test_weekly_trend_carries_silent_weeks() -> None:
    week = 7 * DAY_MS
    trend = weekly_trend([(NOW_MS - 5 * week, -0.5), (NOW_MS - 1, 0.5)], NOW_MS, weeks=7)
    assert trend == [0.0, -0.5, -0.5, -0.5, -0.5, -0.5, 0.5]


@pytest.mark.both_engines
async def test_actions_before_the_author_was_linked_join_the_history(inbox: Inbox) -> None:
    await inbox.ingest([mention(1, "sync broken", handle="stranger@example.social")])
    [row] = await inbox.page_older(Query(), None, 5)
    await inbox.set_status([row.id], Status.DONE)  # nobody knows who this is yet
    [kate] = (await inbox.add_customers([KATE])).ids
    author = await inbox.linker.author(row.id)
    assert author is not None
    await inbox.linker.confirm(author.id, kate)
    window = timeline_window(inbox, kate)
    await window.start()
    kinds = [item.kind for item in window.rows]
    assert "status" in kinds and "mention" in kinds and "link" in kinds
