"""The Sales section's cost at scale, against the awareness section's, in one run.

    python bench/sales_bench.py [--mentions 1000000] [--customers 100000] [--runs 3]

Seeds (once, in a temporary folder removed at the end unless --keep DIR) N mentions over
2025 (bench/team_seed.py: Zipf authors, random scores), links one author in ten to one of
`--customers` customers (lifetime values, a renewal date on one in five), records 5,000
sent replies and 200 open escalations, tags 1,000 mentions `lead`. Then, per range (7d,
90d ending 2026-01-01), prints the median CPU time (process time: aiosqlite's thread
included) of the Sales section alone, the awareness section alone, and the whole report
without rising terms, over `--runs` runs. The machine is shared: compare ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.team_seed import NOW, seeded  # noqa: E402
from scrm_tui.core.ranges import parse_range  # noqa: E402
from scrm_tui.service import report, sales  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402

DAY_MS = 86_400_000


def link(db: Path, customers: int) -> None:
    """Customers, linked authors, sent replies, open escalations and `lead` tags."""
    now_ms = int(NOW.timestamp() * 1000)
    conn = sqlite3.connect(db)
    with conn:
        if conn.execute("SELECT count(*) FROM customers").fetchone()[0]:
            return
        conn.executemany(
            "INSERT INTO customers (id, name, lifetime_value, fields, created_ms, updated_ms) "
            "VALUES (?, ?, ?, ?, 0, 0)",
            [
                (
                    n,
                    f"Customer {n}",
                    float((n * 97) % 50_000),
                    '{"renewal_date": "2026-02-01"}' if n % 5 == 0 else "{}",
                )
                for n in range(1, customers + 1)
            ],
        )
        conn.execute(
            f"UPDATE authors SET customer_id = 1 + (id / 10) % {customers} WHERE id % 10 = 0"
        )
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT m.id FROM mentions m JOIN authors a ON a.id = m.author_id "
                "WHERE a.customer_id IS NOT NULL AND m.created_ms >= ? ORDER BY m.id LIMIT 5000",
                (now_ms - 90 * DAY_MS,),
            )
        ]
        for n, mention_id in enumerate(ids):
            sent = now_ms - (n % 90) * DAY_MS
            cursor = conn.execute(
                "INSERT INTO outbox (kind, channel, text, key, state, next_ms, created_ms, "
                "created_by, sent_ms, updated_ms) VALUES ('manual', 'mastodon', 'thanks', ?, "
                "'sent', 0, ?, 'agent1', ?, ?)",
                (f"bench-{n}", sent, sent, sent),
            )
            conn.execute(
                "INSERT INTO outbox_mentions (outbox_id, mention_id) VALUES (?, ?)",
                (cursor.lastrowid, mention_id),
            )
        conn.executemany(
            "INSERT INTO escalations (mention_id, team, priority, created_ms) "
            "VALUES (?, 'billing', 'P3', ?)",
            [(mention_id, now_ms - DAY_MS) for mention_id in ids[:200]],
        )
        conn.execute(
            "INSERT OR IGNORE INTO mention_tags (mention_id, tag, added_ms) "
            "SELECT id, 'lead', 0 FROM mentions WHERE id % 1000 = 7"
        )
    conn.close()


async def cpu(action: object) -> float:
    started = time.process_time()
    await action  # type: ignore[misc]
    return time.process_time() - started


async def measure(db: Path, runs: int) -> None:
    async with await Inbox.open(db, "bench") as inbox:
        settings = report.Settings()
        now_ms = int(NOW.timestamp() * 1000)
        for name in ("7d", "90d"):
            period = parse_range(name, now_ms)
            times: dict[str, list[float]] = {"sales": [], "awareness": [], "report": []}
            for _ in range(runs):
                conn = inbox.db.reader
                times["sales"].append(await cpu(sales.section(conn, period, settings, now_ms)))
                times["awareness"].append(
                    await cpu(report.SECTIONS[0](conn, period, settings, now_ms))
                )
                times["report"].append(
                    await cpu(report.build(inbox.db, period, settings, now_ms, with_rising=False))
                )
            built = await report.build(inbox.db, period, settings, now_ms, with_rising=False)
            figures = {f.key: f.shown() for f in built.section("sales").figures}
            med = {k: statistics.median(v) * 1000 for k, v in times.items()}
            print(
                f"{name}: sales {med['sales']:.0f} ms, awareness {med['awareness']:.0f} ms "
                f"(sales/awareness {med['sales'] / med['awareness']:.2f}×), whole report "
                f"{med['report']:.0f} ms CPU; {figures}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="a folder to keep the database in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="scrm-sales-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        db = asyncio.run(seeded(folder / f"sales-{args.mentions}.db", args.mentions))
        link(db, args.customers)
        asyncio.run(measure(db, args.runs))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
