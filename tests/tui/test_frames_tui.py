"""What one key changes reaches the screen in one frame: the cursor and its position,
the filter line closing and the new rows, the footer's keys for the new focus."""

from __future__ import annotations

import asyncio
from pathlib import Path

from scrm_tui.service.inbox import Inbox
from scrm_tui.service.window import StreamWindow
from scrm_tui.ui.widgets import filter_bar
from scrm_tui.ui.widgets.filter_bar import FilterInput
from scrm_tui.ui.widgets.keys_footer import KeysFooter
from tests.conftest import fixed_clock, mention
from tests.support.tui import (
    inbox_screen,
    list_lines,
    make_app,
    press,
    running,
    settle,
    static_text,
    wait_until,
    wait_while_working,
)


async def seed(db_path: Path, count: int) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n, f"n{n:04d} kestrel sync post") for n in range(count)])


async def test_the_position_moves_with_the_cursor_before_any_message_is_handled(
    db_path: Path,
) -> None:
    """A frame is drawn between messages: what holds when the key's handler returns is
    what the next frame shows. The top line's `2/30` must not trail the cursor by a
    frame (it did, told by the list's Highlighted message, which bubbles up later)."""
    await seed(db_path, 30)
    async with running(db_path) as pilot:
        screen = inbox_screen(pilot)
        assert static_text(pilot, "#position") == "1/30"
        for want in range(2, 6):
            screen.mention_list.action_cursor_down()  # as the j binding calls it
            assert static_text(pilot, "#position") == f"{want}/30"
        screen.mention_list.action_first()
        assert static_text(pilot, "#position") == "1/30"


def footer_keys(pilot) -> list[str]:
    return [str(key.description) for key in pilot.app.screen.query("FooterKey")]


async def test_enter_keeps_the_filter_line_until_its_rows_come_then_both_change_at_once(
    db_path: Path, monkeypatch
) -> None:
    """The line closing and the new rows are one change of the screen (one layout, not
    one while the query runs and another when it ends); the footer then shows the
    list's keys. Keys typed meanwhile already go to the list."""
    await seed(db_path, 30)
    gate = asyncio.Event()
    reached = asyncio.Event()
    start = StreamWindow.start

    async def held_start(self: StreamWindow) -> None:
        if not self.query.is_empty:
            reached.set()
            await gate.wait()
        await start(self)

    monkeypatch.setattr(StreamWindow, "start", held_start)
    async with running(db_path) as pilot:
        screen = inbox_screen(pilot)
        listing = footer_keys(pilot)
        assert "Reply" in listing
        await pilot.press("slash", *"n0007")
        await wait_until(pilot, lambda: "Reply" not in footer_keys(pilot))  # the input's
        typing = footer_keys(pilot)
        await pilot.press("enter")
        await reached.wait()
        await pilot.pause()
        assert screen.filter_bar.is_open  # "searching…" over the rows still shown
        assert screen.mention_list.has_focus
        assert static_text(pilot, "#position") == "1/30"
        assert footer_keys(pilot) == typing
        gate.set()
        await settle(pilot)
        assert not screen.filter_bar.is_open
        assert static_text(pilot, "#position") == "1/1"
        assert "n0007" in list_lines(pilot)[0]
        await wait_until(pilot, lambda: footer_keys(pilot) == listing)


async def test_escape_in_the_filter_and_a_new_filter_give_the_list_its_keys_back(
    db_path: Path,
) -> None:
    await seed(db_path, 30)
    async with running(db_path) as pilot:
        screen = inbox_screen(pilot)
        listing = footer_keys(pilot)
        await press(pilot, "slash", *"n0007")
        await wait_until(pilot, lambda: "Reply" not in footer_keys(pilot))
        await press(pilot, "escape")
        assert not screen.filter_bar.is_open
        await wait_until(pilot, lambda: footer_keys(pilot) == listing)
        await press(pilot, "slash", *"n0003", "enter")
        assert static_text(pilot, "#position") == "1/1"
        await wait_until(pilot, lambda: footer_keys(pilot) == listing)
        # `/` again while rows of the last Enter are in: the input's keys once more.
        await press(pilot, "slash")
        assert screen.filter_bar.input.has_focus
        await wait_until(pilot, lambda: "Reply" not in footer_keys(pilot))
        await press(pilot, "enter")  # the same filter: nothing to load, the line goes
        assert not screen.filter_bar.is_open
        await wait_until(pilot, lambda: footer_keys(pilot) == listing)


async def test_the_first_rows_are_drawn_before_the_footer_keys_are_made(db_path: Path) -> None:
    """Start-up: the footer's two dozen keys cost more to style and lay out than the rest
    of the screen. While the first page is still being read the screen is up (its
    first frame drawn, "Loading…") and the footer stays empty; the keys come once the
    rows are in place, so the rows never wait behind them."""
    await seed(db_path, 30)
    app = make_app(db_path)
    page_read = asyncio.Event()
    go_on = asyncio.Event()

    async def pause(step: str) -> None:
        if step == "first-page":  # the page is read; the list has not got it yet
            page_read.set()
            await go_on.wait()

    app.startup_pause = pause
    async with app.run_test(size=(80, 24)) as pilot:
        footer = app.screen.query_one(KeysFooter)
        await wait_while_working(pilot, lambda: page_read.is_set() and footer._painted)
        for _ in range(3):  # what the first frame set off has had its turn
            await pilot.pause(0.05)
        assert not any(row.strip() for row in list_lines(pilot))
        assert footer_keys(pilot) == []
        go_on.set()
        await wait_until(pilot, lambda: "n0000" in list_lines(pilot)[0])
        await wait_until(pilot, lambda: "Reply" in footer_keys(pilot))


async def test_the_filter_input_is_made_by_the_first_slash_and_takes_what_follows_it(
    db_path: Path, monkeypatch
) -> None:
    """Start-up: the screen's first frame is made without the filter's input (Textual's
    Input: its own style rules and ~10 ms of styling). It is made in the background a
    moment later; a `/` that comes first makes it, and the keys typed right after the
    `/` still land in it."""
    monkeypatch.setattr(filter_bar, "INPUT_DELAY", 3600.0)  # only the `/` makes it
    await seed(db_path, 30)
    async with running(db_path) as pilot:
        screen = inbox_screen(pilot)
        assert list(screen.query(FilterInput)) == []
        await pilot.press("slash", *"n0007", "enter")
        await wait_until(pilot, lambda: static_text(pilot, "#position") == "1/1")
        assert "n0007" in list_lines(pilot)[0]
        assert screen.filter_bar.input.value == "n0007"
