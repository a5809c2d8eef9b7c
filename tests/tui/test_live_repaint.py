"""What another process's commit or the clock changes is all an open inbox draws again:
the lines whose text changed, not the list."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import RenderableType
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Static

from scrm_tui.core.config import Config
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.app import ScrmApp
from scrm_tui.ui.screens import inbox as inbox_module
from scrm_tui.ui.widgets.list_repaint import thumb
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import NOW, fixed_clock, mention
from tests.support.clock import Clock
from tests.support.tui import list_lines, make_app, settle, status_text, wait_until

# Another scrm process stores one mention, newer than any (the top of the list).
STORE = textwrap.dedent(
    """
    import asyncio, sys
    from scrm_tui.service.inbox import Inbox
    from tests.conftest import fixed_clock, mention

    async def main(db, n):
        async with await Inbox.open(db, "collector", fixed_clock) as box:
            await box.ingest([mention(int(n), f"stored elsewhere {n}", minutes_ago=0)])

    asyncio.run(main(*sys.argv[1:]))
    """
)


def store_elsewhere(db: Path, n: int) -> None:
    subprocess.run(
        [sys.executable, "-c", STORE, str(db), str(n)],
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )


ROWS = 2000


def the_list(pilot: Pilot) -> MentionList:
    return pilot.app.screen.query_one(MentionList)


@contextlib.contextmanager
def drawn_lines(mention_list: MentionList) -> Iterator[list[int]]:
    """The list's lines (screen rows) drawn while the block runs."""
    drawn: list[int] = []
    render_line = mention_list.render_line

    def counted(y: int) -> Strip:
        drawn.append(y)
        return render_line(y)

    mention_list.render_line = counted  # type: ignore[method-assign]
    try:
        yield drawn
    finally:
        del mention_list.render_line


async def test_an_arrival_while_reading_below_the_top_keeps_the_screen_and_draws_no_row(
    db_path: Path,
) -> None:
    """Reading a page down, a mention another process stores lands above the view: the
    highlighted row stays on its line with the rows around it, the top line says
    `↑ 1 new`, and not one line of the list is drawn again for it; nor, from the next
    one, the scrollbar, whose thumb a row more among 2,000 does not move. (The first
    lays the top line out for its `↑ new`, and a layout draws the bar.)"""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n, f"post {n:04d}", minutes_ago=10 + n) for n in range(ROWS)])
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "2,000 mentions" in status_text(pilot))
        await pilot.press("ctrl+f", "j", "j")
        await settle(pilot)
        mention_list = the_list(pilot)
        assert mention_list.scroll_offset.y > 0
        line = mention_list.cursor - round(mention_list.scroll_offset.y)
        before = list_lines(pilot)
        with drawn_lines(mention_list) as drawn:
            store_elsewhere(db_path, 9000)
            await wait_until(pilot, lambda: "↑ 1 new" in status_text(pilot))
            await settle(pilot)
        assert "2,001 mentions" in status_text(pilot)
        assert drawn == []
        assert mention_list.cursor - round(mention_list.scroll_offset.y) == line
        assert list_lines(pilot) == before
        bar = mention_list.vertical_scrollbar
        thumb_before = thumb(bar)
        bar_drawn: list[int] = []
        render_bar = bar.render

        def counted_bar() -> RenderableType:
            bar_drawn.append(1)
            return render_bar()

        bar.render = counted_bar  # type: ignore[method-assign]
        with drawn_lines(mention_list) as drawn:
            store_elsewhere(db_path, 9001)
            await wait_until(pilot, lambda: "↑ 2 new" in status_text(pilot))
            await settle(pilot)
        assert "2,002 mentions" in status_text(pilot)
        assert (drawn, thumb(bar), bar_drawn) == ([], thumb_before, [])
        assert list_lines(pilot) == before
        await pilot.press("g")  # the newest is there, at the top
        await wait_until(pilot, lambda: "stored elsewhere 9001" in list_lines(pilot)[0])
        assert "↑" not in status_text(pilot)


async def test_the_age_clock_draws_again_only_the_rows_whose_age_reads_differently(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows hours old read '3h' for an hour: the clock's look at the ages (here on every
    tick) draws nothing while no age changes, and then only the row that went from
    '1m' to '2m'."""
    monkeypatch.setattr(inbox_module, "AGE_REFRESH", 0.0)
    clock = Clock(NOW.timestamp())
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(0, "fresh one", minutes_ago=1)])
        await box.ingest([mention(n, f"old {n}", minutes_ago=180 + n) for n in range(1, 8)])
    app = ScrmApp(db_path=db_path, agent="tester", config=Config(), clock=clock, poll_interval=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "8 mentions" in status_text(pilot))
        await settle(pilot)
        mention_list = the_list(pilot)
        assert list_lines(pilot)[0].split()[1] == "1m"
        looks: list[int] = []
        refresh_ages = mention_list.refresh_ages

        def counted_refresh_ages() -> None:
            looks.append(1)
            refresh_ages()

        mention_list.refresh_ages = counted_refresh_ages  # type: ignore[method-assign]
        with drawn_lines(mention_list) as drawn:
            await wait_until(pilot, lambda: len(looks) >= 5)
            await settle(pilot)
            assert drawn == []
            clock.now += 60
            seen = len(looks)
            await wait_until(pilot, lambda: len(looks) > seen + 1)
            await settle(pilot)
        assert set(drawn) == {0}
        assert list_lines(pilot)[0].split()[1] == "2m"
        assert list_lines(pilot)[1].split()[1] == "3h"


async def test_an_idle_inbox_with_nothing_listening_draws_nothing_on_its_clock(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing stored, nothing claimed, nothing listening, no age that reads differently:
    the clock's looks (the ages and the sources line, here on every tick) draw no line
    of the list and leave the top line as it is."""
    monkeypatch.setattr(inbox_module, "AGE_REFRESH", 0.0)
    monkeypatch.setattr(inbox_module, "SOURCES_REFRESH", 0.0)
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n, f"old {n}", minutes_ago=180 + n) for n in range(8)])
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "8 mentions" in status_text(pilot))
        await settle(pilot)
        screen = pilot.app.screen
        ticks: list[int] = []
        tick = screen.tick  # type: ignore[attr-defined]

        def counted_tick(changed: bool) -> None:
            ticks.append(1)
            tick(changed)

        screen.tick = counted_tick  # type: ignore[attr-defined]
        top_line: list[str] = []
        for selector in ("#status", "#position", "#new-count"):
            static = screen.query_one(selector, Static)
            refresh = static.refresh

            def counted(*regions: Region, _r=refresh, _s=selector, **how: bool) -> Static:  # type: ignore[no-untyped-def]
                top_line.append(_s)
                return _r(*regions, **how)

            static.refresh = counted  # type: ignore[method-assign]
        with drawn_lines(the_list(pilot)) as drawn:
            await wait_until(pilot, lambda: len(ticks) >= 10)
            await settle(pilot)
        assert (drawn, top_line) == ([], [])
        assert "8 mentions" in status_text(pilot)
