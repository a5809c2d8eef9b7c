"""CPU cost of the dashboard's first paint with its charts, at 80×24, on a demo database.

    .venv/bin/python bench/charts_paint_bench.py DB [--runs 7]

Per run: a new app (headless, Textual's pilot) opens the inbox on DB, then `D`; the
process CPU time (every thread: the database's too) is read from the key to the first
frame after the figures are shown, and again once the chart has been moved to each
figure of the first section with `j` (each redraws the chart). Prints the medians in ms.
Run it from another checkout (copy this file into its bench/) to compare: the code
imported is the checkout's that holds the script.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scrm_tui  # noqa: E402
from scrm_tui.core.config import Config  # noqa: E402
from scrm_tui.ui.app import ScrmApp  # noqa: E402
from scrm_tui.ui.screens.dashboard import DashboardScreen  # noqa: E402


async def _until(pilot, condition, limit: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the dashboard never showed its figures")
        await asyncio.sleep(0.005)


async def one(db: Path) -> tuple[float, float]:
    app = ScrmApp(db_path=db, agent="bench", config=Config(), poll_interval=0.5)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)  # the inbox's first page and counts are in
        start = time.process_time()
        await pilot.press("D")
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await _until(pilot, lambda: screen.report is not None)
        await pilot.pause()  # the frame that shows them
        paint = time.process_time() - start
        start = time.process_time()
        for _ in range(6):
            await pilot.press("j")
        await pilot.pause()
        keys = (time.process_time() - start) / 6
        await pilot.press("escape")
    return paint * 1000, keys * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"code: {Path(scrm_tui.__file__).parent.parent}")
    paints, keys = [], []
    for _ in range(args.runs):
        paint, key = asyncio.run(one(args.db))
        paints.append(paint)
        keys.append(key)
    print(
        f"D → first paint at 80×24: median {statistics.median(paints):.0f} ms CPU "
        f"(min {min(paints):.0f}, max {max(paints):.0f}, {args.runs} runs)"
    )
    print(f"j (the chart follows): median {statistics.median(keys):.1f} ms CPU a key")


if __name__ == "__main__":
    main()
