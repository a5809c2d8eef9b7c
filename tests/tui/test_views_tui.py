"""Views in the inbox: V saves one, 1-9 jump to them, the bar counts what is unread in
each, live, whichever process changes the database; the palette lists them."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot

from scrm_tui.core.models import Channel
from scrm_tui.core.query import Query, parse
from scrm_tui.core.views import View
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.dialogs.save_view import SaveViewScreen
from scrm_tui.ui.widgets.mention_list import MentionList
from scrm_tui.ui.widgets.view_bar import Entry, fit
from tests.conftest import NOW, fixed_clock, mention
from tests.support.tui import inbox_screen, press, running, static_text, toasts, wait_until

TEAM = (View("hn", "ch:hn"), View("mastodon", "ch:mast"))


async def seed(db_path: Path) -> None:
    """30 mentions, every other one on Hacker News."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest(
            [
                mention(n, f"post {n}", channel=(Channel.MASTODON, Channel.HACKERNEWS)[n % 2])
                for n in range(30)
            ]
        )


def bar(pilot: Pilot) -> str:
    return static_text(pilot, "#view-bar").strip()


def shown_query(pilot: Pilot) -> Query:
    return pilot.app.screen.query_one(MentionList).window.query


async def elsewhere(db_path: Path, agent: str, *lines: str) -> None:
    """These lines run by another scrm process on the same database, as `agent`."""
    script = "\n".join(
        [
            "import asyncio",
            "from scrm_tui.core.models import Status",
            "from scrm_tui.core.query import parse",
            "from scrm_tui.service.inbox import Inbox",
            "async def main():",
            f"    async with await Inbox.open({str(db_path)!r}, {agent!r}) as inbox:",
            *(f"        {line}" for line in lines),
            "asyncio.run(main())",
        ]
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()


async def test_v_saves_the_filter_as_a_view_that_outlives_the_app(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path, toasts=True) as pilot:
        assert not pilot.app.screen.query_one("#view-bar").display  # no views: no bar
        await press(pilot, "slash", *"ch:hn", "enter", "V")
        assert isinstance(pilot.app.screen, SaveViewScreen)
        await press(pilot, *"on hn", "enter")
        assert not isinstance(pilot.app.screen, SaveViewScreen)
        assert "Saved view 'on hn'." in toasts(pilot)
        await wait_until(pilot, lambda: bar(pilot) == "1 on hn 15")

    async with running(db_path) as pilot:
        await wait_until(pilot, lambda: bar(pilot) == "1 on hn 15")
        assert shown_query(pilot).is_empty
        await press(pilot, "1")
        assert shown_query(pilot) == parse("ch:hn")
    async with await Inbox.open(db_path, "tester") as inbox:
        assert [(v.name, v.filter, v.mine) for v in await inbox.views.all()] == [
            ("on hn", "ch:hn", True)
        ]


async def test_saving_says_why_not_and_asks_before_replacing(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path, toasts=True, views=TEAM) as pilot:
        await press(pilot, "V")
        assert "No filter to save" in " ".join(toasts(pilot))
        await press(pilot, "slash", *"ch:hn is:open", "enter", "V", *"HN", "enter")
        refusal = "'HN' is a team view (in the config): choose another name."
        assert save_message(pilot) == refusal
        await press(pilot, "ctrl+u", *"open hn", "enter")
        assert not isinstance(pilot.app.screen, SaveViewScreen)
        # The same name for another filter: told what it is, and a second Enter replaces it.
        await press(pilot, "slash", "ctrl+u", *"ch:hn", "enter", "V", *"open hn", "enter")
        assert save_message(pilot) == (
            "You have a view 'open hn' already (/ch:hn is:open): Enter again replaces it."
        )
        await press(pilot, "enter")
        assert not isinstance(pilot.app.screen, SaveViewScreen)
        async with await Inbox.open(db_path, "tester") as inbox:
            assert [(v.name, v.filter) for v in await inbox.views.all() if v.mine] == [
                ("open hn", "ch:hn")
            ]


def save_message(pilot: Pilot) -> str:
    return str(pilot.app.screen.query_one("#save-view-message").render())


async def test_number_keys_jump_to_views_and_back_to_everything(db_path: Path) -> None:
    await seed(db_path)
    async with running(db_path, toasts=True, views=TEAM) as pilot:
        screen = inbox_screen(pilot)
        await wait_until(pilot, lambda: bar(pilot) == "1 hn 15  2 mastodon 15")
        await press(pilot, "2")
        assert shown_query(pilot) == parse("ch:mast")
        assert "/ch:mast → 15 of 30" in static_text(pilot, "#status")
        assert [screen.view_bar.is_active(view) for view in TEAM] == [False, True]
        await press(pilot, "2")  # the same key again: everything
        assert shown_query(pilot).is_empty
        assert not any(screen.view_bar.is_active(view) for view in TEAM)
        await press(pilot, "1")
        assert shown_query(pilot) == parse("ch:hn")
        # Reading one is counted at once in the view it belongs to.
        await press(pilot, "enter", "escape")
        await wait_until(pilot, lambda: bar(pilot) == "1 hn 14  2 mastodon 15")
        await press(pilot, "0")
        assert shown_query(pilot).is_empty
        await press(pilot, "7")
        assert "No view 7: there are 2." in toasts(pilot)


@pytest.mark.xdist_group("subprocess")
async def test_the_counts_follow_what_other_processes_store_and_read(
    db_path: Path, tmp_path: Path
) -> None:
    await seed(db_path)
    arriving = tmp_path / "arriving.jsonl"
    arriving.write_text(
        json.dumps(
            {
                "channel": "hackernews",
                "id": "late-1",
                "text": "one more",
                "created_at": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "author": {"handle": "latecomer"},
            }
        )
        + "\n",
        encoding="utf-8",
    )
    views = (*TEAM, View("open", "is:open"))
    async with running(db_path, views=views) as pilot:
        await wait_until(pilot, lambda: bar(pilot) == "1 hn 15  2 mastodon 15  3 open 30")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "scrm_tui", "--db", str(db_path), "ingest", "-q", str(arriving)
        )
        assert await process.wait() == 0
        await wait_until(pilot, lambda: bar(pilot) == "1 hn 16  2 mastodon 15  3 open 31")
        # The same agent in another terminal reads two Hacker News posts.
        hn = "rows = await inbox.page_older(parse('ch:hn'), None, 2)"
        await elsewhere(db_path, "tester", hn, "await inbox.set_read([r.id for r in rows], True)")
        await wait_until(pilot, lambda: bar(pilot) == "1 hn 14  2 mastodon 15  3 open 29")
        # Another agent closes a Mastodon post: it leaves the open view.
        mast = "rows = await inbox.page_older(parse('ch:mast'), None, 1)"
        await elsewhere(db_path, "dana", mast, "await inbox.set_status([rows[0].id], Status.DONE)")
        await wait_until(pilot, lambda: bar(pilot) == "1 hn 14  2 mastodon 15  3 open 28")


