"""What changes nothing on screen costs an open inbox nothing: claims that beat on,
and the reads an arrival cannot need."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from scrm_tui.core.config import Config
from scrm_tui.core.views import View
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.app import ScrmApp
from scrm_tui.ui.screens.inbox import InboxScreen
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import NOW, fixed_clock, mention
from tests.support.claiming import own_session
from tests.support.clock import Clock
from tests.support.sqltrace import Statements
from tests.support.tui import (
    detail_text,
    list_lines,
    make_app,
    running,
    settle,
    static_text,
    status_text,
    wait_until,
)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW.timestamp())


def the_list(pilot: Pilot) -> MentionList:
    return pilot.app.screen.query_one(MentionList)


def first_line(pilot: Pilot) -> str:
    return the_list(pilot).render_line(0).text


@contextlib.asynccontextmanager
async def dana_beside(db_path: Path, clock: Clock) -> AsyncIterator[tuple[Pilot, Inbox]]:
    """Three mentions, this agent's app, and dana's session of her own on the same
    clock (her claims and beats are another process's)."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        # Hours old: their ages read the same ('1h'…'3h') over the minutes the tests
        # move the clock, so the ages' own repaint (every 15 s of wall time, whenever
        # it falls) never counts as a repaint the claims caused.
        posts = [mention(n, f"sync broken, post {n}", minutes_ago=60 * n) for n in range(1, 4)]
        await box.ingest(posts)
    app = ScrmApp(db_path=db_path, agent="tester", config=Config(), clock=clock, poll_interval=0.05)
    her = own_session(await Inbox.open(db_path, "dana", clock))
    async with her, app.run_test(size=(80, 24)) as pilot:
        # Her claims come once the inbox shows its mentions and the first one is in the
        # reading pane: a claim made while it starts is another test (test_startup_race).
        await wait_until(pilot, lambda: "sync broken, post 1" in detail_text(pilot))
        await settle(pilot)
        yield pilot, her


async def test_claims_that_beat_on_repaint_their_rows_only_when_their_time_reads_differently(
    db_path: Path, clock: Clock
) -> None:
    """A claim past its first minute reads '2m' for a minute: its heartbeats and the
    screen's every-second look at claims repaint nothing until it reads '3m'."""
    async with dana_beside(db_path, clock) as (pilot, her):
        await her.presence.claim([1], "reply")
        for _ in range(5):  # 2m 5s of her beating (each beat within the claim's TTL,
            clock.now += 25  # or the claim would have lapsed and begun again at 0s)
            await her.presence.store.beat(her.presence.holder, "dana", her.now_ms(), [1])
        await wait_until(pilot, lambda: "✎ dana, 2m" in first_line(pilot))
        await settle(pilot)
        mention_list = the_list(pilot)
        repainted: list[int] = []
        looks: list[int] = []
        refresh_line, refresh_claims = mention_list.refresh_line, mention_list.refresh_claims

        def counted_refresh_line(y: int) -> MentionList:
            repainted.append(y)
            return refresh_line(y)

        def counted_refresh_claims() -> None:
            looks.append(1)
            refresh_claims()

        mention_list.refresh_line = counted_refresh_line  # type: ignore[method-assign]
        mention_list.refresh_claims = counted_refresh_claims  # type: ignore[method-assign]
        await wait_until(pilot, lambda: len(looks) > 0)  # the 2m is drawn
        repainted.clear()
        for _ in range(3):  # her process beats; the screen looks at its claims meanwhile
            clock.now += 10
            await her.presence.store.beat(her.presence.holder, "dana", her.now_ms(), [1])
            seen = len(looks)
            await wait_until(pilot, lambda seen=seen: len(looks) > seen)  # type: ignore[misc]
        assert "✎ dana, 2m" in first_line(pilot)
        assert repainted == []
        clock.now += 30  # 3m 5s
        await her.presence.store.beat(her.presence.holder, "dana", her.now_ms(), [1])
        seen = len(looks)
        await wait_until(pilot, lambda: len(looks) > seen)
        assert "✎ dana, 3m" in first_line(pilot)
        # The row whose claim reads differently now, and only it (asked for again by the
        # ages' look, should that fall between, it is still drawn once in the frame).
        assert set(repainted) == {0}
        assert isinstance(pilot.app.screen, InboxScreen)


# One write by another scrm process: `agent` opens the database and does `op`.
WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from scrm_tui.core.models import Status
    from scrm_tui.service.inbox import Inbox
    from tests.conftest import mention

    async def main(db, agent, op):
        async with await Inbox.open(db, agent) as box:
            top = (await box.mentions.rows_by_id([3], agent))[0].id
            if op == "store":
                await box.ingest([mention(900, "stored elsewhere", minutes_ago=0)])
            elif op == "read":
                await box.set_read([top], True)
            elif op == "done":
                await box.set_status([top], Status.DONE)
            elif op == "save-view":
                await box.views.save("open", "is:open")
            elif op == "claim":
                # A holder on another host: its claim is not swept the moment this
                # process ends (as a dead process's on this host is), but after its TTL.
                box.presence.holder = "far-host:1:1"
                await box.presence.claim([top], "reply")
                box.presence.held.clear()  # still claimed when this process ends

    asyncio.run(main(*sys.argv[1:]))
    """
)


def elsewhere(db: Path, agent: str, op: str) -> None:
    subprocess.run(
        [sys.executable, "-c", WRITER, str(db), agent, op],
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )


@pytest.mark.parametrize(
    ("agent", "op", "shown"),
    [
        (
            "kim",
            "store",
            lambda lines, status: (
                "stored elsewhere" in lines[0] and "4 mentions · 4 unread" in status
            ),
        ),
        ("tester", "read", lambda lines, status: "3 mentions · 2 unread" in status),
        ("kim", "done", lambda lines, status: "post 3" in lines[0] and "✓" in lines[0]),
        ("kim", "claim", lambda lines, status: "✎ kim" in lines[0]),
    ],
)
async def test_what_another_process_changes_reaches_the_list_and_header_with_no_read_of_its_own(
    db_path: Path, agent: str, op: str, shown: Callable[[list[str], str], bool]
) -> None:
    """An arrival, this agent's read in another terminal, a status and a claim reach the
    screen; the header's counts, the outbox's and the snoozes' clocks come with the
    change mark (one read), not as reads of their own on every change."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest(
            [mention(n, f"sync broken, post {n}", minutes_ago=10 - n) for n in (1, 2, 3)]
        )
    app = make_app(db_path)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_until(pilot, lambda: "3 mentions · 3 unread" in status_text(pilot))
        await settle(pilot)
        assert app.inbox is not None
        seen = Statements()
        await app.inbox.db.reader.set_trace_callback(seen)
        elsewhere(db_path, agent, op)
        await wait_until(pilot, lambda: shown(list_lines(pilot), status_text(pilot)))
        await app.inbox.db.reader.set_trace_callback(None)
        others = [s for s in seen.lines() if "change_marks" not in s]  # the mark's own read
        # The header's counts, the outbox's next send and failures, the next snooze, and
        # (with no views) the views' inputs.
        reads = ("mention_counts", "FROM outbox WHERE state", "min(snoozed_until_ms)", "read_log")
        for read in reads:
            assert not [s for s in others if read in s], read


