"""`G` and `g` at the far ends of the inbox against `j`, in a real terminal; this tree
against another checkout (--base, e.g. main) in the same run.

    python bench/far_keys_bench.py --seed /tmp/scrm-scale-NAME/scale-1000000-1000000-1000000.db \\
        --work /tmp/scrm-scale-NAME --base /tmp/base-NAME --runs 3

The seed (scale_bench's) is only read: each tree runs on its own copy in --work (made
once, reused by its runs, deleted at the end), 1% snoozed and 20 agents beating as
scale_bench leaves it. Each session: first paint, the count, `j` --presses times, then
`G` and `g` --jumps times each. Printed per tree (medians of the sessions' medians and
p95s): key -> the frame that shows the cursor there with its rows, for `j` and for
`G`/`g`; the ratio `G`/`g` over `j` (the machine's load cancels in it); and how many
`G`/`g` went through a frame of "…" rows at the cursor before the rows came (each such
frame costs at least one more of Textual's 60-a-second frames).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import team_seed  # noqa: E402
from bench.inbox_bench import Terminal, position, rows_shown  # noqa: E402
from bench.key_floor import presses_down  # noqa: E402
from bench.scale_bench import QUIET_S, counted  # noqa: E402
from bench.views_bench import AGENT, pump  # noqa: E402


def working_copy(seed: Path, copy: Path) -> Path:
    """A copy as scale_bench measures on: 1% snoozed, 20 agents beating."""
    shutil.copyfile(seed, copy)
    with contextlib.closing(sqlite3.connect(copy)) as conn:
        team_seed.snooze(conn, int(time.time() * 1000) + team_seed.DAY_MS)
        team_seed.beat(conn, int(time.time() * 1000), AGENT)
    return copy


def remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-writers"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(db.parent / f"{db.stem}-config", ignore_errors=True)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def session(tree: Path, db: Path, presses: int, jumps: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "TERM": "xterm-256color"}
    env["XDG_CONFIG_HOME"] = str(db.parent / f"{db.stem}-config")
    term = Terminal([sys.executable, "-m", "scrm_tui", "--db", str(db)], env)
    try:
        term.wait(lambda t: position(t) is not None and rows_shown(t), timeout=300)
        term.wait(counted, timeout=300)
        pump(term, QUIET_S)
        steps = [1000 * took for took in presses_down(term, presses)]
        total = position(term)[1]  # type: ignore[index]
        far: list[float] = []
        placeholders = 0
        for _ in range(jumps):
            for key, want in ((b"G", total), (b"g", 1)):
                seen = []

                def there(t: Terminal, want: int | None = want, seen: list[bool] = seen) -> bool:
                    at = position(t)
                    if at is None or at[0] != want:
                        return False
                    shown = rows_shown(t)
                    seen.append(shown)
                    return shown

                sent = term.send(key)
                far.append(1000 * (term.wait(there) - sent))
                placeholders += not seen[0]
                pump(term, 0.05)
        term.send(b"q")
        term.process.wait(timeout=30)
    finally:
        term.close()
    return {
        "j median ms": statistics.median(steps),
        "j p95 ms": p95(steps),
        "G/g median ms": statistics.median(far),
        "G/g p95 ms": p95(far),
        "G/g through a '…' frame": placeholders,
        "G/g presses": 2 * jumps,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True, help="a folder for the copies")
    parser.add_argument("--base", type=Path, required=True, help="a checkout to compare with")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--jumps", type=int, default=5)
    args = parser.parse_args()
    trees = {"this tree": ROOT, "base": args.base.resolve()}
    copies: dict[str, Path] = {}
    figures: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
    try:
        for name in trees:
            copy = args.work / f"far-keys-{name.replace(' ', '-')}.db"
            copies[name] = working_copy(args.seed, copy)
        for run in range(args.runs):
            for name, tree in trees.items():
                load = os.getloadavg()[0]
                print(f"run {run + 1}/{args.runs}: {name} (load {load:.1f})…", flush=True)
                for key, value in session(tree, copies[name], args.presses, args.jumps).items():
                    figures[name].setdefault(key, []).append(value)
    finally:
        for copy in copies.values():
            remove(copy)
    print(f"\n{args.seed.name}: medians of {args.runs} sessions")
    print(f"{'':28}{'this tree':>12}{'base':>12}")
    for key in figures["this tree"]:
        mine = statistics.median(figures["this tree"][key])
        base = statistics.median(figures["base"][key])
        print(f"{key:28}{mine:12.1f}{base:12.1f}")
    for name in trees:
        pairs = zip(figures[name]["G/g p95 ms"], figures[name]["j median ms"], strict=True)
        ratio = statistics.median(g / j for g, j in pairs)
        print(f"{name}: G/g p95 / j median = {ratio:.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
