"""The inbox driven from the keyboard with Textual's pilot, asserting what a user sees."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import events
from textual.command import CommandPalette

from scrm_tui.core.models import Channel, Status
from scrm_tui.core.query import Query, parse
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.dialogs.help import HelpScreen
from scrm_tui.ui.widgets.mention_detail import MentionDetail
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import fixed_clock, mention
from tests.support import hostile
from tests.support.tui import (
    detail_text,
    inbox_screen,
    list_lines,
    make_app,
    running,
    settle,
    static_text,
    status_text,
    wait_until,
)

SLOW_LOAD = 6.0  # seconds: slower than a key used to wait for a new list (5 s)

TEXTS = [
    "Kestrel sync is broken AGAIN. Third time this week!!!",
    "Love the new timeline view in 4.2, great work",
    "Does Kestrel support CalDAV calendars?",
    "The Android app is so slow it hurts",
    "Switched our team from Trello to Kestrel, no regrets",
]


async def seed(db_path: Path, count: int = 60) -> list[int]:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        result = await box.ingest(
            [
                mention(n, f"n{n:04d} " + TEXTS[n % len(TEXTS)], channel=list(Channel)[n % 6])
                for n in range(count)
            ]
        )
    return result.stored


def the_list(pilot) -> MentionList:
    return pilot.app.screen.query_one(MentionList)


async def test_first_screen_shows_newest_first_with_counts(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path) as pilot:
        lines = list_lines(pilot)
        assert "n0000" in lines[0] and "n0001" in lines[1]
        assert lines[0].startswith("●")  # unread
        assert "60 mentions · 60 unread" in status_text(pilot)
        assert "n0000" in detail_text(pilot)


async def test_navigation_keys_move_the_cursor_and_the_reading_pane(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path) as pilot:
        mention_list = the_list(pilot)
        await pilot.press("j", "j", "down")
        await settle(pilot)
        assert mention_list.cursor == 3
        assert "n0003" in detail_text(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert mention_list.cursor == 2
        await pilot.press("G")
        await settle(pilot)
        assert mention_list.cursor == 59
        assert "n0059" in detail_text(pilot)
        assert any("n0059" in line for line in list_lines(pilot))
        await pilot.press("g")
        await settle(pilot)
        assert mention_list.cursor == 0
        await pilot.press("pagedown")
        await settle(pilot)
        assert mention_list.cursor == mention_list.scrollable_content_region.height
        await pilot.press("pageup")
        await settle(pilot)
        assert mention_list.cursor == 0


async def test_enter_opens_marks_read_and_escape_returns(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path) as pilot:
        app = pilot.app
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.focused, MentionDetail)
        assert inbox_screen(pilot).has_class("-reading")
        row = the_list(pilot).selected
        assert row is not None and row.is_read
        assert (await app.inbox.rows([row.id]))[0].is_read
        assert "59 unread" in status_text(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.focused, MentionList)
        assert list_lines(pilot)[1].startswith(" ")  # no unread dot any more


async def test_x_marks_done_records_it_and_moves_on(db_path: Path) -> None:
    ids = await seed(db_path)
    async with running(db_path) as pilot:
        app = pilot.app
        first = the_list(pilot).selected
        await pilot.press("x")
        await settle(pilot)
        assert the_list(pilot).cursor == 1  # advanced, as mutt's resolve does
        assert list_lines(pilot)[0].startswith("✓")
        [stored] = await app.inbox.rows([first.id])
        assert stored.status is Status.DONE
        await pilot.press("k", "x")  # reopen
        await settle(pilot)
        [stored] = await app.inbox.rows([first.id])
        assert stored.status is Status.OPEN
        assert the_list(pilot).cursor == 0  # reopening does not advance
        async with app.inbox.db.reader.execute(
            "SELECT actor, summary FROM interactions WHERE mention_id = ? ORDER BY id",
            (first.id,),
        ) as cursor:
            assert [tuple(r) for r in await cursor.fetchall()] == [
                ("tester", "marked done"),
                ("tester", "marked open"),
            ]
        assert ids


async def test_u_toggles_read(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path) as pilot:
        app = pilot.app
        await pilot.press("u")
        await settle(pilot)
        row = the_list(pilot).selected
        assert (await app.inbox.rows([row.id]))[0].is_read
        assert not list_lines(pilot)[0].startswith("●")
        await pilot.press("u")
        await settle(pilot)
        assert not (await app.inbox.rows([row.id]))[0].is_read
        assert list_lines(pilot)[0].startswith("●")


async def test_filter_narrows_the_list_and_escape_clears_it(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path) as pilot:
        app = pilot.app
        await pilot.press("slash", *"android", "enter")
        await settle(pilot)
        mention_list = the_list(pilot)
        assert mention_list.window.total == 12
        assert all("Android" in line for line in list_lines(pilot)[:12])
        assert "/android → 12 of 60" in status_text(pilot)
        assert isinstance(app.focused, MentionList)
        await pilot.press("escape")
        await settle(pilot)
        assert mention_list.window.total == 60
        assert "/android" not in status_text(pilot)


async def test_a_bad_filter_is_explained_and_the_list_stays(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path) as pilot:
        await pilot.press("slash", *"ch:myspace", "enter")
        await settle(pilot)
        message = static_text(pilot, "#filter-message")
        assert "unknown channel 'myspace'" in message
        assert the_list(pilot).window.total == 60


async def test_type_ahead_keeps_its_order(db_path: Path) -> None:
    """Keys typed faster than the app can redraw still apply in order (mutt-style)."""
    await seed(db_path)
    async with running(db_path) as pilot:
        app = pilot.app
        mention_list = the_list(pilot)
        keys = ["slash", *"android", "enter", "j"]
        for key in keys:  # all queued before any is handled
            char = {"slash": "/", "enter": "\r"}.get(key, key)
            app.post_message(events.Key(key, char))
        # Wait for what the keys cause (the filtered list, on its second row), not for
        # the app to look idle: a loaded machine looks idle before it has read a key.
        await wait_until(
            pilot,
            lambda: mention_list.window.query.source == "android" and mention_list.cursor == 1,
        )
        await settle(pilot)
        assert mention_list.window.query.source == "android"
        assert mention_list.cursor == 1
        assert "Android" in detail_text(pilot)  # the reading pane follows the cursor


async def test_type_ahead_keeps_its_order_while_a_filter_loads_slowly(db_path: Path) -> None:
    """On a loaded machine the filtered list can take seconds to arrive: `j` typed
    after Enter still moves in the new list, not in the one it replaces."""
    await seed(db_path)
    async with running(db_path) as pilot:
        app = pilot.app
        inbox = app.inbox
        page_older = inbox.page_older

        async def slow(query: Query, *args: object, **kwargs: object) -> list[object]:
            if query.source == "android":
                await asyncio.sleep(SLOW_LOAD)  # a query on a starved machine, not a wait
            return await page_older(query, *args, **kwargs)  # type: ignore[arg-type]

        inbox.page_older = slow  # type: ignore[method-assign]
        mention_list = the_list(pilot)
        for key in ["slash", *"android", "enter", "j"]:
            app.post_message(events.Key(key, {"slash": "/", "enter": "\r"}.get(key, key)))
        await wait_until(
            pilot,
            lambda: mention_list.window.query.source == "android" and mention_list.cursor == 1,
            timeout=SLOW_LOAD + 20,
        )


async def test_escape_then_a_key_typed_at_once_is_both_keys(db_path: Path) -> None:
    """A terminal sends Esc and a letter typed right after it as Alt+letter."""
    await seed(db_path)
    async with running(db_path) as pilot:
        app = pilot.app
        await pilot.press("j", "enter")  # reading the second mention
        await settle(pilot)
        row = the_list(pilot).selected
        app.post_message(events.Key("alt+x", "x"))  # Esc x
        app.post_message(events.Key("j", "j"))
        await settle(pilot)
        assert isinstance(app.focused, MentionList)  # Esc: back to the list
        [stored] = await app.inbox.rows([row.id])
        assert stored.status is Status.DONE  # x: done, and on to the next (then j)
        assert the_list(pilot).cursor == 3
        # In sight: the list was laid out again before x moved its cursor.
        assert list_lines(pilot)[1].startswith("✓")
        # In the filter line too: Esc leaves it (and clears it), x applies to the list.
        await pilot.press("slash", *"sync")
        await wait_until(pilot, lambda: the_list(pilot).window.query.source == "sync")
        app.post_message(events.Key("alt+x", "x"))
        await settle(pilot)
        assert isinstance(app.focused, MentionList)
        assert the_list(pilot).window.query.is_empty
        assert "x" not in inbox_screen(pilot).filter_bar.input.value  # not typed there
        assert list_lines(pilot)[0].startswith("✓")


async def test_new_arrivals_keep_the_selected_mention_selected(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path) as pilot:
        mention_list = the_list(pilot)
        await pilot.press(*"jjjjjjjjjjjj")  # row 12: the view has scrolled
        await settle(pilot)
        chosen = mention_list.selected
        top_before = list_lines(pilot)[0]
        # Another process (a collector) stores three new mentions.
        async with await Inbox.open(db_path, "collector", fixed_clock) as other:
            await other.ingest(
                [mention(1000 + n, f"fresh news {n}", minutes_ago=0) for n in range(3)]
            )
        await wait_until(pilot, lambda: mention_list.window.total == 63)
        assert mention_list.selected.id == chosen.id
        assert mention_list.cursor == 15
        assert list_lines(pilot)[0] == top_before  # the view did not move
        assert "↑ 3 new" in status_text(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert "fresh news" in list_lines(pilot)[0]
        assert "new" not in status_text(pilot).split("unread")[-1]


async def test_at_the_top_new_arrivals_show_and_selection_follows(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path) as pilot:
        app = pilot.app
        mention_list = the_list(pilot)
        chosen = mention_list.selected
        await app.inbox.ingest([mention(2000, "breaking: sync outage", minutes_ago=0)])
        await wait_until(pilot, lambda: mention_list.window.total == 61)
        assert "breaking: sync outage" in list_lines(pilot)[0]
        assert mention_list.selected.id == chosen.id and mention_list.cursor == 1


async def test_an_empty_inbox_selects_its_first_arrival(db_path: Path) -> None:
    async with running(db_path) as pilot:
        mention_list = the_list(pilot)
        assert mention_list.selected is None
        async with await Inbox.open(db_path, "collector", fixed_clock) as other:
            await other.ingest([mention(n, f"first ever {n}", minutes_ago=n) for n in range(3)])
        await wait_until(pilot, lambda: mention_list.window.total == 3)
        await wait_until(pilot, lambda: "first ever 0" in detail_text(pilot))
        assert mention_list.cursor == 0 and "first ever 0" in mention_list.selected.snippet
        assert inbox_screen(pilot).query_one("#position").render().plain.strip() == "1/3"


async def test_a_first_run_says_how_to_begin_until_a_mention_arrives(db_path: Path) -> None:
    async with running(db_path, size=(80, 24)) as pilot:
        screen = inbox_screen(pilot)
        first_run = screen.query_one("#first-run")
        assert first_run.display and first_run.region.height > 0
        text = static_text(pilot, "#first-run")
        for command in ("scrm demo", "scrm init", "scrm ingest FILE", "scrm customers import"):
            assert command in text
        assert max(len(line) for line in text.splitlines()) <= 80
        # Not for a filter that matches nothing: only for an empty database.
        async with await Inbox.open(db_path, "collector", fixed_clock) as other:
            await other.ingest([mention(1, "first ever")])
        await wait_until(pilot, lambda: "first ever" in detail_text(pilot))
        assert first_run.region.height == 0 or not first_run.display
        await pilot.press("slash", *"nothingmatchesthis", "enter")
        await settle(pilot)
        assert the_list(pilot).window.size == 0
        assert not first_run.display


async def test_help_screen_lists_the_real_bindings(db_path: Path) -> None:
    await seed(db_path, 3)
    async with running(db_path) as pilot:
        app = pilot.app
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table")
        rows = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        actions = {action for _, action, _ in rows}
        assert {"Down", "Up", "Done/reopen", "Read/unread", "Filter", "Open", "Quit"} <= actions
        keys = {action: key for key, action, _ in rows}
        assert keys["Down"].startswith("j") and keys["Done/reopen"] == "x"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_inbox_commands(db_path: Path) -> None:
    await seed(db_path, 10)
    async with running(db_path) as pilot:
        app = pilot.app
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"unread only")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert the_list(pilot).window.query == parse("is:unread")


async def test_footer_shows_the_essential_keys_at_80_columns(db_path: Path) -> None:
    await seed(db_path, 3)
    async with running(db_path) as pilot:
        app = pilot.app
        footer = app.screen.query_one("Footer")
        text = " ".join(w.render_line(0).text for w in footer.query("FooterKey"))
        for word in ("Open", "Done", "Filter", "Quit", "Help"):
            assert word in text


async def test_hostile_text_is_inert_in_the_list_and_the_reading_pane(db_path: Path) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest(
            [
                mention(n, text, name=f"[b]{name}[/b]")
                for n, (name, text) in enumerate(hostile.ALL.items())
            ]
            + [
                mention(
                    900, "x", handle="\x1b]52;c;cHduZWQ=\x07evil@x.y", name="\x1b[31mRed\x1b[0m"
                )
            ]
        )
    async with running(db_path, (100, 30)) as pilot:
        app = pilot.app
        mention_list = the_list(pilot)
        total = mention_list.window.total
        seen_markup = False
        for _ in range(total):
            lines = list_lines(pilot)
            shown = detail_text(pilot)
            for text in [*lines, shown]:
                assert hostile.is_terminal_safe(text), repr(text)
            if "[URGENT]" in shown and "[@click=app.quit]" not in shown:
                seen_markup = True
            await pilot.press("j")
            await settle(pilot)
        assert seen_markup
        assert app.is_running  # nothing crashed, [@click=app.quit] did not quit
        all_text = "\n".join(list_lines(pilot))
        await pilot.press("g")
        await settle(pilot)
        all_text += "\n".join(list_lines(pilot))
        assert "[b]" in all_text  # markup in names is shown literally


async def test_hostile_detail_shows_markup_and_escapes_literally(db_path: Path) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(1, "[@click=app.quit]refund[/] \x1b[2J[link=x]y[/link] [/x]")])
    async with running(db_path, (100, 30)) as pilot:
        shown = detail_text(pilot)
        assert "[@click=app.quit]refund[/] ␛[2J[link=x]y[/link] [/x]" in shown


async def test_no_color_cursor_is_reverse_video(db_path: Path, monkeypatch) -> None:
    await seed(db_path, 5)
    monkeypatch.setenv("NO_COLOR", "1")
    async with running(db_path) as pilot:
        app = pilot.app
        assert app.no_color
        strip = the_list(pilot).render_line(0)
        assert all(segment.style.reverse for segment in strip if segment.text.strip())
        other = the_list(pilot).render_line(1)
        assert not any(segment.style.reverse for segment in other)
        # Sentiment still reads without colour: by its symbol.
        assert any(symbol in "".join(list_lines(pilot)) for symbol in "▲▼·")


async def test_an_unusable_database_exits_with_a_message(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not a database at all" * 50)
    app = make_app(bogus)
    async with app.run_test(size=(80, 24)):
        # The app gives up while it opens the database: wait for that, not for a guess.
        deadline = asyncio.get_running_loop().time() + 30
        while app.startup_error is None:
            assert asyncio.get_running_loop().time() < deadline, "the app never gave up"
            await asyncio.sleep(0.02)  # polling for the effect, not a timing guess
    assert app.startup_error is not None and "not a usable scrm database" in app.startup_error


async def test_big_window_keeps_up_with_a_jump_to_the_end(db_path: Path) -> None:
    await seed(db_path, 1500)
    async with running(db_path) as pilot:
        app = pilot.app
        mention_list = the_list(pilot)
        assert mention_list.window.total == 1500
        assert len(mention_list.window.rows) < 1500  # a window, not everything
        await pilot.press("G")
        await settle(pilot)
        assert "n1499" in detail_text(pilot)
        lines = list_lines(pilot)
        assert "n1499" in lines[-1] or any("n1499" in line for line in lines)
        assert all(line.strip() != "…" for line in lines)
        assert await app.inbox.count(Query()) == 1500
