"""Large arrivals into an open inbox: the place, the counts and the keys all hold."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from scrm_tui.core.config import Config
from scrm_tui.core.models import MentionRow, Status
from scrm_tui.core.query import Query
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.window import FOLD, KEEP
from scrm_tui.store.mentions import base as mention_store
from scrm_tui.ui.app import ScrmApp
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import NOW, fixed_clock, mention
from tests.support.tui import inbox_screen, list_lines, status_text

SHOWN = 300
ARRIVING = 3000


async def seed(db_path: Path) -> None:
    """Mentions 10 minutes apart, the oldest 3,000 minutes ago."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest(
            [mention(n, f"shown {n:04d}", minutes_ago=10 + 10 * n) for n in range(SHOWN)]
        )


def arriving_ago(k: int, oldest: float) -> float:
    """Minutes ago for arrival k: spread from 15 to `oldest` minutes ago."""
    return 15 + (k * (oldest - 15)) / ARRIVING


def write_arrivals(path: Path, oldest: float) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for k in range(ARRIVING):
            when = NOW - timedelta(minutes=arriving_ago(k, oldest))
            record = {
                "channel": "bluesky",
                "id": f"arrived-{k}",
                "text": f"arrived {k:04d}",
                "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "author": {"handle": f"late{k % 40}.bsky.social", "name": f"Late {k % 40}"},
            }
            out.write(json.dumps(record) + "\n")
    return path


def the_list(pilot: Pilot) -> MentionList:
    return pilot.app.screen.query_one(MentionList)


def selected_line(pilot: Pilot) -> int:
    mention_list = the_list(pilot)
    return mention_list.cursor - round(mention_list.scroll_offset.y)


def inbox_app(db_path: Path, poll_interval: float) -> ScrmApp:
    return ScrmApp(
        db_path=db_path,
        agent="tester",
        config=Config(),
        clock=fixed_clock,
        poll_interval=poll_interval,
    )


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 60) -> None:
    """Wait for an effect of the keys or of the other process (a deadline, no guess)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await pilot.pause(0.02)


async def at_the_oldest(pilot: Pilot) -> MentionList:
    await until(pilot, lambda: the_list(pilot).window is not None)
    mention_list = the_list(pilot)
    await until(pilot, lambda: mention_list.window.total == SHOWN)
    await pilot.press("G")
    oldest = f"shown {SHOWN - 1:04d}"
    await until(pilot, lambda: (row := mention_list.selected) is not None and row.snippet == oldest)
    return mention_list


def ingest_elsewhere(db_path: Path, source: Path) -> None:
    """`scrm ingest` in its own process: one commit of the whole file."""
    ingest = subprocess.run(
        [sys.executable, "-m", "scrm_tui", "--db", str(db_path), "ingest", "-q", str(source)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ingest.returncode == 0, ingest.stderr


async def stream_order(db_path: Path) -> list[MentionRow]:
    """Every mention in stream order, as another reader sees it."""
    async with await Inbox.open(db_path, "reader", fixed_clock) as box:
        return await box.page_older(Query(), None, 100_000)


def assert_true_to_the_database(pilot: Pilot, order: list[MentionRow], before: int) -> None:
    """Every line is the mention the full order has there; the header counts them all;
    "↑ N new" counts the arrivals above the view."""
    mention_list = the_list(pilot)
    top = round(mention_list.scroll_offset.y)
    for y, text in enumerate(list_lines(pilot)):
        assert order[top + y].snippet in text, f"line {y} is wrong"
    total = len(order)
    status = status_text(pilot)
    position = inbox_screen(pilot).query_one("#position").render().plain.strip()
    assert f"{total:,} mentions" in status
    assert position == f"{mention_list.cursor + 1:,}/{total:,}"
    above = sum(1 for row in order[:top] if row.id > before)
    assert above > 0 and f"↑ {above:,} new" in status


async def test_a_large_arrival_from_another_process_keeps_the_selection_in_place(
    db_path: Path, tmp_path: Path
) -> None:
    """Another process stores 3,000 mentions dated among the 300 shown, some between
    the top line and the selected one: the selection stays, on its line."""
    await seed(db_path)
    # Among all the shown, down to the selected (oldest) one, 3,000 minutes ago.
    source = write_arrivals(tmp_path / "late.jsonl", oldest=2995)
    async with inbox_app(db_path, poll_interval=0.05).run_test(size=(80, 24)) as pilot:
        mention_list = await at_the_oldest(pilot)
        chosen, line = mention_list.selected.id, selected_line(pilot)
        before = max(row.id for row in await stream_order(db_path))
        ingest_elsewhere(db_path, source)
        await until(pilot, lambda: mention_list.window.total == SHOWN + ARRIVING)
        order = await stream_order(db_path)
        assert mention_list.selected.id == chosen
        assert mention_list.cursor == [row.id for row in order].index(chosen)
        assert selected_line(pilot) == line
        assert_true_to_the_database(pilot, order, before)


async def test_keys_typed_during_a_large_arrival_act_in_order(
    db_path: Path, tmp_path: Path
) -> None:
    """While the inbox takes in 3,000 mentions from another process, the agent at the
    oldest one types `kkkx`: done lands on the mention three up, the cursor moves on
    to the next one, two lines above where it was, and the counts are exact."""
    await seed(db_path)
    # Among all the shown but the oldest five, so that where `kkk` lands is known.
    source = write_arrivals(tmp_path / "late.jsonl", oldest=2945)
    # This inbox looks for changes only when told to, so the keys below are typed
    # while it takes the arrival in.
    app = inbox_app(db_path, poll_interval=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        mention_list = await at_the_oldest(pilot)
        line = selected_line(pilot)
        before = max(row.id for row in await stream_order(db_path))
        ingest_elsewhere(db_path, source)

        inbox_screen(pilot).check_changes(force=True)
        for key in "kkkx":
            app.post_message(events.Key(key, key))
        target = f"shown {SHOWN - 3:04d}"
        await until(
            pilot,
            lambda: (
                mention_list.window.total == SHOWN + ARRIVING
                and mention_list.selected.snippet == target
            ),
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while not [row for row in await stream_order(db_path) if row.status is Status.DONE]:
            assert loop.time() < deadline, "x was never written"
            await pilot.pause(0.02)
        order = await stream_order(db_path)
        # The keys acted in the order typed: x marked the mention three up, then moved on.
        assert [row.snippet for row in order if row.status is Status.DONE] == [
            f"shown {SHOWN - 4:04d}"
        ]
        assert mention_list.cursor == [row.snippet for row in order].index(target)
        assert selected_line(pilot) == line - 2
        assert_true_to_the_database(pilot, order, before)


async def test_a_large_arrival_costs_the_inbox_what_it_shows(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taking in 3,000 new mentions reads about a screen of rows, not 3,000 of them."""
    await seed(db_path)
    read = 0
    make_row = mention_store._row

    def counted(values: object) -> object:
        nonlocal read
        read += 1
        return make_row(values)  # type: ignore[arg-type]

    async with inbox_app(db_path, poll_interval=0.05).run_test(size=(80, 24)) as pilot:
        mention_list = await at_the_oldest(pilot)
        monkeypatch.setattr(mention_store, "_row", counted)
        async with await Inbox.open(db_path, "collector", fixed_clock) as other:
            await other.ingest(
                [
                    mention(1000 + k, f"arrived {k:04d}", minutes_ago=arriving_ago(k, 2995))
                    for k in range(ARRIVING)
                ]
            )
        await until(pilot, lambda: mention_list.window.total == SHOWN + ARRIVING)
    # Rows either side of the selection, a page of arrivals to see whether it is a
    # small one, the lines on screen refreshed: bounded by the screen, not the arrival.
    screen_rows = 24
    assert read <= 4 * (screen_rows + 100) + 100, read


