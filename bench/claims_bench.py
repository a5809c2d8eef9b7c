"""What claims cost: the row query's claim column, and each process's presence tick.

Seeds N mentions (default 1M) straight into a fresh database, gives 20 agents a
presence and a live claim each (a few of them on the first page), then measures:

- a first page of 100 rows, the list's most common read, with the claim column
  and without it (the row query as it was), median of R runs: the ratio is the cost;
- one presence tick (the sweep that looks for dead holders; no heartbeat due): CPU
  time, median of R ticks, and the share of a core it costs at one tick a second.

    python bench/claims_bench.py                 # 1M mentions
    python bench/claims_bench.py --mentions 100000 --runs 50
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrm_tui.core.query import Query  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402
from scrm_tui.service.processes import session_id  # noqa: E402
from scrm_tui.store.mentions import base as store  # noqa: E402

AGENTS = 20
NOW_MS = int(time.time() * 1000)


async def create(path: Path) -> None:
    async with await Inbox.open(path, "bench"):
        pass  # the schema, migrated


def seed(path: Path, count: int) -> None:
    """Mentions one a minute back from now, by 10k authors; 20 present, claiming agents."""
    rng = random.Random(11)
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO authors (id, channel, handle, handle_key, display_name, profile_ms) "
            "VALUES (?, 'mastodon', ?, ?, ?, 0)",
            ((i, f"u{i}@x.social", f"u{i}@x.social", f"User {i}") for i in range(1, 10_001)),
        )
        conn.executemany(
            "INSERT INTO mentions (id, channel, external_id, author_id, text, created_ms, "
            "ingested_ms, compound, pos, neu, neg) "
            "VALUES (?, 'mastodon', ?, ?, ?, ?, 0, 0.1, 0.2, 0.7, 0.1)",
            (
                (i, f"m{i}", 1 + i % 10_000, f"post {i} about Kestrel", NOW_MS - i * 60_000)
                for i in range(1, count + 1)
            ),
        )
        host_pid = session_id().rsplit(":", 1)[0]
        for n in range(AGENTS):
            holder = f"{host_pid}:{NOW_MS + n}"  # alive: this process, later sessions
            mention_id = 1 + n * 7 if n < 5 else rng.randint(1, count)  # 5 on page one
            conn.execute(
                "INSERT INTO presence VALUES (?, ?, ?, ?)", (holder, f"agent{n}", NOW_MS, NOW_MS)
            )
            conn.execute(
                "INSERT INTO claims VALUES (?, ?, ?, 'reply', ?, ?)",
                (mention_id, f"agent{n}", holder, NOW_MS, NOW_MS),
            )


async def page_ms(inbox: Inbox, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await inbox.page_older(Query(), None, 100)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def measure(path: Path, runs: int) -> dict[str, float]:
    async with await Inbox.open(path, "bench") as inbox:
        await inbox.page_older(Query(), None, 100)  # warm the cache
        rows = await inbox.page_older(Query(), None, 100)
        claimed = sum(1 for row in rows if row.claimed_by)
        with_claims = await page_ms(inbox, runs)
        # The row query as it was before claims: the last column left out.
        columns, parse = store._ROW_COLUMNS, store._row
        store._ROW_COLUMNS = columns[: columns.rindex(",")] + "\n"
        store._row = lambda values: parse([*values, None])  # type: ignore[assignment]
        try:
            without = await page_ms(inbox, runs)
        finally:
            store._ROW_COLUMNS, store._row = columns, parse
        presence = inbox.presence
        await presence.start()
        ticks = []
        for _ in range(runs):
            started = time.process_time()
            await presence.tick()
            ticks.append((time.process_time() - started) * 1e6)
        tick_us = statistics.median(ticks)
    return {
        "claimed_rows_on_page": claimed,
        "page_ms_with_claims": round(with_claims, 2),
        "page_ms_without": round(without, 2),
        "page_ratio": round(with_claims / without, 2),
        "tick_cpu_us": round(tick_us),
        "tick_core_share_pct": round(tick_us / 1e6 * 100, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claims.db"
        asyncio.run(create(path))
        started = time.perf_counter()
        seed(path, args.mentions)
        print(f"seeded {args.mentions:,} mentions in {time.perf_counter() - started:.1f} s")
        for name, value in asyncio.run(measure(path, args.runs)).items():
            print(f"{name}: {value}")


if __name__ == "__main__":
    main()
