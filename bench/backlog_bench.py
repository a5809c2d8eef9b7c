"""The matching backlog after an upgrade at 1M customers: what the open inbox costs while
it runs, how long another process's write waits behind it, and how fast it goes; this
tree against another checkout (--base, e.g. main) in the same run.

    python bench/backlog_bench.py --source /tmp/scrm-scale-backlog/old-1m.db \
        --base /tmp/base-backlog --runs 3 --seconds 60

--source is a seed whose customers are not indexed yet (schema 19 or older: the upgrade
marks every customer, and the backlog begins when the inbox opens). It is only read: each
session runs on a copy in --work (deleted afterwards), upgraded by the tree under test
before the inbox starts, so the upgrade is not counted. The inbox runs in tmux; after
--warmup seconds (the worker processes up), for --seconds:

- the inbox process's own CPU (% of a core; its worker processes or job not counted);
- the whole backlog's CPU (the inbox, the job and their worker processes);
- customers indexed per second;
- a write every 100 ms by another process, through the tree's own store (a lease row,
  as a collector's or a reply's transaction would): how long it waits for the write lock
  (median, p95, p99, max ms), and the whole transaction, its commit (and any WAL
  checkpoint) included;
  and, as a control, the same writes for --seconds / 3 before the inbox starts (the
  machine's own load, no backlog running).

Medians over --runs sessions; ratios this tree / base. Exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of one process so far; 0 once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def session_cpu_s(session: int) -> float:
    """CPU seconds of every live process of a session (the inbox, its job, workers)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[3]) == session:
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def value(db: Path, sql: str) -> int:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5) as conn:
        row = conn.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def holder(db: Path) -> int:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5) as conn:
        row = conn.execute("SELECT holder FROM leases WHERE name = 'rematch'").fetchone()
    return int(row[0].rpartition(":")[2]) if row else 0


# Another scrm process's write: a lease row every 100 ms through the tree's own store
# (Database.transaction, as a collector's or a reply's), printing per write the wait
# for the write lock and the whole transaction, commit (and any checkpoint) included.
_WRITER = """
import asyncio, sys, time
from scrm_tui.store.db import Database

async def main():
    db = await Database.open(sys.argv[1])
    n = 0
    while True:
        await asyncio.sleep(0.1)
        began = time.perf_counter()
        async with db.transaction(wakes=False) as conn:
            got = time.perf_counter()
            await conn.execute(
                "INSERT OR REPLACE INTO leases (name, holder, acquired_ms, renewed_ms, "
                "expires_ms) VALUES ('bench-writer', 'bench', 0, ?, 0)", (n,))
        n += 1
        done = time.perf_counter()
        print((got - began) * 1000, (done - began) * 1000, flush=True)

asyncio.run(main())
"""


class Writer(threading.Thread):
    """Another process's short write transaction every 100 ms; how long each took."""

    def __init__(self, db: Path, tree: Path) -> None:
        super().__init__(daemon=True)
        self.db = db
        self.tree = tree
        self.waits: list[float] = []  # the wait for the write lock
        self.writes: list[float] = []  # the whole transaction, commit included
        self.stop = threading.Event()

    def run(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(self.tree)}
        child = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(self.db)],
            env=env,
            cwd=self.tree,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        threading.Thread(target=lambda: (self.stop.wait(), child.terminate()), daemon=True).start()
        for line in child.stdout:
            wait, write = line.split()
            self.waits.append(float(wait))
            self.writes.append(float(write))
        child.wait()


