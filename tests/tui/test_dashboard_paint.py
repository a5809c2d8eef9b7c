"""The dashboard while it reads: a range key keeps the last range's figures on screen,
dimmed and closed to Enter and `?`, under `loading 30d…`, until the new range's land;
keys pressed faster than ranges are read end on the last range's figures, with no
error and no snapshot left open; Esc with a read under way leaves cleanly.

A read is held in flight by its first section, which waits for the test to let it
go."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiosqlite import Connection
from textual.pilot import Pilot
from textual.widgets import OptionList
from textual.worker import WorkerState

from scrm_tui.core.figures import Section
from scrm_tui.core.ranges import Range
from scrm_tui.service import report
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.measures import Settings
from scrm_tui.ui.changes import DataChanged
from scrm_tui.ui.screens import dashboard
from scrm_tui.ui.screens.dashboard import DashboardScreen
from tests.conftest import fixed_clock, mention
from tests.e2e.test_report_lanes import ENDLESS, open_files
from tests.support.tui import running, settle, toasts, wait_until, wait_while_working
from tests.tui.test_dashboard import line_of, open_dashboard, seeded, status

__all__ = ["seeded"]  # the fixture, shared with test_dashboard.py


@asynccontextmanager
async def reads_held() -> AsyncIterator[None]:
    """Every range read that begins inside the block waits at its first section until
    the block ends, as behind a long 90-day statement at a million mentions."""
    release = asyncio.Event()
    first = report.SECTIONS[0]

    async def held(conn: Connection, period: Range, settings: Settings, now_ms: int) -> Section:
        await release.wait()
        return await first(conn, period, settings, now_ms)

    report.SECTIONS = (held, *report.SECTIONS[1:])
    try:
        yield
    finally:
        report.SECTIONS = (first, *report.SECTIONS[1:])
        release.set()


def figures_of(pilot: Pilot, name: str) -> bool:
    """Range `name`'s figures are all on screen, read."""
    shown = status(pilot)
    return f"  {name} · " in shown and "loading" not in shown and "reading" not in shown


async def test_a_range_key_keeps_the_last_figures_dimmed_until_the_new_land(
    seeded: Path,
) -> None:
    async with running(seeded, (100, 40)) as pilot:
        screen = await open_dashboard(pilot)
        assert line_of(pilot, "Mentions").split()[1] == "43"
        async with reads_held():
            await pilot.press("1")
            await wait_while_working(pilot, lambda: "loading 24h…" in status(pilot))
            # The title still names the range whose figures are shown.
            assert "  7d · " in status(pilot)
            assert line_of(pilot, "Mentions").split()[1] == "43"
            options = screen.query_one(OptionList)
            assert options.highlighted is None  # nothing stale can be opened
            assert all(options.get_option_at_index(i).disabled for i in range(len(screen.lines)))
            await pilot.press("question_mark", "enter")
            assert pilot.app.screen is screen  # neither explained nor opened
        await wait_until(pilot, lambda: figures_of(pilot, "24h"))
        assert line_of(pilot, "Mentions").split()[1] == "29"
        assert screen.query_one(OptionList).highlighted is not None


async def test_fifty_range_keys_faster_than_reads_end_on_the_last(seeded: Path) -> None:
    async with running(seeded, (100, 40), toasts=True) as pilot:
        screen = await open_dashboard(pilot)
        keys = "2341" * 12 + "31"  # 50 keys, the last one 24h
        async with reads_held():
            for key in keys[:25]:  # each read waits behind the held statement
                await pilot.press(key)
        for key in keys[25:]:  # and these while those are let go
            await pilot.press(key)
        await wait_until(pilot, lambda: figures_of(pilot, "24h"))
        await settle(pilot)
        assert screen.report is not None and screen.report.range.name == "24h"
        assert line_of(pilot, "Mentions").split()[1] == "29"
        assert toasts(pilot) == [] and pilot.app.return_code is None
        # No snapshot was left open by a read cut short: another process's posts show.
        async with await Inbox.open(seeded, "collector", fixed_clock) as other:
            await other.ingest([mention(300 + n, "Kestrel", minutes_ago=5 + n) for n in range(4)])
        await wait_until(pilot, lambda: line_of(pilot, "Mentions").split()[1] == "33")


async def test_esc_while_a_range_is_read_then_d_again(seeded: Path) -> None:
    async with running(seeded, (100, 40), toasts=True) as pilot:
        screen = await open_dashboard(pilot)
        async with reads_held():
            await pilot.press("4", "escape")
            await wait_until(pilot, lambda: not isinstance(pilot.app.screen, DashboardScreen))
        again = await open_dashboard(pilot)
        assert again is not screen and "  90d · " in status(pilot)
        await settle(pilot)
        assert toasts(pilot) == [] and pilot.app.return_code is None


