"""A large arrival while the inbox is open: does it keep answering keys, and how soon is
its count true?

    python bench/arrival_bench.py [--shown 20000] [--arrive 80000] [--against <commit>]

The scenario of issue 10, item 9: the inbox shows `--shown` mentions (dated over a
year) in a pseudo-terminal (pyte renders it) and the cursor goes to the oldest (`G`).
Before the arrival it pages up through the last `--walk` mentions and comes back with
`G`, as an agent reading back would, so the list holds a few thousand rows around the
cursor (`--walk 0` is a bare `G`). Then another real process (`scrm ingest`) stores
`--arrive` mentions dated in the same year, interleaved with what is shown. All the
while this script presses `k` and `j` in turn and times each from the key to the frame
whose selected line shows its effect. Prints, per tree, key → frame percentiles during
the arrival, the longest wait, the time from the ingest's last commit (the process
exits right after it) to the header saying the true count (`N mentions` and the
position's `…/N`), and whether the selected mention is still selected on its line.

With `--against`, the commit is checked out in a temporary git worktree and both trees
run in turn on copies of the same database (as bench/startup_ab.py does).
"""

from __future__ import annotations

import argparse
import os
import re
import select
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbox_bench import (  # noqa: E402
    COLS,
    ROWS,
    Terminal,
    app_env,
    pct,
    position,
    rows_shown,
    seed,
    write_corpus,
)
from bench.startup_ab import schema_of  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
KEY_TIMEOUT = 900.0  # the issue saw 39 s and 500 s; wait long enough to see it
GIVE_UP = 600.0  # after the last commit, stop waiting for a true count


@dataclass
class Run:
    tree: str
    keys: list[float] = field(default_factory=list)  # seconds, key → frame
    ingest_s: float = 0.0
    count_true_s: float | None = None  # last commit → header true
    selected_kept: bool = False
    rss_mb: float = 0.0
    header: str = ""


def cursor_line(term: Terminal) -> tuple[int, str] | None:
    """The list line drawn in reverse video (NO_COLOR): where the selection is."""
    for y in range(ROWS):
        line = term.screen.buffer[y]
        if any(line[x].reverse for x in range(COLS)):
            return y, term.screen.display[y]
    return None


def header_true(term: Terminal, total: int) -> bool:
    """`N mentions` and the position's `…/N` (before the `↑ n new` badge, if any)."""
    top = term.lines()[0]
    return f" {total:,} mentions" in top and re.search(rf"\d/{total:,}\b", top) is not None


def pump(term: Terminal, seconds: float, watch: Callable[[Terminal], None]) -> None:
    """Render what the program writes for `seconds`, calling `watch` on each update."""
    deadline = time.perf_counter() + seconds
    while (left := deadline - time.perf_counter()) > 0:
        ready, _, _ = select.select([term.fd], [], [], left)
        if ready:
            term.stream.feed(os.read(term.fd, 1 << 16))
            watch(term)


def corpus(kind: str, n: int, prefix: str, seed_: int) -> Path:
    path = CACHE / f"arrival-{kind}-{n}.jsonl"
    if not path.exists():
        print(f"writing {n:,} {kind} mentions…", flush=True)
        write_corpus(path, n, prefix=prefix, seed=seed_)
    return path


