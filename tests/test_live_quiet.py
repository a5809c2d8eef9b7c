"""What changes nothing on screen costs an open inbox nothing: claims that beat on,
and the reads an arrival cannot need."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from scrm_tui.core.config import Config
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.app import ScrmApp
from scrm_tui.ui.screens.inbox import InboxScreen
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.claiming import own_session
from tests.clock import Clock
from tests.conftest import NOW, fixed_clock, mention
from tests.tui import settle, wait_until


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW.timestamp())


def the_list(pilot: Pilot) -> MentionList:
    return pilot.app.screen.query_one(MentionList)


def first_line(pilot: Pilot) -> str:
    return the_list(pilot).render_line(0).text


async def test_claims_that_beat_on_repaint_their_rows_only_when_their_time_reads_differently(
    db_path: Path, clock: Clock
) -> None:
    """A claim past its first minute reads '2m' for a minute: its heartbeats and the
    screen's every-second look at claims repaint nothing until it reads '3m'."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n, f"sync broken, post {n}") for n in range(1, 4)])
    app = ScrmApp(db_path=db_path, agent="tester", config=Config(), clock=clock, poll_interval=0.05)
    her = own_session(await Inbox.open(db_path, "dana", clock))
    async with her, app.run_test(size=(80, 24)) as pilot:
        await her.presence.claim([1], "reply")
        clock.now += 125
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
        assert repainted == [0]  # the row whose claim reads differently now
        assert isinstance(pilot.app.screen, InboxScreen)
