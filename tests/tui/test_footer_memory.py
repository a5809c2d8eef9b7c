"""The footer's keys are rebuilt as the focus moves (`/`, Esc); the keys it drops must
be freed, or a day of filtering holds thousands of dead widgets."""

from __future__ import annotations

import gc
from pathlib import Path

from textual.widgets._footer import FooterKey

from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.support.tui import press, running, wait_until


async def test_opening_and_closing_the_filter_many_times_keeps_no_old_footer_keys(
    db_path: Path,
) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n, f"post {n}") for n in range(5)])
    async with running(db_path) as pilot:
        await wait_until(pilot, lambda: len(pilot.app.screen.query(FooterKey)) > 5)
        shown = len(pilot.app.screen.query(FooterKey))
        for _ in range(20):
            await press(pilot, "slash")
            await press(pilot, "escape")
        gc.collect()
        alive = [o for o in gc.get_objects() if isinstance(o, FooterKey)]
        # The keys on screen, and at most one rebuild's worth on their way out.
        assert len(alive) <= 2 * shown + 2, (len(alive), shown)