async def test_a_commit_during_a_read_lets_it_end_then_reads_again(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a million mentions a 90-day read takes seconds and a collector commits every
    second: a re-read that cancelled the read under way would never let one end."""
    monkeypatch.setattr(dashboard, "REFRESH_S", 0.0)
    async with running(seeded, (100, 40), toasts=True) as pilot:
        screen = await open_dashboard(pilot)
        async with reads_held():
            await pilot.press("1")
            reading = [w for w in pilot.app.workers if w.group == "dashboard" and w.node is screen]
            assert [w.state for w in reading] == [WorkerState.RUNNING]
            screen.post_message(DataChanged())  # as a commit by another process does
            await wait_while_working(pilot, lambda: screen._missed)  # it waits its turn
            assert reading[0].state is WorkerState.RUNNING
        await wait_until(pilot, lambda: reading[0].state is WorkerState.SUCCESS)
        await wait_until(pilot, lambda: figures_of(pilot, "24h") and not screen._missed)
        await settle(pilot)
        assert line_of(pilot, "Mentions").split()[1] == "29"
        assert toasts(pilot) == [] and pilot.app.return_code is None


async def test_a_range_key_never_waits_behind_the_last_range_s_statement(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """90 days' first statement runs until it is stopped; `1` paints 24 hours anyway
    (its read has connections of its own), the 90-day statement is stopped inside
    SQLite, and Esc leaves no connection of the dashboard open."""
    began = asyncio.Event()
    first = report.SECTIONS[0]

    async def endless_at_90d(
        conn: Connection, period: Range, settings: Settings, now_ms: int
    ) -> Section:
        if period.name == "90d":
            began.set()
            await conn.execute(ENDLESS)
        return await first(conn, period, settings, now_ms)

    monkeypatch.setattr(report, "SECTIONS", (endless_at_90d, *report.SECTIONS[1:]))
    async with running(seeded, (100, 40), toasts=True) as pilot:
        before = open_files(seeded)
        screen = await open_dashboard(pilot)
        await pilot.press("4")
        await wait_while_working(pilot, began.is_set)
        await pilot.press("1")
        await wait_until(pilot, lambda: figures_of(pilot, "24h"))
        assert line_of(pilot, "Mentions").split()[1] == "29"
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, DashboardScreen))
        await settle(pilot)
        assert screen.dashboard.connections == 0 and open_files(seeded) == before
        assert toasts(pilot) == [] and pilot.app.return_code is None


async def test_awareness_paints_its_volume_while_its_authors_are_counted(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 90 days the distinct authors take most of awareness's time: the mentions and
    moods paint first, the authors and reach say "counting…" (never 0, never `—`),
    closed to Enter and `?`, until they are counted."""
    release = asyncio.Event()
    first = report.SECTIONS[0]

    async def slow(conn: Connection, period: Range, settings: Settings, now_ms: int) -> Section:
        if period.name == "24h":
            await release.wait()
        return await first(conn, period, settings, now_ms)

    monkeypatch.setattr(report, "SECTIONS", (slow, *report.SECTIONS[1:]))
    monkeypatch.setitem(report.PREVIEWS, slow, report.PREVIEWS[first])
    async with running(seeded, (100, 40), toasts=True) as pilot:
        screen = await open_dashboard(pilot)
        await pilot.press("1")
        await wait_while_working(pilot, lambda: "  24h · " in status(pilot))
        assert line_of(pilot, "Mentions").split()[1] == "29"
        assert line_of(pilot, "Unique authors").split()[2:] == ["counting…"]
        assert line_of(pilot, "Estimated reach").split()[2:] == ["counting…"]
        assert line_of(pilot, "By network").split()[2:] == ["counting…"]
        options = screen.query_one(OptionList)
        pending = [
            i
            for i in range(options.option_count)
            if "counting…" in str(options.get_option_at_index(i).prompt)
        ]
        assert len(pending) >= 3
        assert all(options.get_option_at_index(i).disabled for i in pending)
        assert all(screen.lines[i] is None for i in pending)  # nothing to open or explain
        release.set()
        await wait_until(pilot, lambda: figures_of(pilot, "24h"))
        assert line_of(pilot, "Unique authors").split()[2].isdigit()
        assert "counting" not in line_of(pilot, "Estimated reach")
        assert toasts(pilot) == [] and pilot.app.return_code is None
