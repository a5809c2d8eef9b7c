"""SVG snapshots of the inbox: what a user sees at common terminal sizes.

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from scrm_tui.core.models import Channel, CustomerIn
from scrm_tui.core.query import Query
from scrm_tui.core.tags import parse_edit
from scrm_tui.core.views import View
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.support.tui import inbox_screen, make_app, settle, wait_until, wait_while_working

POSTS = [
    ("Kestrel sync has been stuck on 'Connecting…' for an hour. EU region down?", "mastodon"),
    ("Honestly the 4.2 timeline view is the best thing Kestrel has shipped 🎉", "bluesky"),
    ("Ask HN: anyone running Kestrel self-hosted behind a reverse proxy?", "hackernews"),
    ("[URGENT] \x1b[31mrefund\x1b[0m [@click=app.quit]click here[/]", "reddit"),
    ("Sync fails with 502 on large workspaces (>10k tasks)", "github"),
    ("Kestrel raises prices by 40%: what it means for small teams", "rss"),
    ("oh great, another 'improvement' to the timeline. love that for me 🙃", "mastodon"),
    ("¿Alguien sabe si Kestrel funciona sin conexión en Android?", "bluesky"),
    ("Switched from Trello last month, the keyboard shortcuts alone are worth it", "reddit"),
    ("The Android app takes 9 seconds to open. Nine.", "mastodon"),
    ("invoice\u202egpj.exe – can support check this attachment?", "bluesky"),
    ("同期が壊れています。助けてください！", "mastodon"),
]


async def _seed(db_path: Path) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.add_customers(
            [
                CustomerIn(
                    name="Kate Lindqvist",
                    external_id="C-1",
                    company="Acme AB",
                    tier="pro",
                    identities=((Channel.MASTODON, "user0@example.social"),),
                )
            ]
        )
        await box.ingest(
            [
                mention(n * 7, text, channel=Channel(channel), minutes_ago=n * 37 + 2)
                for n, (text, channel) in enumerate(POSTS * 4)
            ]
        )
        rows = await box.page_older(Query(), None, 10)
        await box.set_read([rows[2].id, rows[3].id], True)


@pytest.fixture
def seeded(db_path: Path) -> Path:
    asyncio.run(_seed(db_path))
    return db_path


async def _ready(pilot) -> None:
    await settle(pilot)


async def _moved(pilot) -> None:
    await settle(pilot)
    await pilot.press("j", "j", "j")
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
def test_inbox(snap_compare, seeded: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(seeded), terminal_size=size, run_before=_ready)


def test_inbox_hostile_row_selected(snap_compare, seeded: Path) -> None:
    assert snap_compare(make_app(seeded), terminal_size=(80, 24), run_before=_moved)


def test_filter_open(snap_compare, seeded: Path) -> None:
    async def filtering(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash")
        # A blinking cursor would make the picture depend on the moment it is taken.
        pilot.app.screen.query_one("#filter-input").cursor_blink = False
        await pilot.press(*"sync")
        # Results appear while typing, once the debounce has passed: no Enter.
        screen = inbox_screen(pilot)
        await wait_until(pilot, lambda: screen.query_.source == "sync")
        await settle(pilot)

    assert snap_compare(make_app(seeded), terminal_size=(80, 24), run_before=filtering)


def test_filter_mistake_shown_where_it_is(snap_compare, seeded: Path) -> None:
    """A bad filter: a caret under the part that is wrong, the column and why; the
    list behind keeps the last good filter."""

    async def mistaken(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *"kestrel", "enter")
        await settle(pilot)
        await pilot.press("slash")
        field = pilot.app.screen.query_one("#filter-input")
        field.cursor_blink = False
        # All at once: typed key by key, a pause could apply a part of it ("kestrel O").
        field.value = "kestrel OR (sync prio:>200"
        field.cursor_position = len(field.value)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(seeded), terminal_size=(80, 24), run_before=mistaken)


def test_help(snap_compare, seeded: Path) -> None:
    async def helping(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(seeded), terminal_size=(80, 24), run_before=helping)


def test_inbox_by_priority(snap_compare, seeded: Path) -> None:
    """`o`: rows by priority, each with its figure, the pane saying what makes it."""

    async def by_priority(pilot) -> None:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)

    assert snap_compare(make_app(seeded), terminal_size=(80, 24), run_before=by_priority)


def test_snooze_dialog(snap_compare, seeded: Path) -> None:
    """`z`: what was understood, before Enter snoozes."""

    async def snoozing(pilot) -> None:
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        pilot.app.screen.query_one("#snooze-when").cursor_blink = False
        await pilot.press(*"tomorrow 9:30")
        await settle(pilot)

    app = make_app(seeded, timezone="Europe/Berlin")
    assert snap_compare(app, terminal_size=(80, 24), run_before=snoozing)


async def _seed_team(db_path: Path) -> None:
    """Tags and assignees on a few rows: several tags, one too long for the row."""
    await _seed(db_path)
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        rows = await box.page_older(Query(), None, 6)
        await box.edit_tags([rows[0].id, rows[1].id], parse_edit("+billing +refund +vip"))
        await box.edit_tags([rows[3].id], parse_edit("+needs-engineering-followup-q4"))
        await box.assign([rows[0].id, rows[3].id], "dana")
        await box.assign([rows[1].id], "priya.ramaswamy-ops")
    # dana's scrm (on another host) has been answering the first one for 12 s
    since = int(fixed_clock() * 1000) - 12_000
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO claims VALUES (?, 'dana', 'elsewhere:1:1', 'reply', ?, ?)",
            (rows[0].id, since, since),
        )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_rows_with_tags_assignee_claim_and_priority(
    snap_compare, db_path: Path, size: tuple[int, int]
) -> None:
    """A row's priority, the claim (`✎ dana, 12s`) and its tags at any width, the
    assignee from 120 columns; the reading pane shows them all for the selected one."""
    asyncio.run(_seed_team(db_path))
    assert snap_compare(make_app(db_path), terminal_size=size, run_before=_ready)


def test_first_run_says_how_to_begin(snap_compare, db_path: Path) -> None:
    """No config, no data: the empty inbox lists the commands that fill it."""
    assert snap_compare(make_app(db_path), terminal_size=(80, 24), run_before=_ready)


TEAM_VIEWS = (
    View("negative", "s:neg is:open"),
    View("hacker news", "ch:hn"),
    View("sync problems, all teams", "sync"),
)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_view_bar(snap_compare, seeded: Path, size: tuple[int, int]) -> None:
    """The team's views and one of the agent's own, with unread counts; `2` is active."""

    async def save() -> None:
        async with await Inbox.open(seeded, "tester", fixed_clock) as box:
            await box.views.save("mastodon, unread", "ch:mast is:unread")

    async def viewing(pilot) -> None:
        await settle(pilot)
        await pilot.press("2")
        screen = inbox_screen(pilot)
        await wait_until(pilot, lambda: screen.query_.source == "ch:hn")
        await wait_until(pilot, lambda: len(screen.view_bar.counts or ()) == 4)
        await settle(pilot)

    asyncio.run(save())
    app = make_app(seeded, views=TEAM_VIEWS)
    assert snap_compare(app, terminal_size=size, run_before=viewing)


def test_top_line_during_a_bulk_action(snap_compare, seeded: Path) -> None:
    """T then x on 1,048 mentions while another process holds the write lock: the top
    line counts the batches written and says how to stop; every row is selected (*)."""

    async def more() -> None:
        async with await Inbox.open(seeded, "seeder", fixed_clock) as box:
            await box.ingest([mention(n, minutes_ago=5000 + n) for n in range(10_000, 11_000)])

    asyncio.run(more())
    other = sqlite3.connect(seeded, isolation_level=None)

    async def bulk(pilot) -> None:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        other.execute("BEGIN IMMEDIATE")
        await pilot.press("x")
        await wait_while_working(pilot, lambda: "0/1,048" in (inbox_screen(pilot).busy_text or ""))

    try:
        assert snap_compare(make_app(seeded), terminal_size=(80, 24), run_before=bulk)
    finally:
        other.execute("ROLLBACK")
        other.close()
