"""Many snoozes coming due at once (Monday 9:00): an inbox's look costs the same however
many are due, and its counts stay true, the snoozes being woken in batches first."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from scrm_tui.core.query import Query
from scrm_tui.service.inbox import Inbox
from scrm_tui.store import live
from scrm_tui.store.mentions import DUE_COUNTED
from tests.conftest import NOW, mention
from tests.support.clock import Clock

SNOOZED = 3 * DUE_COUNTED
OTHERS = 100
STEP = 100  # SQLite's virtual machine instructions between two calls of the handler


async def snoozed_all(box: Inbox) -> None:
    await box.ingest([mention(n, f"post {n}") for n in range(SNOOZED + OTHERS)])
    rows = await box.page_older(Query(), None, SNOOZED + OTHERS)
    await box.snoozes.snooze([row.id for row in rows[:SNOOZED]], box.snoozes.read("1h"))


async def look_cost(box: Inbox) -> int:
    """What one look (the pulse) costs SQLite, in steps of STEP instructions."""
    steps = 0

    def counted() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    await box.db.reader.set_progress_handler(counted, STEP)
    await live.pulse(box.db, box.agent, box.now_ms())
    await box.db.reader.set_progress_handler(None, STEP)
    return steps


async def test_a_look_costs_the_same_with_three_times_as_many_snoozes_due(db_path: Path) -> None:
    clock = Clock(NOW.timestamp())
    async with await Inbox.open(db_path, "kim", clock) as box:
        await snoozed_all(box)
        clock.now += timedelta(hours=2).total_seconds()
        many = await look_cost(box)  # 3,000 due
        await box.snoozes.wake_due(SNOOZED - DUE_COUNTED)
        few = await look_cost(box)  # 1,000 due
        assert many <= few * 1.2


@pytest.mark.both_engines
async def test_the_counts_are_true_when_more_snoozes_came_due_than_a_look_counts(
    target: str | Path,
) -> None:
    clock = Clock(NOW.timestamp())
    async with await Inbox.open(target, "kim", clock) as box:
        await snoozed_all(box)
        await box.has_changed()
        assert (box.pulse.listed, box.pulse.unread) == (OTHERS, OTHERS)
        clock.now += timedelta(hours=2).total_seconds()
        await box.has_changed()
        everyone = SNOOZED + OTHERS
        assert (box.pulse.listed, box.pulse.unread) == (everyone, everyone)
        assert await box.stats() == (everyone, everyone)
