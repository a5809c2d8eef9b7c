"""A large arrival while the inbox is open: does it keep answering keys, and how soon is
its count true?

    python bench/arrival_bench.py [--shown 20000] [--arrive 80000] [--against <commit>]

The scenario of issue 10, item 9: the inbox shows `--shown` mentions (dated over a
year) in a pseudo-terminal (pyte renders it) and the cursor goes to the oldest (`G`).
Before the arrival it pages up through the last `--walk` mentions and comes back with
`G`, as an agent reading back would, so the list holds a few thousand rows around the
cursor (`--walk 0` is a bare `G`). Then another real process (`scrm ingest`) stores
`--arrive` mentions dated in the same year, interleaved with what is shown, 10,000 to
a transaction (`--commit once`: all in one, as one large import would). All the
while this script presses `k` and `j` in turn and times each from the key to the frame
whose selected line shows its effect. Prints, per tree, key → frame percentiles during
the arrival, the longest wait, the time from the ingest's last commit (as a reader in
another process sees it) to the header saying the true count (`N mentions` and the
position's `…/N`), and in how many frames the selection was off its line (`k` and `j`
move it one line up and back; only the list itself can move it elsewhere).

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


# `--commit once`: the whole file in one transaction, as one large import would be.
ONE_COMMIT = """
import asyncio, sys
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.ingest import parse_line

async def main(db, path):
    with open(path, "rb") as lines:
        mentions = [parse_line(line, n) for n, line in enumerate(lines, 1)]
    async with await Inbox.open(db, "bench-import") as inbox:
        await inbox.ingest([m for m in mentions if m is not None])

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


@dataclass
class Run:
    tree: str
    keys: list[float] = field(default_factory=list)  # seconds, key → frame
    ingest_s: float = 0.0
    count_true_s: float | None = None  # last commit → header true
    frames: int = 0  # frames drawn while the keys went on
    strays: int = 0  # of which the selection was not on its line (or not on screen)
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


def quiet(term: Terminal, seconds: float = 0.5) -> None:
    """Read output until the program has drawn nothing for `seconds`."""
    while select.select([term.fd], [], [], seconds)[0]:
        term.stream.feed(os.read(term.fd, 1 << 16))


def watch_commits(
    db: Path, final: int, ingest: subprocess.Popen[bytes], ended: list[float]
) -> None:
    """Note when the last row is committed (the newest id reaches `final`), as a reader
    in another process sees it, then wait for the ingest to exit."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        while conn.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()[0] < final:
            if ingest.poll() is not None:
                break
            time.sleep(0.005)  # a reader's poll, 200 times a second
        ended.append(time.perf_counter())
    finally:
        conn.close()
    ingest.wait()


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


def session(tree: Path, name: str, db: Path, arrivals: Path, args: argparse.Namespace) -> Run:
    shown, arrive, walk = args.shown, args.arrive, args.walk
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
        quiet(term)  # the frames that follow G, before taking the selection's line
        chosen = cursor_line(term)
        assert chosen is not None

        final = shown + arrive
        ended: list[float] = []
        command = ["-m", "scrm_tui", "--db", str(db), "ingest", "-q", str(arrivals)]
        if args.commit == "once":
            command = ["-c", ONE_COMMIT, str(db), str(arrivals)]
        ingest = subprocess.Popen(
            [sys.executable, *command],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started = time.perf_counter()
        waiter = threading.Thread(target=watch_commits, args=(db, final, ingest, ended))
        waiter.start()
        counted: list[float] = []

        def note(t: Terminal) -> None:
            if not counted and header_true(t, final):
                counted.append(time.perf_counter())
            # `k` moves the selection one line up and `j` back: any other line is the
            # list moving it (an arrival pushed it down, or away off screen).
            run.frames += 1
            line = cursor_line(t)
            run.strays += line is None or line[0] not in (chosen[0], chosen[0] - 1)

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

            done = term.wait(moved, timeout=args.key_timeout)
            run.keys.append(done - sent)
            pump(term, 0.05, note)  # a person's pace, between keys
            if ended and not counted and time.perf_counter() > ended[0] + args.give_up:
                break
        waiter.join()
        if ingest.returncode != 0:
            assert ingest.stderr is not None
            raise SystemExit(f"ingest failed: {ingest.stderr.read().decode()}")
        run.ingest_s = ended[0] - started
        run.count_true_s = counted[0] - ended[0] if counted else None
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
        f"last commit at {run.ingest_s:.1f} s · header true {count} after it · "
        f"selection off its line in {run.strays} of {run.frames} frames · "
        f"RSS {run.rss_mb:.0f} MB"
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
    parser.add_argument(
        "--key-timeout",
        type=float,
        default=900.0,  # the issue saw 39 s without a key: wait long enough to see it
        help="seconds to wait for one key's effect before failing (printing the screen)",
    )
    parser.add_argument(
        "--commit",
        choices=("batches", "once"),
        default="batches",
        help="`scrm ingest` (10,000 rows a transaction) or all in one transaction",
    )
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    base = seeded(args.shown)
    arrivals = corpus("arriving", args.arrive, "a", 11)
    with tempfile.TemporaryDirectory(prefix="scrm-arrival-") as tmp:
        # `-m scrm_tui` looks in the working folder first: it must find PYTHONPATH's tree.
        os.chdir(tmp)
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
                    for suffix in ("", "-wal", "-shm", "-writers"):
                        Path(f"{db}{suffix}").unlink(missing_ok=True)
                    shutil.copy(base, db)
                    with sqlite3.connect(db) as conn:
                        conn.execute(f"PRAGMA user_version = {schema_of(tree)}")
                    print(f"{name}: {args.shown:,} shown, {args.arrive:,} arriving…", flush=True)
                    runs.append(session(tree, name, db, arrivals, args))
                    report(runs[-1])
        finally:
            if args.against:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)])
    print()
    for run in runs:
        report(run)


if __name__ == "__main__":
    main()
