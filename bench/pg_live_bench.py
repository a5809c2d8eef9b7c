"""A new mention stored by one process, seen by another: PostgreSQL's LISTEN against
SQLite's watch (inotify, and the polling it falls back to), in one run.

    python bench/pg_live_bench.py [--arrivals 25] [--gap 0.35]
    python bench/pg_live_bench.py --url postgresql://…/big   # PostgreSQL at 1M

For each way of watching, a writer process (a real `Inbox`, as a collector stores) stores
one mention at a time, `--gap` seconds apart (plus a random part, so that a poll's phase
is uniform), and prints when it began storing each. This process holds an open inbox
and its commit watch (Inbox.watch_commits, as the TUI does): on each wake it asks
has_changed() and reads what arrived, as the inbox's look does. Latency is from the start
of the store (time.monotonic, one clock for every process on the machine) to the read
that finds the mention, so it includes the store itself (its median is printed beside).
Prints the median, p90 and max per way of watching, and the watching process's CPU time
per arrival (the machine is shared: wall times drift between
runs, compare inside one).

PostgreSQL is a real server started for the run (tests/support/postgres.py: Debian's
binaries, a temporary folder, a free port), stopped at the end, with an empty database;
or --url's database, filled (the arrivals are stored in it, under ids of their own).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrm_tui.service.inbox import Inbox  # noqa: E402
from tests.support.postgres import running  # noqa: E402

WRITER = """
import asyncio, dataclasses, random, sys, time
from scrm_tui.service.inbox import Inbox
from tests.conftest import mention

def arrival(n, text):  # an id of this run's own: a filled database has others
    return dataclasses.replace(mention(n, text), external_id=f"live-{RUN}-{n}")

async def main(target, count, gap):
    async with await Inbox.open(target, "writer") as box:
        await box.ingest([arrival(1, "the first, before the watch starts")])
        print("ready", flush=True)
        sys.stdin.readline()  # the watcher is listening
        for n in range(2, int(count) + 2):
            await asyncio.sleep(float(gap) * (0.5 + random.random()))
            began = time.monotonic()
            await box.ingest([arrival(n, f"arrival number {n}")])
            print(n, began, time.monotonic(), flush=True)

RUN = sys.argv[4]
asyncio.run(main(*sys.argv[1:4]))
"""

RUN = uuid.uuid4().hex[:8]  # the writer's external ids: live-RUN-n


async def watch_arrivals(
    target: str, how: str, count: int, gap: float
) -> tuple[list[float], list[float], float]:
    """Latencies (s) of `count` arrivals seen by an open inbox, how long each store took
    in the writer (s), and the inbox's CPU s per arrival."""
    from scrm_tui.store.commit_watch import CommitWatch

    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, target, str(count), str(gap), RUN],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert writer.stdin is not None and writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    loop = asyncio.get_running_loop()
    nudge = asyncio.Event()
    seen: dict[int, float] = {}
    async with await Inbox.open(target, "viewer") as box:
        await box.notice_changes()
        if how == "sqlite polling":  # as where inotify is not to be had
            CommitWatch._inotify = lambda self: None  # type: ignore[method-assign]
        watch = box.watch_commits(lambda: loop.call_soon_threadsafe(nudge.set), every=0.5)
        try:
            while watch.how == "":
                await asyncio.sleep(0.01)
            newest = max(await _ids(box), default=0)
            writer.stdin.write("go\n")
            writer.stdin.flush()
            cpu = time.process_time()
            while len(seen) < count:
                await asyncio.wait_for(nudge.wait(), 60)
                nudge.clear()
                if not await box.has_changed():
                    continue
                now = time.monotonic()
                for number in await _ids(box, newest):
                    seen.setdefault(number, now)
                    newest = max(newest, number)
            cpu = (time.process_time() - cpu) / count
        finally:
            watch.close()
    began, took = {}, []
    for line in writer.stdout:
        number, start, end = line.split()
        began[int(number)] = float(start)
        took.append(float(end) - float(start))
    writer.wait(timeout=60)
    return [seen[n] - began[n] for n in sorted(began) if n in seen], took, cpu


async def _ids(box: Inbox, after: int = 0) -> list[int]:
    """The numbers of the mentions stored after number `after` (their external ids)."""
    rows = await box.db.fetch_quick(
        "SELECT external_id FROM mentions WHERE id > (SELECT coalesce(max(id), 0) - 50 "
        "FROM mentions)"
    )
    mine = f"live-{RUN}-"
    numbers = [int(str(r[0])[len(mine) :]) for r in rows if str(r[0]).startswith(mine)]
    return [n for n in numbers if n > after]


def show(how: str, latencies: list[float], took: list[float], cpu: float) -> None:
    ms = sorted(1000 * x for x in latencies)
    p90 = ms[int(0.9 * (len(ms) - 1))]
    print(
        f"{how:<15} n={len(ms)}  seen: median {statistics.median(ms):5.1f} ms  "
        f"p90 {p90:5.1f}  max {ms[-1]:5.1f}  (the store itself: median "
        f"{1000 * statistics.median(took):5.1f} ms)  viewer CPU {1000 * cpu:4.1f} ms/arrival"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arrivals", type=int, default=25)
    parser.add_argument("--gap", type=float, default=0.35)
    parser.add_argument("--url", help="a filled PostgreSQL database (default: an empty one)")
    args = parser.parse_args()
    results = {}
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        url = args.url or stack.enter_context(running()).fresh()
        targets = {
            "postgresql": url,
            "sqlite inotify": str(Path(folder) / "a.db"),
            "sqlite polling": str(Path(folder) / "b.db"),
        }
        for how, target in targets.items():
            results[how] = asyncio.run(watch_arrivals(target, how, args.arrivals, args.gap))
    print(f"a mention stored by one process, seen by another ({args.arrivals} arrivals each)")
    for how, (latencies, took, cpu) in results.items():
        show(how, latencies, took, cpu)


if __name__ == "__main__":
    main()