async def test_a_view_saved_in_another_terminal_joins_the_bar_though_arrivals_do_not_reread_them(
    db_path: Path,
) -> None:
    """An arrival counts the views known (no read of the saved views); a view the same
    agent saves elsewhere is a recorded change, and the bar reads the views again."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n, f"post {n}") for n in (1, 2, 3)])
    async with running(db_path, views=(View("all", "is:open"),)) as pilot:
        bar = lambda: static_text(pilot, "#view-bar").strip()  # noqa: E731
        await wait_until(pilot, lambda: bar() == "1 all 3")
        elsewhere(db_path, "kim", "store")
        await wait_until(pilot, lambda: bar() == "1 all 4")
        elsewhere(db_path, "tester", "save-view")
        await wait_until(pilot, lambda: bar() == "1 all 4  2 open 4")


async def test_the_reading_panes_claim_counts_by_the_second_without_laying_out_the_screen(
    db_path: Path, clock: Clock
) -> None:
    """'12s' to '13s' is the same size: the line is drawn again, the screen is not laid
    out again (every second, for as long as the mention read is claimed)."""
    async with dana_beside(db_path, clock) as (pilot, her):
        await her.presence.claim([1], "reply")
        clock.now += 12
        line = pilot.app.screen.query_one("#detail-claim", Static)
        await wait_until(pilot, lambda: str(line.render()).startswith("✎ dana, 12s"))
        await settle(pilot)  # the line's first showing (a layout: it was hidden) is done
        layouts: list[bool] = []
        refresh = line.refresh

        def counted(*regions: object, **how: bool) -> Static:
            layouts.append(how.get("layout", False))
            return refresh(*regions, **how)  # type: ignore[arg-type]

        line.refresh = counted  # type: ignore[method-assign]
        clock.now += 1
        await wait_until(pilot, lambda: str(line.render()).startswith("✎ dana, 13s"))
        assert layouts and not any(layouts)