def seeded(shown: int) -> Path:
    db = CACHE / f"arrival-shown-{shown}.db"
    if not db.exists():
        print(f"seeding {shown:,} mentions…", flush=True)
        seed(db, corpus("shown", shown, "s", 7))
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def session(
    tree: Path, name: str, db: Path, arrivals: Path, shown: int, arrive: int, walk: int
) -> Run:
    run = Run(name)
    home = Path(tempfile.mkdtemp(prefix="scrm-arrival-"))
    env = app_env(home)
    env["PYTHONPATH"] = str(tree)  # this tree's scrm_tui, not the installed one
    term = Terminal([sys.executable, "-m", "scrm_tui", "--db", str(db)], env)
    try:
        term.wait(lambda t: (p := position(t)) is not None and p[1] == shown and rows_shown(t))
        term.send(b"G")
        term.wait(lambda t: position(t) == (shown, shown) and rows_shown(t))
        if walk:
            # Read back through the last `walk` mentions a page at a time, then G again:
            # the list now holds a few thousand rows around the cursor (its window).
            for _ in range(-(-walk // (ROWS - 4))):
                at = position(term)
                term.send(b"\x1b[5~")  # Page Up
                term.wait(lambda t, at=at: position(t) != at and rows_shown(t))
            term.send(b"G")
            term.wait(lambda t: position(t) == (shown, shown) and rows_shown(t))
        chosen = cursor_line(term)
        assert chosen is not None

        final = shown + arrive
        ended: list[float] = []
        ingest = subprocess.Popen(
            [sys.executable, "-m", "scrm_tui", "--db", str(db), "ingest", "-q", str(arrivals)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started = time.perf_counter()
        waiter = threading.Thread(target=lambda: (ingest.wait(), ended.append(time.perf_counter())))
        waiter.start()
        counted: list[float] = []

        def note(t: Terminal) -> None:
            if not counted and header_true(t, final):
                counted.append(time.perf_counter())

        keys = [b"k", b"j"]
        n = 0
        while not counted or time.perf_counter() < counted[0] + 2.0:
            before = cursor_line(term)
            sent = term.send(keys[n % 2])
            n += 1

            def moved(t: Terminal, before: tuple[int, str] | None = before) -> bool:
                note(t)
                now = cursor_line(t)
                return now is not None and now != before

            done = term.wait(moved, timeout=KEY_TIMEOUT)
            run.keys.append(done - sent)
            pump(term, 0.05, note)  # a person's pace, between keys
            if ended and not counted and time.perf_counter() > ended[0] + GIVE_UP:
                break
        waiter.join()
        if ingest.returncode != 0:
            assert ingest.stderr is not None
            raise SystemExit(f"ingest failed: {ingest.stderr.read().decode()}")
        run.ingest_s = ended[0] - started
        run.count_true_s = max(counted[0] - ended[0], 0.0) if counted else None
        if n % 2:  # back to where G left it: the same mention, on the same line
            before = cursor_line(term)
            term.send(b"j")
            term.wait(lambda t: cursor_line(t) not in (None, before), timeout=KEY_TIMEOUT)
        pump(term, 0.5, lambda t: None)
        now = cursor_line(term)
        # The age column may have moved on; the rest of the line names the mention.
        run.selected_kept = now is not None and (now[0], now[1][6:]) == (chosen[0], chosen[1][6:])
        run.rss_mb = term.peak_rss_mb()
        run.header = term.lines()[0].strip()
    finally:
        term.close()
        shutil.rmtree(home, ignore_errors=True)
    return run


def report(run: Run) -> None:
    ms = [k * 1000 for k in run.keys]
    count = f"{run.count_true_s:.2f} s" if run.count_true_s is not None else "never"
    print(
        f"{run.tree:>10}: {len(ms)} keys during the arrival: p50 {statistics.median(ms):.0f} ms, "
        f"p95 {pct(ms, 0.95):.0f} ms, p99 {pct(ms, 0.99):.0f} ms, longest {max(ms):.0f} ms · "
        f"ingest {run.ingest_s:.1f} s · header true {count} after the last commit · "
        f"selection kept: {'yes' if run.selected_kept else 'NO'} · RSS {run.rss_mb:.0f} MB"
    )
    print(f"{'':>10}  header at the end: {run.header}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shown", type=int, default=20_000)
    parser.add_argument("--arrive", type=int, default=80_000)
    parser.add_argument("--against", help="also run this commit, in a temporary worktree")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--walk",
        type=int,
        default=3000,
        help="before the arrival, page up through this many mentions and press G again",
    )
    parser.add_argument(
        "--give-up", type=float, default=600.0, help="seconds to wait for a true count"
    )
    args = parser.parse_args()
    global GIVE_UP
    GIVE_UP = args.give_up
    CACHE.mkdir(parents=True, exist_ok=True)
    base = seeded(args.shown)
    arrivals = corpus("arriving", args.arrive, "a", 11)
    with tempfile.TemporaryDirectory(prefix="scrm-arrival-") as tmp:
        trees = {"HEAD": ROOT}
        if args.against:
            old = Path(tmp) / "tree"
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(ROOT),
                    "worktree",
                    "add",
                    "--detach",
                    "-q",
                    str(old),
                    args.against,
                ],
                check=True,
            )
            trees = {args.against: old, "HEAD": ROOT}
        try:
            runs: list[Run] = []
            for _ in range(args.runs):
                for name, tree in trees.items():
                    db = Path(tmp) / "inbox.db"
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{db}{suffix}").unlink(missing_ok=True)
                    shutil.copy(base, db)
                    with sqlite3.connect(db) as conn:
                        conn.execute(f"PRAGMA user_version = {schema_of(tree)}")
                    print(f"{name}: {args.shown:,} shown, {args.arrive:,} arriving…", flush=True)
                    runs.append(
                        session(tree, name, db, arrivals, args.shown, args.arrive, args.walk)
                    )
                    report(runs[-1])
        finally:
            if args.against:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)])
    print()
    for run in runs:
        report(run)


if __name__ == "__main__":
    main()
