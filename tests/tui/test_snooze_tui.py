"""`z` and `o` from the keyboard: what the agent sees, and what the database then holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scrm_tui.core.config import Config
from scrm_tui.core.models import Channel, CustomerIn, Order
from scrm_tui.core.query import Query
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.dialogs.snooze import SnoozeScreen
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import NOW, fixed_clock, mention
from tests.support.tui import (
    detail_text,
    inbox_screen,
    list_lines,
    press,
    running,
    static_text,
    status_text,
    wait_until,
)

BERLIN = {"timezone": "Europe/Berlin"}  # the fixed now is Friday 20 Nov, 13:00 there
TEXTS = [
    "Kestrel sync is broken AGAIN. Third time this week!!!",
    "Love the new timeline view in 4.2, great work",
    "Does Kestrel support CalDAV calendars?",
    "The Android app is so slow it hurts, why?",
    "Switched our team from Trello to Kestrel, no regrets",
]


async def seed(db_path: Path, count: int = 40) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.add_customers(
            [
                CustomerIn(
                    name="Big Co",
                    tier="enterprise",
                    lifetime_value=80_000,
                    identities=((Channel.MASTODON, "user7@example.social"),),
                )
            ]
        )
        await box.ingest(
            [
                mention(n, f"n{n:04d} " + TEXTS[n % len(TEXTS)], followers=(n * 997) % 20_000)
                for n in range(count)
            ]
        )


def the_list(pilot) -> MentionList:
    return pilot.app.screen.query_one(MentionList)


def snoozed(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(db_path) as conn:
        return dict(
            conn.execute(
                "SELECT substr(text, 1, 5), snoozed_until_ms FROM mentions "
                "WHERE snoozed_until_ms IS NOT NULL"
            ).fetchall()
        )


def recorded(db_path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT kind, actor, summary FROM interactions WHERE kind IN ('snoozed', 'woke') "
            "ORDER BY id"
        ).fetchall()


def message(pilot) -> str:
    return static_text(pilot, "#snooze-message")


async def test_z_shows_when_before_enter_snoozes_and_the_mention_leaves(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path, **BERLIN) as pilot:
        await press(pilot, "j")
        assert the_list(pilot).selected.snippet.startswith("n0001")
        await press(pilot, "z", *"2h")
        assert isinstance(pilot.app.screen, SnoozeScreen)
        assert "until Fri 20 Nov 15:00 (in 2h)" in message(pilot)
        assert snoozed(db_path) == {}  # nothing until Enter
        await press(pilot, "enter")
        await wait_until(pilot, lambda: bool(snoozed(db_path)))
        assert snoozed(db_path) == {"n0001": int(NOW.timestamp() * 1000) + 2 * 3_600_000}
        lines = list_lines(pilot)
        assert not any("n0001" in line for line in lines)
        # The cursor stays on its line: on the mention that was below.
        assert the_list(pilot).selected.snippet.startswith("n0002")
        position = inbox_screen(pilot).query_one("#position").render().plain.strip()
        assert position == "2/39"
    assert recorded(db_path) == [
        ("snoozed", "tester", "snoozed until 2026-11-20 15:00 Europe/Berlin")
    ]


async def test_a_bad_time_is_an_error_under_the_input_and_nothing_changes(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path, **BERLIN) as pilot:
        await press(pilot, "z", *"tomorow 9")
        assert "'tomorow' is not a time I know" in message(pilot)
        assert "(at column 1)" in message(pilot)
        await press(pilot, "enter")  # refused: the dialog stays, still saying why
        assert isinstance(pilot.app.screen, SnoozeScreen)
        assert "'tomorow' is not a time I know" in message(pilot)
        await press(pilot, "escape")
        assert not isinstance(pilot.app.screen, SnoozeScreen)
        assert any("n0000" in line for line in list_lines(pilot))
    assert snoozed(db_path) == {} and recorded(db_path) == []


async def test_z_on_a_selection_snoozes_them_all(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path, **BERLIN) as pilot:
        await press(pilot, "space", "space", "space")
        await press(pilot, "z", *"mon")
        assert "Snooze 3 mentions until" in static_text(pilot, "#snooze-title")
        assert "until Mon 23 Nov 09:00 (in 2d 20h)" in message(pilot)
        await press(pilot, "enter")
        await wait_until(pilot, lambda: len(snoozed(db_path)) == 3)
        assert set(snoozed(db_path)) == {"n0000", "n0001", "n0002"}
        assert not any(f"n000{n}" in "".join(list_lines(pilot)) for n in range(3))
        assert "selected" not in status_text(pilot)
        # A bulk action like x or t: U puts them back, as they were (unread still).
        await press(pilot, "U")
        assert "snoozed 3 mentions until" in static_text(pilot, "#undo-what")
        await press(pilot, "y")
        await wait_until(pilot, lambda: snoozed(db_path) == {})
        await wait_until(pilot, lambda: "n0000" in "".join(list_lines(pilot)))
        assert all(f"n000{n}" in "".join(list_lines(pilot)) for n in range(3))
        assert "40 unread" in status_text(pilot)
    assert recorded(db_path)[-3:] == [("woke", "tester", "snooze undone")] * 3


async def test_z_on_a_snoozed_mention_wakes_it_now(db_path: Path) -> None:
    """A list that shows snoozed mentions (as `is:snoozed` does): z offers to wake it."""
    await seed(db_path)
    async with await Inbox.open(db_path, "dana", fixed_clock) as dana:
        dana.configure(Config(**BERLIN))
        (first,) = await dana.page_older(Query(), None, 1)
        await dana.set_read([first.id], True)
        await dana.snoozes.snooze([first.id], dana.snoozes.read("mon"))
    async with running(db_path, **BERLIN) as pilot:
        await press(pilot, "slash", *"is:snoozed", "enter")
        await wait_until(pilot, lambda: the_list(pilot).selected is not None)
        assert the_list(pilot).selected.id == first.id
        await wait_until(pilot, lambda: "snoozed until Mon 23 Nov 09:00" in detail_text(pilot))
        await press(pilot, "z")
        assert "Snoozed until Mon 23 Nov 09:00" in static_text(pilot, "#snooze-title")
        assert "Enter wakes it now" in message(pilot)
        await press(pilot, "enter")
        await wait_until(pilot, lambda: snoozed(db_path) == {})
        await wait_until(pilot, lambda: "snoozed until" not in detail_text(pilot))
    assert recorded(db_path)[-1] == ("woke", "tester", "woken early by tester")


async def test_o_sorts_by_priority_keeps_the_selection_and_says_so(db_path: Path) -> None:
    await seed(db_path)
    async with await Inbox.open(db_path, "reader", fixed_clock) as reader:
        ranked = await reader.page_older(Query(), None, 100, order=Order.PRIORITY)
    async with running(db_path) as pilot:
        await press(pilot, "j", "j", "j")
        chosen = the_list(pilot).selected
        assert "by priority" not in status_text(pilot)
        await press(pilot, "o")
        assert "by priority" in status_text(pilot)
        assert the_list(pilot).selected.id == chosen.id
        assert the_list(pilot).cursor == [row.id for row in ranked].index(chosen.id)
        await press(pilot, "g")
        shown = [line for line in list_lines(pilot) if line.strip()]
        for line, row in zip(shown, ranked, strict=False):
            assert row.snippet[:5] in line
        # The enterprise customer's mention is first, with its priority on the row...
        assert ranked[0].customer_name == "Big Co"
        assert f" {ranked[0].priority} ◆Big Co" in shown[0]
        # ...and the reading pane says why.
        await wait_until(
            pilot, lambda: f"P{ranked[0].priority}: enterprise customer" in detail_text(pilot)
        )
        await press(pilot, "G")
        assert ranked[-1].snippet[:5] in the_list(pilot).selected.snippet
        await press(pilot, "o")
        assert "by priority" not in status_text(pilot)
        assert the_list(pilot).selected.id == ranked[-1].id


async def test_in_priority_order_an_arrival_takes_its_place_and_is_counted(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path) as pilot:
        await press(pilot, "o", "j", "j")
        chosen = the_list(pilot).selected
        async with await Inbox.open(db_path, "collector", fixed_clock) as other:
            await other.ingest(
                [
                    mention(500, "n0500 Why is EVERYTHING broken? Awful.", followers=90_000),
                    mention(501, "n0501 fine", followers=0, minutes_ago=600),
                ]
            )
            ranked = await other.page_older(Query(), None, 100, order=Order.PRIORITY)
        await wait_until(pilot, lambda: the_list(pilot).window.total == 42)
        assert the_list(pilot).selected.id == chosen.id
        assert the_list(pilot).cursor == [row.id for row in ranked].index(chosen.id)
        await wait_until(pilot, lambda: "42 mentions" in status_text(pilot))
        assert "↑ 1 new" in status_text(pilot)  # the urgent one, above the view
        await press(pilot, "g")
        assert "n0500" in list_lines(pilot)[0] or "n0500" in "".join(list_lines(pilot))
