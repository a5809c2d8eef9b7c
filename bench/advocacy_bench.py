"""The dashboard's Advocacy section at scale: CPU of one `build()` of it.

    python bench/advocacy_bench.py DB [--runs 5]

DB is a copy (it is upgraded on open): e.g. the scale bench's 1M database copied to
/tmp. Times the section (both 90-day windows it reads: now and the period before) for
a 7-day range ending at the newest mention, and at the end of the densest 90 days
of the file (the most mentions a window can hold there). Prints medians of CPU seconds.
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

from scrm_tui.core.ranges import DAY_MS, HOUR_MS, Range  # noqa: E402
from scrm_tui.service import advocacy  # noqa: E402
from scrm_tui.service.measures import Settings  # noqa: E402
from scrm_tui.store.db import Database, fetch_one  # noqa: E402


async def main(path: Path, runs: int) -> None:
    t = time.process_time()
    db = await Database.open(path)
    print(f"opened (and upgraded) in {time.process_time() - t:.1f}s CPU")
    conn = db.reader
    newest = int((await fetch_one(conn, "SELECT max(created_ms) FROM mentions"))[0])
    # the densest 90 days: the 30-day bucket with most mentions, plus the two before it
    row = await fetch_one(
        conn,
        "SELECT created_ms / (30 * 86400000) b, count(*) n FROM mentions GROUP BY b "
        "ORDER BY n DESC LIMIT 1",
    )
    dense_end = (int(row[0]) + 1) * 30 * DAY_MS
    settings = Settings()
    for name, end in (("newest", newest), ("densest", dense_end)):
        end = end - end % HOUR_MS + HOUR_MS
        period = Range(end - 7 * DAY_MS, end, "7d")
        count = await fetch_one(
            conn,
            "SELECT count(*) FROM mentions WHERE created_ms >= ? AND created_ms < ?",
            (end - 90 * DAY_MS, end),
        )
        times = []
        for _ in range(runs):
            t = time.process_time()
            await conn.execute("BEGIN")
            section = await advocacy.section(conn, period, settings, end)
            await conn.execute("COMMIT")
            times.append(time.process_time() - t)
        shown = ", ".join(f"{f.label} {f.shown()}" for f in section.figures)
        print(
            f"{name}: {count[0]:,} mentions in the 90 days; section CPU median "
            f"{statistics.median(times):.3f}s (min {min(times):.3f}) over {runs}; {shown}"
        )
    await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.db, args.runs))
