"""Senders racing for the outbox, on SQLite and on PostgreSQL in one run.

N items are queued, due now; P sender processes each take the next due item
(`OutboxStore.claim`) and mark it sent, until none is left (no network: the store's part
alone). Printed per engine: items a second for all senders together, CPU a claim (each
sender's own CPU, summed), and a check that every item was claimed exactly once. On
PostgreSQL the pick runs with `FOR UPDATE SKIP LOCKED` (as shipped) and without it.

    python bench/pg_claims_bench.py                      # 2,000 items, 2 senders
    python bench/pg_claims_bench.py --items 5000 --senders 4 --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from scrm_tui.store.db import Database  # noqa: E402
from scrm_tui.store.outbox import OutboxStore, sending  # noqa: E402
from tests.support.postgres import running  # noqa: E402

QUEUE = (
    "INSERT INTO outbox (kind, channel, text, key, state, next_ms, created_ms, updated_ms) "
    "VALUES ('reply', 'mastodon', 'thanks!', {mark}, 'pending', 0, 0, 0)"
)


async def _create(target: str) -> None:
    db = await Database.open(target)
    await db.close()


def seed(target: str, items: int) -> None:
    asyncio.run(_create(target))
    keys = [(f"k{n}",) for n in range(items)]
    if target.startswith("postgresql://"):
        with psycopg.connect(target) as conn, conn.cursor() as cur:
            cur.executemany(QUEUE.format(mark="%s").encode(), keys)
    else:
        with sqlite3.connect(target) as conn:
            conn.executemany(QUEUE.format(mark="?"), keys)


async def _drain(target: str, worker: str, skip_locked: bool, go: Any) -> tuple[int, float]:
    if not skip_locked:
        sending._skip_locked = lambda conn: ""  # type: ignore[attr-defined]
    db = await Database.open(target)
    store = OutboxStore(db)
    taken = 0
    try:
        go.wait()
        cpu = time.process_time()
        while True:
            now = int(time.time() * 1000)
            item = await store.claim(worker, now, 90_000, {"mastodon"})
            if item is None:
                break
            await store.mark_sent(item.id, f"r{item.id}", None, now, False)
            taken += 1
        return taken, time.process_time() - cpu
    finally:
        await db.close()


def sender(target: str, worker: str, skip_locked: bool, go: Any, out: Any) -> None:
    out.put(asyncio.run(_drain(target, worker, skip_locked, go)))


def race(target: str, items: int, senders: int, skip_locked: bool) -> dict[str, float]:
    seed(target, items)
    ctx = mp.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=sender, args=(target, f"bench:{n}", skip_locked, go, out))
        for n in range(senders)
    ]
    for proc in procs:
        proc.start()
    time.sleep(2.0)  # every sender connected and waiting (a bench, not a test)
    wall = time.perf_counter()
    go.set()
    results = [out.get() for _ in procs]
    wall = time.perf_counter() - wall
    for proc in procs:
        proc.join()
    taken = sum(n for n, _ in results)
    cpu = sum(c for _, c in results)
    if target.startswith("postgresql://"):
        with psycopg.connect(target) as conn:
            once = conn.execute(
                b"SELECT count(*) FROM outbox WHERE state = 'sent' AND attempts = 1"
            ).fetchone()
    else:
        with sqlite3.connect(target) as conn:
            once = conn.execute(
                "SELECT count(*) FROM outbox WHERE state = 'sent' AND attempts = 1"
            ).fetchone()
    assert taken == items and once == (items,), (taken, once)
    return {
        "per_s": items / wall,
        "cpu_ms": cpu * 1000 / items,
        "spread": max(n for n, _ in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    figures: dict[str, list[dict[str, float]]] = {}
    with running() as server, tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            cases = [
                ("sqlite", str(Path(folder) / f"run{run}.db"), True),
                ("postgresql, SKIP LOCKED", server.fresh(), True),
                ("postgresql, no SKIP LOCKED", server.fresh(), False),
            ]
            for name, target, skip in cases:
                figures.setdefault(name, []).append(race(target, args.items, args.senders, skip))
    print(f"{args.items:,} due items, {args.senders} senders, medians of {args.runs} runs")
    print(f"{'':30} {'items/s':>9} {'CPU ms a claim':>15}  each claimed once")
    base = statistics.median(f["per_s"] for f in figures["sqlite"])
    for name, runs in figures.items():
        per_s = statistics.median(f["per_s"] for f in runs)
        cpu = statistics.median(f["cpu_ms"] for f in runs)
        print(f"{name:30} {per_s:9.0f} {cpu:15.2f}  yes   ({per_s / base:.2f}x SQLite)")


if __name__ == "__main__":
    main()
