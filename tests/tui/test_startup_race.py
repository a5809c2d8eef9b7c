"""A mention another process stores at any moment of an inbox's start-up is shown."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from scrm_tui.service.inbox import Inbox
from tests.conftest import NOW, fixed_clock, mention
from tests.support.tui import list_lines, make_app, status_text, wait_until

# Every step ScrmApp.startup_step names, in the order start-up reaches them.
STEPS = ("opening", "opened", "baseline", "first-page", "ready")
ARRIVAL = "stored while this inbox was starting"


def write_arrival(path: Path) -> Path:
    record = {
        "channel": "bluesky",
        "id": "arrived-at-start",
        "text": ARRIVAL,
        "created_at": (NOW - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "author": {"handle": "early.bsky.social", "name": "Early"},
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("step", STEPS)
async def test_a_mention_stored_by_another_process_during_start_up_is_shown(
    db_path: Path, tmp_path: Path, step: str
) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n, f"older {n}", minutes_ago=60 + n) for n in range(3)])
    source = write_arrival(tmp_path / "arrival.jsonl")
    stored: list[str] = []

    async def pause(at: str) -> None:
        """Start-up waits at `step` while `scrm ingest`, a process of its own, stores
        one mention and ends: its commit lands at exactly that moment."""
        if at != step:
            return
        ingest = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "scrm_tui", "--db", str(db_path), "ingest", "-q", str(source)
        )
        assert await ingest.wait() == 0
        stored.append(at)

    app = make_app(db_path)
    app.startup_pause = pause
    async with app.run_test(size=(120, 30)) as pilot:
        # No later commit comes to reveal it: this one alone must reach the screen.
        await wait_until(
            pilot,
            lambda: (
                stored == [step]
                and any(ARRIVAL in line for line in list_lines(pilot))
                and "4 mentions" in status_text(pilot)
            ),
        )
