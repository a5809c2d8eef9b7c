"""The rising terms' past days are counted before anyone opens the dashboard: by the
collector (the lease holder) and by `scrm catch-up`, each day kept once, so the first
`D` counts none (its title line never says "counting terms")."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from scrm_tui.core.ranges import parse_range
from scrm_tui.service import report
from scrm_tui.service.collector import Collector
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.measures import Settings
from tests.conftest import NOW, fixed_clock, mention
from tests.support.cli import scrm
from tests.support.clock import Clock

DAYS = 3  # whole days before NOW's, each with its own posts


async def seed(db_path: Path) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        posts = [
            mention(
                day * 100 + n,
                f"Kestrel sync is broken again, day{day} {'outage' * (n % 2)}",
                minutes_ago=60 * 24 * day + 60 * 13 + n,  # each in its own UTC day
            )
            for day in range(1, DAYS + 1)
            for n in range(4 + day)
        ]
        await box.ingest(posts)


def kept(db_path: Path, term: str) -> dict[int, int]:
    with sqlite3.connect(db_path) as conn:
        return dict(
            conn.execute(
                "SELECT day, n FROM term_days WHERE watch_set = '' AND term = ?", (term,)
            ).fetchall()
        )


def said(db_path: Path, word: str) -> dict[int, int]:
    """Per UTC day, the mentions whose text holds `word`: recounted in plain Python."""
    found: dict[int, int] = {}
    with sqlite3.connect(db_path) as conn:
        for text, created in conn.execute("SELECT text, created_ms FROM mentions"):
            if word in text.lower().split():
                day = created // 86_400_000
                found[day] = found.get(day, 0) + 1
    return found


async def test_the_collector_counts_past_days_before_the_dashboard_asks(db_path: Path) -> None:
    await seed(db_path)
    async with await Inbox.open(db_path, "collector", fixed_clock) as box:
        col = Collector(box, [], clock=Clock(NOW.timestamp()), holder="h:1")
        assert await col.step()  # the lease holder: it starts counting
        await col.terms_counted()
        today = int(NOW.timestamp() * 1000) // 86_400_000
        whole = {day: n for day, n in said(db_path, "broken").items() if day < today}
        assert len(whole) == DAYS and kept(db_path, "broken") == whole
        assert kept(db_path, "outage") == {
            day: n for day, n in said(db_path, "outage").items() if day < today
        }
        # What the dashboard then does: the 7 days' rising terms, with no day to count.
        asked: list[tuple[int, int]] = []
        settings = Settings.of(box.config, box.watch_words, box.brand_accounts)
        period = parse_range("7d", box.now_ms())
        tables = await report.rising_terms(box.db, period, settings, lambda *d: asked.append(d))
        assert asked == [] and tables[0].key == "awareness.rising"
        await col.release()


def test_catch_up_counts_them_once(db_path: Path) -> None:
    asyncio.run(seed(db_path))
    first = scrm("--db", str(db_path), "catch-up")
    assert first.returncode == 0, first.stderr
    assert "days of rising terms counted:" in first.stdout
    assert len(kept(db_path, "broken")) == DAYS
    again = scrm("--db", str(db_path), "catch-up")
    assert again.returncode == 0 and "rising terms" not in again.stdout
