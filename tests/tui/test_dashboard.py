"""The dashboard (`D`) through the keys: figures for a range against the one before,
`Enter` opens exactly the records behind a figure or row, `?` says how it is made,
1-4 switch the range and `r` takes a custom one (a mistake is said, nothing changes)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from scrm_tui.core.models import Channel
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.changes import DataChanged
from scrm_tui.ui.dialogs.explain import ExplainScreen
from scrm_tui.ui.dialogs.range import RangeScreen
from scrm_tui.ui.screens.dashboard import DashboardScreen
from tests.conftest import fixed_clock, mention
from tests.support.tui import (
    inbox_screen,
    make_app,
    press,
    settle,
    static_text,
    status_text,
    wait_until,
)

HOSTILE = "\x1b]0;pwned\x07Evil [bold]Name[/]"


@pytest.fixture
def seeded(db_path: Path) -> Path:
    async def seed() -> None:
        async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
            posts = [
                mention(n, "I love Kestrel, wonderful boards!", minutes_ago=n * 50)
                for n in range(30)  # about a day: 30 in the last 25 hours
            ]
            posts += [
                mention(
                    100 + n,
                    "Kestrel sync is broken, terrible.",
                    channel=Channel.BLUESKY,
                    minutes_ago=60 * 24 * 3 + n * 60,
                )
                for n in range(12)
            ]
            posts.append(
                mention(
                    200,
                    "Kestrel update on Tuesday",
                    minutes_ago=30,
                    handle="evil",
                    name=HOSTILE,
                    followers=9_999_999,
                )
            )
            await box.ingest(posts)

    asyncio.run(seed())
    return db_path


def lines(pilot: Pilot) -> list[str]:
    widget = pilot.app.screen.query_one(OptionList)
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


def status(pilot: Pilot) -> str:
    return static_text(pilot, "#dash-status")


async def open_dashboard(pilot: Pilot) -> DashboardScreen:
    await settle(pilot)
    await press(pilot, "D")
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    # The figures, then the rising terms (counted after them): both on screen.
    await wait_until(
        pilot,
        lambda: (
            screen.report is not None
            and "loading" not in status(pilot)
            and screen.rising is not None
            and screen.rising[0] == screen.report.range
        ),
    )
    return screen


def line_of(pilot: Pilot, start: str) -> str:
    return next(line for line in lines(pilot) if line.strip().startswith(start))


async def highlight(pilot: Pilot, start: str) -> None:
    """Move the cursor with j to the line that starts with `start`."""
    options = pilot.app.screen.query_one(OptionList)
    for _ in range(options.option_count):
        index = options.highlighted
        if index is not None and str(options.get_option_at_index(index).prompt).strip().startswith(
            start
        ):
            return
        await press(pilot, "j")
    raise AssertionError(f"no line starts with {start!r}")


async def test_figures_open_their_records_in_the_inbox(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_dashboard(pilot)
        assert "7d" in status(pilot) and "vs the 7 days before" in status(pilot)
        assert line_of(pilot, "Mentions").split()[1] == "43"
        await highlight(pilot, "Net sentiment")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: "→ 42 of 43" in status_text(pilot))
        assert inbox_screen(pilot).query_.source.endswith("is:any s:pos,neg")

        await press(pilot, "escape")  # the filter goes; D again opens on 7d
        await settle(pilot)
        await open_dashboard(pilot)
        await highlight(pilot, "Bluesky")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: "→ 12 of 43" in status_text(pilot))
        assert all("bsky" in row for row in inbox_lines(pilot) if row.strip())


def inbox_lines(pilot: Pilot) -> list[str]:
    from tests.support.tui import list_lines

    inbox_screen(pilot)
    return list_lines(pilot)


async def test_question_mark_says_how_a_figure_is_made(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_dashboard(pilot)
        await highlight(pilot, "Net sentiment")
        await press(pilot, "question_mark")
        assert isinstance(pilot.app.screen, ExplainScreen)
        text = static_text(pilot, "#explain-text")
        assert "(positive − negative) / (positive + negative) × 100" in text
        assert "positive: 30" in text and "negative: 12" in text
        assert "records: /after:" in text
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, DashboardScreen)


async def test_question_mark_on_a_row_leaves_out_its_empty_cells(seeded: Path) -> None:
    """A top author with no customer: `?` reads "User 1 · Mastodon · 10 · 1", with no
    "·" left hanging where the empty customer column was."""
    app = make_app(seeded)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_dashboard(pilot)
        await highlight(pilot, "User ")
        await press(pilot, "question_mark")
        first = static_text(pilot, "#explain-text").splitlines()[0].strip()
        assert first.startswith("User ") and " · Mastodon · " in first
        assert not first.endswith("·") and "·  ·" not in first and "· ·" not in first


async def test_ranges_switch_and_a_bad_custom_range_is_said(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_dashboard(pilot)
        await press(pilot, "1")
        await wait_until(pilot, lambda: "24h" in status(pilot) and "loading" not in status(pilot))
        # The 24 whole hours to 13:00 (now is 12:00): 28 loved posts and the hostile one.
        assert line_of(pilot, "Mentions").split()[1] == "29"
        assert "Bluesky" not in "\n".join(lines(pilot))  # its posts are three days old

        await press(pilot, "r")
        assert isinstance(pilot.app.screen, RangeScreen)
        await press(pilot, *"last tuesday", "enter")
        await wait_until(pilot, lambda: "START..END" in static_text(pilot, "#range-error"))
        assert isinstance(pilot.app.screen, RangeScreen)
        await press(pilot, "ctrl+a", "ctrl+k", *"2026-11-16..2026-11-17", "enter")
        await wait_until(pilot, lambda: "2026-11-16..2026-11-17" in status(pilot))
        await wait_until(pilot, lambda: "loading" not in status(pilot))
        assert screen.report is not None
        assert line_of(pilot, "Mentions").split()[1] == "12"


async def test_it_follows_what_another_process_stores(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_dashboard(pilot)
        await highlight(pilot, "Net sentiment")
        async with await Inbox.open(seeded, "collector", fixed_clock) as other:
            await other.ingest(
                [mention(300 + n, "Kestrel is awful", minutes_ago=5 + n) for n in range(4)]
            )
        await wait_until(pilot, lambda: line_of(pilot, "Mentions").split()[1] == "47")
        # Re-read in place: the cursor stays on the figure it was on.
        options = pilot.app.screen.query_one(OptionList)
        index = options.highlighted
        assert index is not None
        assert str(options.get_option_at_index(index).prompt).startswith("Net sentiment")


async def test_leaving_while_a_re_read_is_due_is_clean(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in the demo, where a post arrives every few seconds: commits keep a re-read
    due, and Esc or Enter leave the dashboard at any moment."""
    from scrm_tui.ui.screens import dashboard

    monkeypatch.setattr(dashboard, "REFRESH_S", 0.0)
    app = make_app(seeded)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_dashboard(pilot)
        screen.post_message(DataChanged())  # a commit landed: a re-read is due at once
        await press(pilot, "escape")
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, DashboardScreen))
        await settle(pilot)
        assert pilot.app.return_code is None  # still running: nothing crashed


