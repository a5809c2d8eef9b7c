"""`scrm customers import` on PostgreSQL against SQLite, in one run: the same file of
customers (bench/customers_import_bench.py's), imported into a fresh database of each
engine, then imported again (every row looked up, none written).

PostgreSQL is a real server started for the run (tests/support/postgres.py: Debian's
binaries, a temporary folder, 127.0.0.1), stopped at the end. Each line gives the wall
time and the CPU time of everyone involved: this process, its worker processes (the
match index is built in them) and, on PostgreSQL, the server's processes. The machine
is shared: compare the engines inside one run, by CPU.

    python bench/pg_customers_bench.py [--rows 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from customers_import_bench import write_file  # noqa: E402

from scrm_tui.service.customers import import_customers  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402
from tests.support.postgres import Server, running  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Taken:
    wall: float
    ours: float  # this process and its worker processes
    server: float  # PostgreSQL's processes (0 on SQLite)

    @property
    def cpu(self) -> float:
        return self.ours + self.server


def _ours() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _server_cpu(server: Server | None) -> float:
    """CPU seconds of the server's processes so far: the postmaster and its children
    (each connection's backend), read from /proc; a backend that ended is counted by
    the postmaster's children's total."""
    if server is None:
        return 0.0
    pid = int((server.folder / "data" / "postmaster.pid").read_text().split()[0])
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid:  # its own time and its ended children's
            total += sum(int(f) for f in fields[11:15]) / TICK
        elif int(fields[1]) == pid:
            total += sum(int(f) for f in fields[11:13]) / TICK
    return total


async def _import(target: str | Path, source: Path, server: Server | None) -> Taken:
    async with await Inbox.open(target, "bench") as inbox:
        ours, theirs, wall = _ours(), _server_cpu(server), time.perf_counter()
        report = await import_customers(inbox, source)
        taken = Taken(time.perf_counter() - wall, _ours() - ours, _server_cpu(server) - theirs)
    assert report.errors == [], report.errors[:3]
    return taken


async def one_run(rows: int, source: Path, folder: Path, server: Server) -> dict[str, Taken]:
    out: dict[str, Taken] = {}
    for engine, target, serving in (
        ("sqlite", folder / f"bench-{time.monotonic_ns()}.db", None),
        ("postgresql", server.fresh(), server),
    ):
        out[f"{engine} first"] = await _import(target, source, serving)
        out[f"{engine} again"] = await _import(target, source, serving)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name, running() as server:
        folder = Path(name)
        source = folder / "customers.csv"
        write_file(source, args.rows)
        runs = [asyncio.run(one_run(args.rows, source, folder, server)) for _ in range(args.runs)]
    print(f"{args.rows:,} customers, medians of {args.runs} runs (seconds)")
    print(f"{'':18} {'wall':>6} {'CPU':>6} {'ours':>6} {'server':>6} {'rows/s CPU':>10}")
    for key in runs[0]:
        wall = statistics.median(r[key].wall for r in runs)
        cpu = statistics.median(r[key].cpu for r in runs)
        ours = statistics.median(r[key].ours for r in runs)
        theirs = statistics.median(r[key].server for r in runs)
        print(f"{key:18} {wall:6.2f} {cpu:6.2f} {ours:6.2f} {theirs:6.2f} {args.rows / cpu:10,.0f}")
    for when in ("first", "again"):
        ratio = statistics.median(
            r[f"postgresql {when}"].cpu / r[f"sqlite {when}"].cpu for r in runs
        )
        print(f"PostgreSQL / SQLite, {when}: {ratio:.2f}x the CPU")


if __name__ == "__main__":
    main()
