"""The filter language in the inbox: a mistake shown where it is while the list keeps
its last good filter, and mutt's `n` / `N` stepping through the matches of the last
search without filtering."""

from __future__ import annotations

from pathlib import Path

from scrm_tui.core.models import Channel
from scrm_tui.core.query import parse
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import fixed_clock, mention
from tests.support.tui import (
    detail_text,
    inbox_screen,
    list_lines,
    press,
    running,
    settle,
    static_text,
    toasts,
    wait_until,
)

TEXTS = [
    "Kestrel sync is broken AGAIN",
    "Love the new timeline view",
    "Does Kestrel support CalDAV?",
    "The Android app is so slow",
    "Switched our team to Kestrel",
]


async def seed(db_path: Path, texts: list[str]) -> list[int]:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        result = await box.ingest(
            [
                mention(n, f"n{n:04d} {text}", channel=list(Channel)[n % 6])
                for n, text in enumerate(texts)
            ]
        )
    return result.stored


def the_list(pilot) -> MentionList:
    return pilot.app.screen.query_one(MentionList)


def selected_text(pilot) -> str:
    row = the_list(pilot).selected
    assert row is not None
    return row.snippet


async def test_a_mistake_is_shown_at_its_column_and_the_list_keeps_its_filter(
    db_path: Path,
) -> None:
    await seed(db_path, [TEXTS[n % 5] for n in range(60)])
    async with running(db_path) as pilot:
        await press(pilot, "slash", *"android", "enter")
        assert the_list(pilot).window.total == 12
        # `/` shows the filter selected: End, to add to it rather than replace it.
        await press(pilot, "slash", "end")
        # Pasted, as one change: typed a letter at a time, "android O" is a filter that
        # makes sense (and matches nothing) for as long as the debounce lets it apply.
        inbox_screen(pilot).filter_bar.input.insert_text_at_cursor(" OR (sync foo:bar)")
        await press(pilot, "enter")
        # Under the input: a caret under `foo:`, then what is wrong and at which column.
        caret, *message = static_text(pilot, "#filter-message").split("\n")
        typed = "android OR (sync foo:bar)"
        assert inbox_screen(pilot).filter_bar.input.value == typed
        assert caret.strip() == "^^^^"
        # The message line starts where the input's text does, so the caret stands
        # under the key.
        assert caret.index("^") == typed.index("foo:")
        assert message[0].startswith("column 18: unknown key 'foo:'")
        # The list still shows the last filter that made sense.
        screen = inbox_screen(pilot)
        assert the_list(pilot).window.total == 12
        assert screen.query_.source == "android"
        assert all("Android" in line for line in list_lines(pilot)[:12])
        # Fixed, it applies.
        await press(pilot, *["backspace"] * len("sync foo:bar)"), *"outage)", "enter")
        assert screen.query_.source == "android OR (outage)"
        assert the_list(pilot).window.total == 12


async def test_an_unbalanced_parenthesis_is_pointed_at(db_path: Path) -> None:
    await seed(db_path, TEXTS)
    async with running(db_path) as pilot:
        await press(pilot, "slash", *"(sync OR outage", "enter")
        caret, message = static_text(pilot, "#filter-message").split("\n")
        assert caret == "^"
        assert message.startswith("column 1: unbalanced '('")
        assert the_list(pilot).window.total == 5
        assert inbox_screen(pilot).query_.is_empty


async def test_n_and_N_step_through_the_last_search_without_filtering(db_path: Path) -> None:
    # n0000..n0059: every fifth post (n0003, n0008, ...) is about Android.
    await seed(db_path, [TEXTS[n % 5] for n in range(60)])
    async with running(db_path, toasts=True) as pilot:
        await press(pilot, "slash", *"android", "enter", "escape")
        mention_list = the_list(pilot)
        assert mention_list.window.total == 60  # the whole inbox again
        assert mention_list.cursor == 0
        # Newest first: n0000 is on top, the first Android post below it is n0003.
        await press(pilot, "n")
        assert mention_list.cursor == 3 and selected_text(pilot).startswith("n0003 The Android")
        assert "n0003" in detail_text(pilot)  # the reading pane follows
        await press(pilot, "n", "n")
        assert mention_list.cursor == 13 and selected_text(pilot).startswith("n0013")
        await press(pilot, "N")
        assert mention_list.cursor == 8
        assert mention_list.window.total == 60  # never filtered
        # Past the last match: said so, and the selection stays.
        await press(pilot, "G", "n")
        assert mention_list.cursor == 59
        assert any("No more matches below for /android" in toast for toast in toasts(pilot))
        await press(pilot, "N")
        assert mention_list.cursor == 58 and selected_text(pilot).startswith("n0058 The Android")


async def test_n_keeps_to_a_list_filtered_another_way(db_path: Path) -> None:
    """A list narrowed otherwise (a view, the palette) stays narrowed: n finds the next
    match of the last search inside it."""
    await seed(db_path, [TEXTS[n % 5] for n in range(60)])
    async with running(db_path) as pilot:
        await press(pilot, "slash", *"android", "enter", "escape")
        inbox_screen(pilot).load_view(parse("ch:hn"))  # as a saved view does
        await settle(pilot)
        mention_list = the_list(pilot)
        assert mention_list.window.total == 10  # ch:hn is n % 6 == 2: n0002, n0008...
        # Of those, the Android ones (n % 5 == 3) are n0008 and n0038.
        await press(pilot, "n")
        assert mention_list.cursor == 1 and selected_text(pilot).startswith("n0008")
        await press(pilot, "n")
        assert mention_list.cursor == 6 and selected_text(pilot).startswith("n0038")
        await press(pilot, "n")
        assert mention_list.cursor == 6  # no more: it stays
        assert mention_list.window.total == 10


async def test_n_reaches_a_match_far_below_what_the_list_holds(db_path: Path) -> None:
    """The match is found by the store and the list jumps there, deep in the inbox."""
    texts = ["ordinary post"] * 600
    texts[540] = "the one about the Android widget"
    await seed(db_path, texts)
    async with running(db_path) as pilot:
        await press(pilot, "slash", *"widget", "enter", "escape")
        mention_list = the_list(pilot)
        assert mention_list.window.get(540) is None  # not loaded yet
        await press(pilot, "n")
        assert mention_list.cursor == 540
        assert selected_text(pilot).startswith("n0540 the one about the Android widget")
        assert "541/600" in static_text(pilot, "#position")
        await press(pilot, "k")  # the rows around it are there to move to
        assert selected_text(pilot).startswith("n0539")


async def test_n_without_a_search_says_how(db_path: Path) -> None:
    await seed(db_path, TEXTS)
    async with running(db_path, toasts=True) as pilot:
        await press(pilot, "n")
        # The toast is what the key causes: wait for it (a loaded machine is slow to post it).
        await wait_until(pilot, lambda: any("No search yet" in t for t in toasts(pilot)))
        assert the_list(pilot).cursor == 0