async def test_a_stranger_s_name_is_shown_inert(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_dashboard(pilot)
        shown = "\n".join(lines(pilot))
        assert "Evil [bold]Name[/]" in shown and "\x1b" not in shown and "\x07" not in shown


def test_dashboard_snapshot(snap_compare, seeded: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_dashboard(pilot)

    assert snap_compare(make_app(seeded), terminal_size=(80, 24), run_before=run_before)


async def test_ranges_pressed_faster_than_they_are_read_show_the_last(seeded: Path) -> None:
    """Each key replaces the range being read (its statement stopped in SQLite): the
    figures shown are the last range's, and the dashboard goes on working."""
    app = make_app(seeded)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_dashboard(pilot)
        for key in ("4", "3", "4", "2", "4", "1"):
            await pilot.press(key)
        await wait_until(
            pilot,
            lambda: (
                "24h" in status(pilot)
                and "loading" not in status(pilot)
                and screen.report is not None
                and screen.report.range.name == "24h"
            ),
        )
        assert line_of(pilot, "Mentions").split()[1] == "29"
        await press(pilot, "3")
        await wait_until(pilot, lambda: "30d" in status(pilot) and "loading" not in status(pilot))
        assert line_of(pilot, "Mentions").split()[1] == "43"
        assert pilot.app.return_code is None
