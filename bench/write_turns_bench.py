"""How long a write by one scrm process waits behind a long job's transactions in another
(as `scrm catch-up` holds the write lock page after page); this tree against another
checkout (--base, e.g. main) in the same run.

    python bench/write_turns_bench.py --base /tmp/base-tails --runs 3 --seconds 20

For each tree and run, on a fresh database in a temporary folder: a job process commits
transaction after transaction, each holding the write lock --hold-ms, with --gap-ms of
work between them (a job's pages: matching with the lock free, then writing the page),
while a writer process writes a lease row every 100 ms through the store
(`Database.transaction`, as a collector or a reply does). Printed: the writer's wait for
the write lock (median, p99, max ms) and the job's transactions per second, medians
over --runs; max wait this tree / base. A wait that ends in StoreBusy counts as its
length. Exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

_JOB = """
import asyncio, sys, time
from scrm_tui.store.db import Database

async def main():
    db = await Database.open(sys.argv[1])
    hold, gap = float(sys.argv[2]) / 1000, float(sys.argv[3]) / 1000
    until = time.monotonic() + float(sys.argv[4])
    done = 0
    while time.monotonic() < until:
        async with db.transaction(wakes=False) as conn:
            await conn.execute(
                "INSERT OR REPLACE INTO leases (name, holder, acquired_ms, renewed_ms, "
                "expires_ms) VALUES ('bench-job', 'job', 0, ?, 0)", (done,))
            began = time.monotonic()
            while time.monotonic() - began < hold:  # a page's writes, the lock held
                pass
        done += 1
        began = time.monotonic()
        while time.monotonic() - began < gap:  # the next page's matching, lock free
            pass
    await db.close()
    print(done, flush=True)

asyncio.run(main())
"""

_WRITER = """
import asyncio, json, sys, time
from scrm_tui.store.db import Database, StoreBusy

async def main():
    db = await Database.open(sys.argv[1])
    until = time.monotonic() + float(sys.argv[2])
    waits = []
    while time.monotonic() < until:
        await asyncio.sleep(0.1)
        began = time.perf_counter()
        try:
            async with db.transaction(wakes=False) as conn:
                waits.append((time.perf_counter() - began) * 1000)
                await conn.execute(
                    "INSERT OR REPLACE INTO leases (name, holder, acquired_ms, renewed_ms, "
                    "expires_ms) VALUES ('bench-writer', 'writer', 0, ?, 0)", (len(waits),))
        except StoreBusy:  # gave up after the busy timeout: counted as that long a wait
            waits.append((time.perf_counter() - began) * 1000)
    await db.close()
    print(json.dumps(waits), flush=True)

asyncio.run(main())
"""


def session(tree: Path, hold_ms: float, gap_ms: float, seconds: float) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with tempfile.TemporaryDirectory(prefix="write-turns-") as folder:
        db = Path(folder) / "turns.db"
        create = "import asyncio, sys\nfrom scrm_tui.store.db import Database\n"
        create += "async def go():\n    await (await Database.open(sys.argv[1])).close()\n"
        create += "asyncio.run(go())\n"
        subprocess.run([sys.executable, "-c", create, str(db)], env=env, cwd=tree, check=True)
        run = {"env": env, "cwd": tree, "stdout": subprocess.PIPE, "text": True}
        job = subprocess.Popen(
            [sys.executable, "-c", _JOB, str(db), str(hold_ms), str(gap_ms), str(seconds + 2)],
            **run,
        )
        writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(db), str(seconds)], **run)
        waits = json.loads(writer.communicate()[0])
        pages = int(job.communicate()[0])
    waits.sort()
    return {
        "wait median ms": statistics.median(waits),
        "wait p99 ms": waits[min(len(waits) - 1, int(0.99 * len(waits)))],
        "wait max ms": waits[-1],
        "job transactions/s": pages / (seconds + 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="a checkout to compare with")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--hold-ms", type=float, default=60.0, help="each job transaction")
    parser.add_argument("--gap-ms", type=float, default=20.0, help="job work between them")
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f}", flush=True)
    figures: dict[str, dict[str, list[float]]] = {"this tree": {}, "base": {}}
    for run in range(args.runs):
        for name, tree in (("this tree", HERE), ("base", args.base.resolve())):
            print(f"run {run + 1}/{args.runs}: {name}…", flush=True)
            for key, value in session(tree, args.hold_ms, args.gap_ms, args.seconds).items():
                figures[name].setdefault(key, []).append(value)
    print(
        f"\nmedians of {args.runs} runs; job transactions of {args.hold_ms:.0f} ms, "
        f"{args.gap_ms:.0f} ms apart"
    )
    print(f"{'':24}{'this tree':>12}{'base':>12}")
    for key in figures["this tree"]:
        mine = statistics.median(figures["this tree"][key])
        base = statistics.median(figures["base"][key])
        print(f"{key:24}{mine:12.1f}{base:12.1f}")
    ratio = statistics.median(figures["this tree"]["wait max ms"]) / max(
        statistics.median(figures["base"]["wait max ms"]), 1e-9
    )
    print(f"max wait, this tree / base: {ratio:.2f}")
    print(f"load average: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
