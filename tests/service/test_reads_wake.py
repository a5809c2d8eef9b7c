"""An agent's reads are theirs alone: marking a mention read in one terminal wakes the
same agent's other terminals (which show it read at once, on either engine), and no other
agent's inbox finds anything to refresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrm_tui.core.query import parse
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.support.calls import Calls

pytestmark = pytest.mark.both_engines


async def test_a_read_wakes_the_agents_other_terminal_and_no_one_elses(
    target: str | Path,
) -> None:
    async with (
        await Inbox.open(target, "dana", fixed_clock) as here,
        await Inbox.open(target, "dana", fixed_clock) as there,
        await Inbox.open(target, "kim", fixed_clock) as kim,
    ):
        await here.ingest([mention(1), mention(2)])
        [newer, older] = [row.id for row in await here.page_older(parse(""), None, 10)]
        await there.notice_changes()
        await kim.notice_changes()
        calls = Calls()
        watch = there.watch_commits(calls)
        try:
            calls.wait_for(1)  # its first look, at once
            await here.set_read([older], True)
            calls.wait_for(2)  # woken by the read, not by a clock
            assert await there.has_changed()
            assert [row.is_read for row in await there.rows([newer, older])] == [False, True]
            assert (await there.stats())[1] == 1  # one unread left in the header
        finally:
            watch.close()
        # Kim's reads are her own: nothing in her inbox moved.
        assert not await kim.has_changed()
        assert [row.is_read for row in await kim.rows([newer, older])] == [False, False]
