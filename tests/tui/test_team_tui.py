"""`a` assigns, `A` takes, `t` tags: on one mention, on a selection, on a customer;
driven by keys through the pilot, checked on the screen and in the database."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from scrm_tui.core.models import Channel, CustomerIn
from scrm_tui.core.tags import parse_edit
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.dialogs.assign import AssignScreen
from scrm_tui.ui.dialogs.tag_edit import TagScreen
from scrm_tui.ui.screens.customer import CustomerScreen
from scrm_tui.ui.widgets.timeline_list import TimelineList
from tests.conftest import fixed_clock, mention
from tests.support.tui import (
    detail_text,
    list_lines,
    press,
    running,
    static_text,
    status_text,
    toasts,
    wait_until,
    wait_while_working,
)

WIDE = (120, 30)
TEAM = ("dana", "lee")
ANN = CustomerIn(
    name="Ann Example", external_id="C-1", identities=((Channel.MASTODON, "ann@example.social"),)
)


async def _seed(db_path: Path) -> list[int]:
    """Three mentions, newest first on screen: Ann's 'invoice' one, then two others."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.add_customers([ANN])
        result = await box.ingest(
            [
                mention(1, "charged twice for my invoice", handle="ann@example.social"),
                mention(2, "sync is stuck again"),
                mention(3, "love the new timeline"),
            ]
        )
        await box.edit_tags(result.stored[2:], parse_edit("+billing-eu"))
        return sorted(result.stored)


@pytest.fixture
def seeded(db_path: Path) -> tuple[Path, list[int]]:
    return db_path, asyncio.run(_seed(db_path))


def stored(db_path: Path) -> list[tuple[int, str | None, str | None]]:
    """(mention id, assignee, tags) as another process reads them."""
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT m.id, m.assignee, (SELECT group_concat(tag, ' ') FROM "
            "(SELECT tag FROM mention_tags t WHERE t.mention_id = m.id ORDER BY tag)) "
            "FROM mentions m ORDER BY m.id"
        ).fetchall()


def history(db_path: Path) -> list[tuple[str, str]]:
    """(summary, actor) of each assignment recorded, oldest first."""
    with sqlite3.connect(db_path) as conn:
        sql = "SELECT summary, actor FROM interactions WHERE kind = 'assign' ORDER BY id"
        return conn.execute(sql).fetchall()


def options(pilot) -> list[str]:  # type: ignore[no-untyped-def]
    listing = pilot.app.screen.query_one(OptionList)
    return [listing.get_option_at_index(i).prompt.plain for i in range(listing.option_count)]


async def test_a_assigns_the_mention_to_an_agent_found_by_part_of_a_name(
    seeded: tuple[Path, list[int]],
) -> None:
    db_path, ids = seeded
    async with running(db_path, WIDE, toasts=True, team_agents=TEAM) as pilot:
        await press(pilot, "a")
        assert isinstance(pilot.app.screen, AssignScreen)
        assert options(pilot) == ["tester  (you)", "dana", "lee", "nobody: unassign"]
        await press(pilot, *"dn")  # a slip of the finger still finds her
        assert options(pilot)[0] == "dana"
        await press(pilot, "enter")
        assert list_lines(pilot)[0].rstrip().endswith("→dana")
        assert "Assigned to dana." in toasts(pilot)
        assert stored(db_path)[0][:2] == (ids[0], "dana")
        await press(pilot, "enter")
        assert "→ assigned to dana" in detail_text(pilot)


async def test_nobody_in_the_picker_unassigns_and_A_takes_it(
    seeded: tuple[Path, list[int]],
) -> None:
    db_path, ids = seeded
    async with running(db_path, WIDE, toasts=True, team_agents=TEAM) as pilot:
        await press(pilot, "A")
        assert list_lines(pilot)[0].rstrip().endswith("→tester")
        assert "Assigned to you." in toasts(pilot)
        await press(pilot, "a")
        assert options(pilot)[0] == "tester  (you, assigned now)"
        await press(pilot, "down", "down", "down", "enter")
        assert "→" not in list_lines(pilot)[0]
        assert stored(db_path)[0][:2] == (ids[0], None)
        assert history(db_path) == [
            ("assigned to tester", "tester"),
            ("unassigned (was tester)", "tester"),
        ]
        await press(pilot, "a", *"zed")
        assert options(pilot) == []  # typed: Enter never unassigns for want of a match
        assert "No agent matches 'zed'" in static_text(pilot, "#assign-message")
        await press(pilot, "enter", "escape")
        assert stored(db_path)[0][:2] == (ids[0], None)


