"""CPU per commit by another process of an inbox in a real terminal: this tree against
another checkout, in one run.

    python bench/commit_terminal_ab.py --db COPY.db --against /tmp/base [--runs 3]

bench/scale_bench.py's measure (its `idle` and `per_commit`), both trees in turn on one
working copy (the app and the commits write to it: never a seed), with the 20 agents'
heartbeats beating: the app's CPU (every thread, from /proc) while another process
stores `--commits` mentions one commit at a time, half a second apart, less its idle
rate measured just before over `--idle` seconds. Prints per tree the medians and this
tree's as ratios of the other's. Figures, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.filter_ab import RUN_FROM, print_medians  # noqa: E402
from bench.inbox_bench import Terminal, app_env  # noqa: E402
from bench.scale_bench import QUIET_S, Figures, counted, idle, per_commit, pump  # noqa: E402
from bench.team_scale_bench import Heartbeats  # noqa: E402


def session(tree: Path, args: argparse.Namespace, env: dict[str, str]) -> dict[str, float]:
    term = Terminal([sys.executable, "-c", RUN_FROM, str(tree), "--db", str(args.db)], env)
    figures = Figures()
    try:
        term.wait(counted, timeout=600)
        pump(term, QUIET_S)
        idle(term, figures, args.idle)
        per_commit(args.db, term, figures, args)
        term.send(b"q")
        term.process.wait(timeout=30)
    finally:
        term.close()
    return {name: values[0] for name, values in figures.values.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a working copy (written to)")
    parser.add_argument("--against", type=Path, required=True, help="another checkout")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--commits", type=int, default=30)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="scrm-commit-terminal-ab-"))
    env = app_env(home)
    trees = {"this tree": ROOT, "against": args.against}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    heartbeats = Heartbeats(args.db)
    heartbeats.start()
    try:
        for n in range(args.runs):
            for name, tree in trees.items():
                runs[name].append(session(tree, args, env))
                shown = {k: round(v, 2) for k, v in runs[name][-1].items()}
                print(f"run {n + 1} {name}: {shown}", flush=True)
    finally:
        heartbeats.stopping.set()
        heartbeats.join()
        shutil.rmtree(home, ignore_errors=True)
    print(f"\nmedians of {args.runs} runs, {args.commits} commits each")
    print_medians(runs)


if __name__ == "__main__":
    main()
