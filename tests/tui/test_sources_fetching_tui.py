"""The sources screen (`S`) names a source the collector is waiting on, and for how long
(#10.10): a slow answer is not a silent stall."""

from __future__ import annotations

from pathlib import Path

from scrm_tui.store.db import Database
from scrm_tui.store.lease import LeaseStore
from scrm_tui.store.sources import SourceStateStore
from tests.support.tui import running
from tests.tui.test_sources_tui import HOLDER, NOW_MS, detail, goto, open_sources, row


async def _slow_source(db_path: Path, *, lease_until_ms: int) -> None:
    """`rss:slow`, never fetched, waited on for 40 s; `rss:news` fetched a minute ago."""
    db = await Database.open(db_path)
    try:
        states = SourceStateStore(db)
        await states.succeeded("rss:news", "rss", cursor="c", stored=2, now_ms=NOW_MS - 60_000)
        await states.fetching("rss:slow", "rss", since_ms=NOW_MS - 40_000, now_ms=NOW_MS - 38_000)
        await LeaseStore(db).acquire("collector", HOLDER, lease_until_ms - 20_000, 20_000)
    finally:
        await db.close()


async def test_a_source_waited_on_shows_as_fetching_with_its_time(db_path: Path) -> None:
    await _slow_source(db_path, lease_until_ms=NOW_MS + 15_000)
    async with running(db_path, size=(120, 30)) as pilot:
        await open_sources(pilot)
        assert "⟳ fetch 40s" in row(pilot, "rss:slow") and "never" in row(pilot, "rss:slow")
        assert "✓ ok" in row(pilot, "rss:news")
        await goto(pilot, "rss:slow")
        assert "Fetching for 40 s: the collector waits for its answer" in detail(pilot)


async def test_a_mark_left_by_a_collector_that_is_gone_is_not_shown(db_path: Path) -> None:
    await _slow_source(db_path, lease_until_ms=NOW_MS - 5_000)  # its lease ran out
    async with running(db_path, size=(120, 30)) as pilot:
        await open_sources(pilot)
        assert "fetch" not in row(pilot, "rss:slow") and "✓ ok" in row(pilot, "rss:slow")
        await goto(pilot, "rss:slow")
        assert "Fetching" not in detail(pilot)