async def test_a_and_t_act_on_every_selected_mention(seeded: tuple[Path, list[int]]) -> None:
    db_path, ids = seeded
    async with running(db_path, WIDE, toasts=True, team_agents=TEAM) as pilot:
        await press(pilot, "space", "space", "a", *"lee", "enter")
        assert "Assigned 2 mentions to lee." in toasts(pilot)
        await press(pilot, "t", *"+urgent vip", "enter")
        assert "Tagged 2 mentions: +urgent +vip." in toasts(pilot)
        assert stored(db_path) == [
            (ids[0], "lee", "urgent vip"),
            (ids[1], "lee", "urgent vip"),
            (ids[2], None, "billing-eu"),
        ]
        lines = [line.rstrip() for line in list_lines(pilot)[:3]]
        assert lines[0].endswith("[urgent +1] →lee") and lines[1].endswith("[urgent +1] →lee")
        assert lines[2].endswith("[billing-eu]")


async def test_t_completes_from_the_tags_in_use_and_names_a_bad_word(
    seeded: tuple[Path, list[int]],
) -> None:
    db_path, ids = seeded
    async with running(db_path, (80, 24), toasts=True) as pilot:
        await press(pilot, "t")
        screen = pilot.app.screen
        assert isinstance(screen, TagScreen)
        box = screen.query_one(Input)
        await press(pilot, *"+bi")
        await wait_until(pilot, lambda: "+billing-eu" in box.render_line(0).text)
        await press(pilot, "right", *" x#y")
        assert box.value == "+billing-eu x#y"
        message = static_text(pilot, "#tags-message")
        assert "column 13: tag 'x#y' has '#' at position 2" in " ".join(message.split())
        await press(pilot, "enter")
        assert pilot.app.screen is screen  # nothing written while a word is wrong
        await press(pilot, "backspace", "backspace", "enter")
        assert "Tagged the mention: +billing-eu +x." in toasts(pilot)
        assert stored(db_path)[0] == (ids[0], None, "billing-eu x")
        # Tags show compactly on the row at any width; the assignee needs 120 columns.
        assert list_lines(pilot)[0].rstrip().endswith("[billing-eu +1]")
        await press(pilot, "t", *"billing-eu", "enter")  # toggled: it had it, so it goes
        assert stored(db_path)[0] == (ids[0], None, "x")


async def test_the_customer_view_tags_the_customer_and_shows_the_history(
    seeded: tuple[Path, list[int]],
) -> None:
    db_path, ids = seeded
    async with await Inbox.open(db_path, "dana", fixed_clock) as box:
        await box.assign(ids[:1], "dana")
    async with running(db_path, WIDE, toasts=True) as pilot:
        await press(pilot, "c")
        screen = pilot.app.screen
        assert isinstance(screen, CustomerScreen)
        await press(pilot, "t", *"vip key-account", "enter")
        assert "Tagged the customer: +vip +key-account." in toasts(pilot)
        head = screen.query_one("#customer-profile", Static)
        await wait_until(
            pilot,
            lambda: (
                "tags: key-account, vip"
                in "\n".join(head.render_line(y).text for y in range(head.size.height))
            ),
        )
        timeline = screen.query_one(TimelineList)
        assert timeline.window is not None
        lines = [(item.kind, item.actor, item.text) for item in timeline.window.rows]
        assert ("tag", "tester", "tagged the customer +vip +key-account") in lines
        assert ("assign", "dana", "assigned to dana") in lines
        drawn = [timeline.render_line(y).text for y in range(timeline.size.height)]
        assert any(" tag " in line and "tagged the customer" in line for line in drawn)


ASSIGN_ELSEWHERE = """
import asyncio, sys
from scrm_tui.core.tags import parse_edit
from scrm_tui.service.inbox import Inbox

async def main(path, mention_id):
    async with await Inbox.open(path, "dana") as box:
        await box.assign([mention_id], "dana")
        await box.edit_tags([mention_id], parse_edit("+escalated"))

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


async def test_another_agents_assignment_and_tags_show_in_this_inbox(
    seeded: tuple[Path, list[int]],
) -> None:
    db_path, ids = seeded
    async with running(db_path, WIDE) as pilot:
        assert "→" not in list_lines(pilot)[1]
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", ASSIGN_ELSEWHERE, str(db_path), str(ids[1])],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        await wait_until(pilot, lambda: list_lines(pilot)[1].rstrip().endswith("[escalated] →dana"))


async def test_a_selection_of_several_batches_counts_them_on_the_top_line(db_path: Path) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n) for n in range(1, 601)])
    async with running(db_path, WIDE, toasts=True) as pilot:
        await press(pilot, "T")
        # Another process holds the write lock: the first batch waits for it.
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("A")
            await wait_while_working(pilot, lambda: "assigning 0/600…" in status_text(pilot))
        finally:
            other.execute("ROLLBACK")
            other.close()
        await wait_until(pilot, lambda: "Assigned 600 mentions to you." in toasts(pilot))
        assert "assigning" not in status_text(pilot)
        assert {assignee for _, assignee, _ in stored(db_path)} == {"tester"}
