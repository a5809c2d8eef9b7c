"""What the industry costs: marking each mention's watch set at ingest, and the
dashboard's industry section against the whole report, on a database of the demo's
mentions copied, each copy a fortnight further back, until it holds `--mentions` (a
sixth of them competitors').

    python bench/industry_bench.py                     # 200k mentions
    python bench/industry_bench.py --mentions 1000000 --repeat 5

CPU time of this process (time.process_time), medians of `--repeat` runs: the machine
is shared, so compare the ratios printed, not the absolute times across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrm_tui.core.config import Config  # noqa: E402
from scrm_tui.core.ranges import parse_range  # noqa: E402
from scrm_tui.core.watch_sets import WatchSets  # noqa: E402
from scrm_tui.service import demo, industry, report  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402
from scrm_tui.service.measures import Settings  # noqa: E402

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def marking(repeat: int) -> float:
    """µs of CPU per mention to choose its watch set, with two competitors (without
    any, no mention is looked at)."""
    texts = [m.text for m in demo.demo_mentions(NOW)] * 10
    sets = WatchSets.of(None, ("Kestrel",), demo.DEMO_COMPETITORS)
    runs = []
    for _ in range(repeat):
        start = time.process_time()
        for text in texts:
            sets.mark(text)
        runs.append((time.process_time() - start) / len(texts) * 1e6)
    return statistics.median(runs)


async def seed(path: Path, mentions: int) -> None:
    """The demo's mentions again and again, each copy a fortnight further back."""
    pool = demo.demo_mentions(NOW)
    config = replace(Config(), competitors=demo.DEMO_COMPETITORS)
    async with await Inbox.open(path, "bench", lambda: NOW.timestamp()) as inbox:
        inbox.configure(config)
        demo.brand(inbox)
        copy = 0
        stored = 0
        while stored < mentions:
            shift = timedelta(days=14 * copy)
            batch = [
                replace(m, external_id=f"{m.external_id}~{copy}", created_at=m.created_at - shift)
                for m in pool[: mentions - stored]
            ]
            for start in range(0, len(batch), 5000):
                result = await inbox.ingest(batch[start : start + 5000])
                stored += len(result.stored)
            copy += 1
            print(f"  seeded {stored:,}", file=sys.stderr)


async def sections(
    path: Path, repeat: int, counted: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """Per range: ms of CPU for the industry section alone and for the whole report
    (without the rising terms); in `counted`, the rising complaints' first count (days
    counted and kept) and the next one."""
    config = replace(Config(), competitors=demo.DEMO_COMPETITORS)
    settings = Settings.of(config, ("Kestrel",))
    found: dict[str, tuple[float, float]] = {}
    async with await Inbox.open(path, "bench", lambda: NOW.timestamp()) as inbox:
        now_ms = inbox.now_ms()
        for name in ("7d", "30d", "90d"):
            period = parse_range(name, now_ms)
            alone, whole = [], []
            for _ in range(repeat):
                start = time.process_time()
                conn = inbox.db.reader
                await conn.execute("BEGIN")
                await industry.section(conn, period, settings, now_ms)
                await conn.execute("COMMIT")
                alone.append(time.process_time() - start)
                start = time.process_time()
                await report.build(inbox.db, period, settings, now_ms, with_rising=False)
                whole.append(time.process_time() - start)
            start = time.process_time()
            await industry.rising_complaints(inbox.db, period, settings)
            first = time.process_time() - start  # days not counted before: counted, kept
            start = time.process_time()
            await industry.rising_complaints(inbox.db, period, settings)
            counted[name] = (first * 1000, (time.process_time() - start) * 1000)
            found[name] = (statistics.median(alone) * 1000, statistics.median(whole) * 1000)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, help="keep the seeded database here")
    args = parser.parse_args()
    per_row = marking(args.repeat)
    print(f"marking: {per_row:.1f} µs of CPU per mention (two competitors, demo texts)")
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "industry.db"
        if not path.exists():
            asyncio.run(seed(path, args.mentions))
        counted: dict[str, tuple[float, float]] = {}
        for name, (alone, whole) in asyncio.run(sections(path, args.repeat, counted)).items():
            print(
                f"{name:>4}: industry section {alone:7.1f} ms CPU, whole report (no rising "
                f"terms) {whole:7.1f} ms: {alone / whole:.0%} of it; rising complaints "
                f"{counted[name][0]:7.1f} ms the first time, {counted[name][1]:6.1f} ms after"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