async def test_the_palette_lists_the_views_and_deletes_your_own(db_path: Path) -> None:
    await seed(db_path)
    async with await Inbox.open(db_path, "tester") as inbox:
        await inbox.views.save("[b]mine[/b]", "ch:hn")
    async with running(db_path, views=TEAM) as pilot:
        await wait_until(pilot, lambda: bar(pilot) == "1 hn 15  2 mastodon 15  3 [b]mine[/b] 15")
        await press(pilot, "ctrl+p")
        assert isinstance(pilot.app.screen, CommandPalette)
        await press(pilot, *"View: mastodon")
        await wait_until(pilot, lambda: "View: mastodon" in palette_lines(pilot))
        await press(pilot, "enter")
        assert shown_query(pilot) == parse("ch:mast")

        await press(pilot, "ctrl+p", *"view")
        await wait_until(pilot, lambda: "Delete view: [b]mine[/b]" in palette_lines(pilot))
        lines = palette_lines(pilot)
        assert {"View: hn", "View: mastodon", "View: [b]mine[/b]"} <= set(lines)
        assert "Delete view: hn" not in lines  # the team's views are the config's
        await press(pilot, "escape", "ctrl+p", *"delete view")
        await wait_until(pilot, lambda: palette_lines(pilot) == ["Delete view: [b]mine[/b]"])
        await press(pilot, "enter")
        await wait_until(pilot, lambda: bar(pilot) == "1 hn 15  2 mastodon 15")


def palette_lines(pilot: Pilot) -> list[str]:
    options = pilot.app.screen.query_one("CommandList")
    return [
        str(options.get_option_at_index(i).prompt).split("\n")[0]
        for i in range(options.option_count)
    ]


def test_the_bar_fits_80_columns_and_never_cuts_a_number() -> None:
    names = ["billing and refunds", "outage reports", "enterprise", "negative on hn"]

    def views(count: int, size: int) -> list[Entry]:
        return [
            Entry(str(i + 1), names[i % 4], f"{(i + 1) * size:,}", i == 3) for i in range(count)
        ]

    assert fit(views(6, 37), 78).plain == (
        "1 bill… 37  2 outa… 74  3 ente… 111  4 nega… 148  5 bill… 185  6 outa… 222"
    )
    # More views than names have room for: the names go, every number stays whole.
    assert fit(views(9, 37), 78).plain == (
        "1 37  2 74  3 111  4 148  5 185  6 222  7 259  8 296  9 333"
    )
    # Then the last views (never the active one) give way.
    assert fit(views(9, 1_234), 78).plain == (
        "1 1,234  2 2,468  3 3,702  4 4,936  5 6,170  6 7,404  7 8,638  8 9,872  +1"
    )
    assert fit(views(9, 1_234), 40).plain == "1 1,234  2 2,468  3 3,702  4 4,936  +5"


async def test_the_bar_at_80_columns(db_path: Path) -> None:
    await seed(db_path)
    views = tuple(View(f"a rather long view name {n}", "ch:hn") for n in range(1, 6))
    async with running(db_path, views=views) as pilot:
        await wait_until(pilot, lambda: bar(pilot).count(" 15") == 5)
        text = bar(pilot)
        assert len(text) <= 78 and text.startswith("1 a rather") and "…" in text
