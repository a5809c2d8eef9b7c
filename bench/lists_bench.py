"""How long the long lists take to open: escalations (E) with 100k rows, the outbox
(O, then 2 for all) with 100k items, and the customer view (c) with a 100k-item
history, each in a real app in a pseudo-terminal.

    python bench/lists_bench.py [--rows 100000] [--outbox 100000] [--items 100000] [--runs 3]

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
SENT_STATUS = re.compile(r"Outbox · .*?(\d[\d,]*) sent")
FAILED = 100  # of the outbox's items, the newest: what the waiting list opens on


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


def seed_outbox(db: Path, items: int) -> None:
    """`items` macro posts, one a minute back from now: the newest FAILED failed, the
    rest sent, written in bulk."""
    asyncio.run(_schema(db))
    now_ms = int(time.time() * 1000)
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO outbox (kind, channel, text, key, state, next_ms, created_ms,"
            " updated_ms) VALUES ('post', 'mastodon', ?, ?, ?, 0, ?, ?)",
            (
                (
                    f"post {n}: we are on it",
                    f"k{n}",
                    "failed" if n > items - FAILED else "sent",
                    now_ms - (items - n) * 60_000,
                    now_ms,
                )
                for n in range(1, items + 1)
            ),
        )


def sent_count(term: Terminal) -> int | None:
    for line in term.lines()[:3]:
        match = SENT_STATUS.search(line)
        if match:
            return int(match.group(1).replace(",", ""))
    return None


def open_outbox(db: Path, home: Path, items: int) -> tuple[float, float, float]:
    """(ms from `2` to all items listed with their true count, ms for `G` to show the
    oldest, peak RSS MB)."""
    term = Terminal([sys.executable, "-m", "scrm_tui", "--db", str(db)], app_env(home))
    try:
        term.wait(lambda t: any("mentions" in line for line in t.lines()[:1]))
        term.send(b"O")
        term.wait(lambda t: any(f"{FAILED} failed" in line for line in t.lines()[:3]))
        sent = term.send(b"2")
        opened = term.wait(lambda t: sent_count(t) == items - FAILED)
        sent_g = term.send(b"G")
        oldest = term.wait(lambda t: any("post 1: we are" in line for line in t.lines()))
        return (opened - sent) * 1000, (oldest - sent_g) * 1000, term.peak_rss_mb()
    finally:
        term.close()


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
    parser.add_argument("--outbox", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("escalations", "outbox", "history"))
    args = parser.parse_args()
    if args.only:  # the other lists are neither seeded nor opened
        args.rows = args.rows if args.only == "escalations" else 0
        args.outbox = args.outbox if args.only == "outbox" else 0
        args.items = args.items if args.only == "history" else 0
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        esc_db, history_db = home / "escalations.db", home / "history.db"
        outbox_db = home / "outbox.db"
        started = time.perf_counter()
        if args.rows:
            seed_escalations(esc_db, args.rows)
        if args.outbox:
            seed_outbox(outbox_db, args.outbox)
        if args.items:
            asyncio.run(seed_history(history_db, args.items))
        print(
            f"seeded {args.rows:,} escalations, {args.outbox:,} outbox items and a"
            f" {args.items:,}-item history in {time.perf_counter() - started:.1f} s"
        )
        if args.rows:
            report(
                f"escalations (E), {args.rows:,} open",
                [open_escalations(esc_db, home, args.rows) for _ in range(args.runs)],
            )
        if args.outbox:
            report(
                f"outbox (O, 2 for all), {args.outbox:,} items",
                [open_outbox(outbox_db, home, args.outbox) for _ in range(args.runs)],
            )
        if args.items:
            report(
                f"customer view (c), {args.items:,} items",
                [open_history(history_db, home, args.items) for _ in range(args.runs)],
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