def session(
    tree: Path, source: Path, work: Path, warmup: float, seconds: float
) -> dict[str, float]:
    db = work / "backlog.db"
    shutil.copyfile(source, db)
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "XDG_CONFIG_HOME": str(work / "config"),
        "XDG_DATA_HOME": str(work / "data"),
        "XDG_STATE_HOME": str(work / "state"),
        "TERM": "xterm-256color",
    }
    upgrade = "import asyncio, sys\nfrom scrm_tui.store.db import Database\n"
    upgrade += "async def go():\n    await (await Database.open(sys.argv[1])).close()\n"
    upgrade += "asyncio.run(go())\n"
    # From the tree's folder: `python -m` puts the current folder first on the path.
    subprocess.run([sys.executable, "-c", upgrade, str(db)], env=env, cwd=tree, check=True)
    waiting = value(db, "SELECT count(*) FROM match_dirty")
    # The control: the same writes with nothing else writing (the machine's own load).
    alone = Writer(db, tree)
    alone.start()
    time.sleep(seconds / 3)
    alone.stop.set()
    alone.join()
    name = f"backlog-bench-{os.getpid()}"
    # A tmux server of its own: one already running would hand the pane its environment.
    tmux = ["tmux", "-L", name]
    command = f"exec {sys.executable} -m scrm_tui --db {db}"
    size = ["-x", "100", "-y", "30"]
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", name, "-c", str(tree), *size, command],
        env=env,
        cwd=tree,
        check=True,
    )
    job = 0
    try:
        tui = int(
            subprocess.run(
                [*tmux, "display", "-p", "-t", name, "#{pane_pid}"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        deadline = time.monotonic() + 120
        while not (job := holder(db)) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(warmup)  # the worker processes start and the first pages go by
        writer = Writer(db, tree)
        tui0, all0, n0 = cpu_s(tui), session_cpu_s(tui), value(db, "SELECT n FROM match_population")
        job0 = session_cpu_s(job) if job != tui else 0.0
        began = time.monotonic()
        writer.start()
        time.sleep(seconds)
        writer.stop.set()
        writer.join()
        took = time.monotonic() - began
        tui1, all1, n1 = cpu_s(tui), session_cpu_s(tui), value(db, "SELECT n FROM match_population")
        job1 = session_cpu_s(job) if job != tui else 0.0
        waits = sorted(writer.waits)
        writes = sorted(writer.writes)
        return {
            "waiting": waiting,
            "inbox_cpu": 100 * (tui1 - tui0) / took,
            "all_cpu": 100 * ((all1 - all0) + (job1 - job0)) / took,
            "per_s": (n1 - n0) / took,
            "wait_p50": statistics.median(waits),
            "wait_p95": waits[int(0.95 * (len(waits) - 1))],
            "wait_p99": waits[int(0.99 * (len(waits) - 1))],
            "wait_max": waits[-1],
            "write_p50": statistics.median(writes),
            "write_p99": writes[int(0.99 * (len(writes) - 1))],
            "write_max": writes[-1],
            "alone_p99": sorted(alone.writes)[int(0.99 * (len(alone.writes) - 1))],
            "alone_max": max(alone.writes),
            "job_apart": float(job != tui),
        }
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)
        if job:
            # This tree's job goes on after its inbox ends, by design: not here.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(job, signal.SIGKILL)
        time.sleep(1.0)  # the killed processes let go of the file
        for path in work.glob("backlog.db*"):
            path.unlink()


FIGURES = (
    ("inbox_cpu", "inbox process CPU, % of a core"),
    ("all_cpu", "backlog CPU, all processes, % of a core"),
    ("per_s", "customers indexed per second"),
    ("wait_p50", "another's write waits for the lock, median ms"),
    ("wait_p95", "another's write waits for the lock, p95 ms"),
    ("wait_p99", "another's write waits for the lock, p99 ms"),
    ("wait_max", "another's write waits for the lock, max ms"),
    ("write_p50", "another's whole write (commit too), median ms"),
    ("write_p99", "another's whole write (commit too), p99 ms"),
    ("write_max", "another's whole write (commit too), max ms"),
    ("alone_p99", "the same write, no backlog running, p99 ms"),
    ("alone_max", "the same write, no backlog running, max ms"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--base", type=Path, help="another checkout to compare with")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "scrm-backlog")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=15.0)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    trees = {"this": HERE}
    if args.base is not None:
        trees["base"] = args.base.resolve()
    results: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for run in range(args.runs):
        for name, tree in trees.items():
            figures = session(tree, args.source, args.work, args.warmup, args.seconds)
            results[name].append(figures)
            shown = ", ".join(f"{k} {v:.1f}" for k, v in figures.items())
            print(f"run {run + 1} {name}: {shown}", flush=True)
    print(f"\nmedians of {args.runs} runs, {args.seconds:.0f} s each after {args.warmup:.0f} s")
    header = f"{'':44}" + "".join(f"{name:>10}" for name in trees)
    print(header + ("     ratio" if len(trees) == 2 else ""))
    for key, label in FIGURES:
        medians = [statistics.median(r[key] for r in results[name]) for name in trees]
        line = f"{label:44}" + "".join(f"{m:10.1f}" for m in medians)
        if len(medians) == 2 and medians[1]:
            line += f"{medians[0] / medians[1]:10.2f}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
