"""What drawing the dashboard costs once its report is read: the OptionList of every
line built (`show`) and the next frame painted, at 80x24 and 200x50, headless.

    python bench/dashboard_paint_bench.py COPY.db [--runs 10]

Reads the 7-day and 90-day reports once, then times, --runs times each, the main
thread's CPU from `show(report)` to the frame after it (Textual's test harness: no
terminal I/O, so this is the widget work alone). The machine is shared: CPU, not wall.
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

from scrm_tui.core.config import Config  # noqa: E402
from scrm_tui.service.report import SECTIONS  # noqa: E402
from scrm_tui.ui.app import ScrmApp  # noqa: E402
from scrm_tui.ui.screens.dashboard import DashboardScreen  # noqa: E402


async def measure(db: Path, size: tuple[int, int], runs: int) -> None:
    app = ScrmApp(db_path=db, agent="bench", config=Config())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("D")
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        for name in ("7d", "90d"):
            screen.load(name)
            while not (
                screen.report is not None
                and screen.report.range.name == name
                and "reading" not in str(screen.query_one("#dash-status").render())
                and len(screen.report.sections) == len(SECTIONS)
            ):
                await asyncio.sleep(0.05)
            app.workers.cancel_group(screen, "dashboard-terms")  # its thread would share
            report = screen.report
            assert report is not None
            lines = []
            for _ in range(runs):
                cpu = time.thread_time()
                screen.show(report)
                await pilot.pause()  # the frame after it
                lines.append(time.thread_time() - cpu)
            print(
                f"{size[0]}x{size[1]} {name}: {len(screen.lines)} lines, show + frame "
                f"median {statistics.median(lines) * 1000:.1f} ms CPU "
                f"(min {min(lines) * 1000:.1f}, max {max(lines) * 1000:.1f})"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    for size in ((80, 24), (200, 50)):
        asyncio.run(measure(args.db, size, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