async def stream(pilot, db_path: Path, upto: int) -> int:  # type: ignore[no-untyped-def]
    """Another process stores fresh mentions FOLD at a time, each batch waited for on
    screen, until `upto` are stored; returns how many are."""
    await until(pilot, lambda: the_list(pilot).window is not None)
    mention_list = the_list(pilot)
    await until(pilot, lambda: mention_list.window.total == SHOWN)
    stored = SHOWN
    async with await Inbox.open(db_path, "collector", fixed_clock) as other:
        while stored < upto:
            await other.ingest(
                [
                    mention(10_000 + stored + k, f"fresh {stored + k}", minutes_ago=0)
                    for k in range(FOLD)
                ]
            )
            stored += FOLD
            await until(pilot, lambda n=stored: mention_list.window.total == n)
    return stored


async def test_a_long_stream_of_small_arrivals_keeps_the_list_to_its_window(
    db_path: Path,
) -> None:
    """The demo stream, a busy collector: new mentions a few at a time, all day. The
    list shows them all but holds no more than its window of rows."""
    await seed(db_path)
    async with inbox_app(db_path, poll_interval=0.05).run_test(size=(80, 24)) as pilot:
        mention_list = the_list(pilot)
        stored = await stream(pilot, db_path, SHOWN + KEEP + 500)
        assert len(mention_list.window.rows) <= KEEP
        assert mention_list.selected.snippet == "shown 0000"
        assert f"↑ {stored - SHOWN:,} new" in status_text(pilot)


async def test_arrivals_above_the_view_are_counted_not_held(db_path: Path) -> None:
    """The cursor stays put while a collector stores mention after mention: what arrives
    above the view is counted (`↑ N new`), and the window holds no more of it than a
    page around the view, however many pile up; `g` still takes the user to the newest."""
    await seed(db_path)
    async with inbox_app(db_path, poll_interval=0.05).run_test(size=(80, 24)) as pilot:
        mention_list = the_list(pilot)
        stored = await stream(pilot, db_path, SHOWN + 6 * FOLD)
        window = mention_list.window
        held = sum(1 for row in window.rows if row.snippet.startswith("fresh"))
        assert held <= window.page + mention_list.size.height  # not the 600 that came
        assert mention_list.selected.snippet == "shown 0000"
        assert f"↑ {stored - SHOWN:,} new" in status_text(pilot)
        await pilot.press("g")
        newest = f"fresh {stored - 1}"
        await until(
            pilot, lambda: (row := mention_list.selected) is not None and row.snippet == newest
        )
        assert "↑" not in status_text(pilot)
