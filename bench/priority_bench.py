"""Priority order at scale: the first page by priority, keys in priority order, the re-score.

On a database seeded by bench/inbox_bench.py (1M mentions by default, scored at ingest):

- store: the first page of 100 by priority (target <= 100 ms) and by time, a keyset
  page deep in the list, and the count of what is above a row (how `o` finds the
  selected mention in the other order), each a median of repeated reads;
- app, in a pseudo-terminal rendered by pyte: `o` to the frame that shows the list by
  priority, then `j`, `G` and `g` in priority order, key to frame (target median
  <= 50 ms, as for the inbox);
- re-score: rows per second of the background re-score that scores mentions stored
  before priorities existed (on a copy of a smaller database, its priorities wiped).

    python bench/inbox_bench.py --sizes 1000000 --ingest-only   # builds the database
    python bench/priority_bench.py                              # then this
    python bench/priority_bench.py --db bench/.cache/inbox-100000.db --runs 3
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
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from inbox_bench import Terminal, app_env, pct, position, rows_shown, step_down  # noqa: E402

from scrm_tui.core.models import Order  # noqa: E402
from scrm_tui.core.query import Query  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402


async def timed(read: Callable[[], Awaitable[object]], repeat: int) -> tuple[float, float]:
    """(first, median of the rest) in ms."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await read()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times[1:])


async def store_figures(db: Path, repeat: int) -> None:
    async with await Inbox.open(db, "bench") as inbox:
        total = await inbox.count(Query())
        print(f"\n== store, {total:,} mentions (first read, then the median of {repeat - 1})")
        for name, order in (("by priority", Order.PRIORITY), ("newest first", Order.NEWEST)):
            first, median = await timed(
                lambda o=order: inbox.page_older(Query(), None, 100, order=o), repeat
            )
            print(f"first page {name:13} {first:7.1f} ms   median {median:6.2f} ms")
        rows = await inbox.page_at(Query(), total // 2, 100, total, order=Order.PRIORITY)
        key = rows[-1].key_in(Order.PRIORITY)
        first, median = await timed(
            lambda: inbox.page_older(Query(), key, 100, order=Order.PRIORITY), repeat
        )
        print(f"keyset page at {total // 2:,} by priority: {first:6.1f} ms, median {median:.2f} ms")
        for name, depth in (("near the top", 50), ("half way", total // 2)):
            (row,) = await inbox.page_at(Query(), depth, 1, total, order=Order.PRIORITY)
            first, median = await timed(
                lambda r=row: inbox.count_before(
                    Query(), r.key_in(Order.PRIORITY), None, Order.PRIORITY
                ),
                max(repeat // 4, 3),
            )
            print(f"place of a row {name:12} (for `o`): {first:6.1f} ms, median {median:.1f} ms")


def app_figures(db: Path, runs: int, presses: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="scrm-prio-bench-"))
    env = app_env(home)
    toggles: list[float] = []  # o to the first frame of rows by priority
    counted: list[float] = []  # ...and to the frame that has their count
    keys: dict[str, list[float]] = {}
    try:
        for run in range(runs):
            print(f"app session {run + 1}/{runs}…", flush=True)
            term = Terminal([sys.executable, "-m", "scrm_tui", "--db", str(db)], env)
            try:
                term.wait(lambda t: (p := position(t)) is not None and p[1] is not None)
                for _ in range(3):  # o: to the list by priority, and back
                    sent = term.send(b"o")
                    shown = term.wait(lambda t: "by priority" in t.lines()[0] and rows_shown(t))
                    done = term.wait(
                        lambda t: (
                            "by priority" in t.lines()[0]
                            and (p := position(t)) is not None
                            and p[1] is not None
                            and rows_shown(t)
                        )
                    )
                    toggles.append(shown - sent)
                    counted.append(done - sent)
                    term.send(b"o")
                    term.wait(lambda t: "by priority" not in t.lines()[0] and rows_shown(t))
                term.send(b"o")
                term.wait(
                    lambda t: (
                        "by priority" in t.lines()[0]
                        and (p := position(t)) is not None
                        and p[1] is not None
                        and rows_shown(t)
                    )
                )
                term.send(b"g")
                term.wait(lambda t: (p := position(t)) is not None and p[0] == 1)
                total = position(term)[1]  # type: ignore[index]
                keys["j"] = keys.get("j", []) + [step_down(term) for _ in range(presses)]
                for _ in range(max(presses // 4, 3)):
                    for key, want in ((b"G", total), (b"g", 1)):
                        sent = term.send(key)
                        done = term.wait(
                            lambda t, w=want: (
                                (p := position(t)) is not None and p[0] == w and rows_shown(t)
                            )
                        )
                        keys.setdefault(key.decode(), []).append(done - sent)
                term.send(b"q")
                term.process.wait(timeout=10)
            finally:
                term.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    every = [v for values in keys.values() for v in values]
    print("\n== app, in priority order")
    for name, values in (("o to rows by priority", toggles), ("o to them counted", counted)):
        print(
            f"{name:26} median {statistics.median(values) * 1000:6.1f} ms"
            f"  p95 {pct(values, 0.95) * 1000:6.1f} ms  (n={len(values)})"
        )
    print(
        f"keypress (j G g)           median {statistics.median(every) * 1000:6.1f} ms"
        f"  p95 {pct(every, 0.95) * 1000:6.1f} ms   (target median <= 50 ms)"
    )
    for key, values in keys.items():
        print(
            f"   {key:3} median {statistics.median(values) * 1000:6.1f} ms"
            f"  p95 {pct(values, 0.95) * 1000:6.1f} ms  (n={len(values)})"
        )


async def rescore_figures(source: Path) -> None:
    """The re-score of rows stored before priorities existed, on a copy of `source`."""
    folder = Path(tempfile.mkdtemp(prefix="scrm-rescore-"))
    try:
        copy = folder / "copy.db"
        with sqlite3.connect(source) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        with sqlite3.connect(copy) as conn:
            (rows,) = conn.execute("SELECT count(*) FROM mentions").fetchone()
            conn.execute(
                "UPDATE mentions SET priority = NULL, priority_base = NULL, "
                "priority_rank = -4611686018427387904"
            )
            conn.execute("INSERT OR REPLACE INTO pending_work VALUES ('priority', 1, 0, 0, 0)")
        async with await Inbox.open(copy, "bench") as inbox:
            started = time.perf_counter()
            done = await inbox.priorities.resume_rescore()
            elapsed = time.perf_counter() - started
        print(
            f"\n== re-score of {rows:,} stored mentions: {elapsed:.1f} s, "
            f"{done / elapsed:,.0f} rows/s"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / ".cache" / "inbox-1000000.db")
    parser.add_argument("--runs", type=int, default=3, help="app sessions")
    parser.add_argument("--presses", type=int, default=40, help="j presses per session")
    parser.add_argument("--repeat", type=int, default=21, help="reads per store figure")
    parser.add_argument(
        "--rescore-db",
        type=Path,
        default=ROOT / "bench" / ".cache" / "inbox-100000.db",
        help="a database whose copy is re-scored (skipped if missing)",
    )
    args = parser.parse_args()
    if not args.db.exists():
        print(f"{args.db}: no such database; build it with bench/inbox_bench.py first")
        return 1
    asyncio.run(store_figures(args.db, args.repeat))
    app_figures(args.db, args.runs, args.presses)
    if args.rescore_db.exists():
        asyncio.run(rescore_figures(args.rescore_db))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
