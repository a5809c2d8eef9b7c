"""`scrm db copy` at size: SQLite → PostgreSQL → SQLite, each way timed in its own process.

    python bench/db_copy_bench.py [--copies 43]

Seeds the demo into a SQLite file, then repeats its mentions `--copies` more times (new
external ids, the same texts: 4,530 × (1 + 43) ≈ 200k mentions), starts a PostgreSQL
server in /tmp (tests/support/postgres.py), and runs `scrm db copy` there and back,
printing each way's wall time, scrm's own CPU (user + sys of the process), rows and
rows/s. The server's work is the wall time less scrm's CPU; compare runs of one
machine: wall times drift with its load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def _seed(path: Path) -> None:
    from scrm_tui.service import demo
    from scrm_tui.service.inbox import Inbox

    inbox = await Inbox.open(path, "bench")
    try:
        await demo.seed(inbox)
    finally:
        await inbox.close()


def _grow(path: Path, copies: int) -> int:
    """The demo's mentions repeated `copies` more times, under new external ids."""
    with sqlite3.connect(path) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(mentions)") if r[1] != "id"]
        picked = ", ".join(
            "m.external_id || '-' || n.n" if c == "external_id" else f"m.{c}" for c in columns
        )
        (last,) = conn.execute("SELECT max(id) FROM mentions").fetchone()
        conn.execute(
            f"WITH RECURSIVE n(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM n WHERE n < ?) "
            f"INSERT INTO mentions ({', '.join(columns)}) SELECT {picked} FROM mentions m, n "
            "WHERE m.id <= ?",
            (copies, last),
        )
        return int(conn.execute("SELECT count(*) FROM mentions").fetchone()[0])


def _copy(source: str, destination: str) -> tuple[float, float, str]:
    """(wall s, CPU s of the scrm process, its summary line)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "scrm_tui", "db", "copy", source, destination],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"copy failed: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=43, help="extra copies of the mentions")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="scrm-copy-bench-"))
    source, back = folder / "source.db", folder / "back.db"
    asyncio.run(_seed(source))
    mentions = _grow(source, args.copies)
    print(f"source: {mentions:,} mentions in {source}")
    try:
        _both_ways(source, back)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _both_ways(source: Path, back: Path) -> None:
    from tests.support.postgres import running

    with running() as server:
        url = server.fresh()
        for label, (src, dst) in (
            ("SQLite → PostgreSQL", (str(source), url)),
            ("PostgreSQL → SQLite", (url, str(back))),
        ):
            wall, cpu, line = _copy(src, dst)
            found = re.search(r"([\d,]+) rows", line)
            rows = int(found.group(1).replace(",", "")) if found else 0
            print(
                f"{label}: {wall:.1f} s wall, {cpu:.1f} s scrm CPU, {rows:,} rows, "
                f"{rows / wall:,.0f} rows/s"
            )


if __name__ == "__main__":
    main()
