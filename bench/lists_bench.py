"""How long the long lists take to open: escalations (E) with 100k rows, and the
customer view (c) with a 100k-item history, each in a real app in a pseudo-terminal.

    python bench/lists_bench.py [--rows 100000] [--items 100000] [--runs 3]

Times from the key sent to the frame that shows the list with its true count, then
`G` to the oldest row; prints medians over the runs and each app's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.customer_view_bench import seed as seed_history  # noqa: E402
from bench.customer_view_bench import status as history_status  # noqa: E402
from bench.inbox_bench import Terminal, app_env  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402

ESC_STATUS = re.compile(r"open & acknowledged · (\d[\d,]*)")


async def _schema(db: Path) -> None:
    async with await Inbox.open(db, "bench"):
        pass


def seed_escalations(db: Path, rows: int) -> None:
    """`rows` open escalations, one a minute back from now, written in bulk."""
    asyncio.run(_schema(db))
    now_ms = int(time.time() * 1000)
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO escalations (team, priority, note, state, created_ms, created_by)"
            " VALUES ('billing', ?, ?, 'open', ?, 'bench')",
            (
                (f"P{1 + n % 4}", f"case {n}: charged twice", now_ms - (rows - n) * 60_000)
                for n in range(1, rows + 1)
            ),
        )


def esc_count(term: Terminal) -> int | None:
    for line in term.lines()[:3]:
        match = ESC_STATUS.search(line)
        if match:
            return int(match.group(1).replace(",", ""))
    return None


def open_escalations(db: Path, home: Path, rows: int) -> tuple[float, float, float]:
    """(ms to open with the true count, ms for `G` to show the oldest, peak RSS MB)."""
    term = Terminal([sys.executable, "-m", "scrm_tui", "--db", str(db)], app_env(home))
    try:
        term.wait(lambda t: any("mentions" in line for line in t.lines()[:1]))
        sent = term.send(b"E")
        opened = term.wait(lambda t: esc_count(t) == rows)
        sent_g = term.send(b"G")
        oldest = term.wait(lambda t: any("case 1: charged" in line for line in t.lines()))
        return (opened - sent) * 1000, (oldest - sent_g) * 1000, term.peak_rss_mb()
    finally:
        term.close()


def open_history(db: Path, home: Path, items: int) -> tuple[float, float, float]:
    """(ms to open with the true count, ms for `G` to reach the oldest, peak RSS MB)."""
    term = Terminal([sys.executable, "-m", "scrm_tui", "--db", str(db)], app_env(home))
    try:
        term.wait(lambda t: any("mentions" in line for line in t.lines()[:1]))
        term.send(b"C")
        term.wait(lambda t: any("Find a customer" in line for line in t.lines()))
        term.send(b"Lindqvist")
        term.wait(lambda t: any("Lindqvist" in line for line in t.lines()[5:]))
        sent = term.send(b"\r")
        opened = term.wait(lambda t: (s := history_status(t)) is not None and s[1] >= items)
        total = history_status(term)[1]  # type: ignore[index]
        sent_g = term.send(b"G")
        oldest = term.wait(lambda t: (s := history_status(t)) is not None and s[0] == total)
        return (opened - sent) * 1000, (oldest - sent_g) * 1000, term.peak_rss_mb()
    finally:
        term.close()


def report(name: str, runs: list[tuple[float, float, float]]) -> None:
    opened, oldest, rss = (statistics.median(column) for column in zip(*runs, strict=True))
    print(
        f"{name}: open {opened:.0f} ms (runs {', '.join(f'{r[0]:.0f}' for r in runs)}),"
        f" G {oldest:.0f} ms, peak RSS {rss:.1f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        esc_db, history_db = home / "escalations.db", home / "history.db"
        started = time.perf_counter()
        seed_escalations(esc_db, args.rows)
        asyncio.run(seed_history(history_db, args.items))
        print(
            f"seeded {args.rows:,} escalations and a {args.items:,}-item history"
            f" in {time.perf_counter() - started:.1f} s"
        )
        report(
            f"escalations (E), {args.rows:,} open",
            [open_escalations(esc_db, home, args.rows) for _ in range(args.runs)],
        )
        report(
            f"customer view (c), {args.items:,} items",
            [open_history(history_db, home, args.items) for _ in range(args.runs)],
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
