"""An open inbox's idle CPU and CPU per commit by another process: this tree against another
checkout, in one run.

    python bench/commit_ab.py --db SEEDED.db --against /tmp/base [--runs 3] [--reading]

Runs bench/commit_profile.py (this tree's script, without cProfile) alternately on this
tree's app and on the checkout's (its `scrm_tui` first on the path), on one working
copy of the seed, and prints per tree the medians of: idle % of a core, CPU per commit
less the idle rate (as bench/scale_bench.py counts it), and the list's lines drawn and
rows built per commit; then this tree's figures as ratios of the other's. `--reading`:
the cursor a page down, so arrivals land above the view. Figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = {
    "idle %": re.compile(r"== idle: .*\(([\d.]+)% of a core\)"),
    "commit ms (idle included)": re.compile(r"per commit: ([\d.]+) ms"),
    "commits s": re.compile(r"== \d+ commits: \d+ ms CPU in ([\d.]+) s"),
    "lines/commit": re.compile(r"\(([\d.]+), [\d.]+ per commit\)"),
    "rows/commit": re.compile(r"\([\d.]+, ([\d.]+) per commit\)"),
}


def one_run(tree: Path | None, args: argparse.Namespace, reuse: bool) -> dict[str, float]:
    env = dict(os.environ)
    if tree is not None:
        env["SCRM_TREE"] = str(tree)
    argv = [sys.executable, str(ROOT / "bench" / "commit_profile.py"), "--db", str(args.db)]
    argv += ["--work", str(args.work), "--no-profile", "--idle", str(args.idle)]
    argv += ["--commits", str(args.commits)] + (["--reading"] if args.reading else [])
    argv += ["--reuse"] if reuse else []
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
    found = {name: float(m.group(1)) for name, rx in FIGURES.items() if (m := rx.search(out))}
    # Per commit less what the inbox costs idle over the same seconds (scale_bench's way).
    idle_ms = found["idle %"] / 100 * found["commits s"] * 1000 / args.commits
    found["commit ms"] = found["commit ms (idle included)"] - idle_ms
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a seeded database (read only)")
    parser.add_argument("--against", type=Path, required=True, help="another checkout")
    parser.add_argument("--work", type=Path, default=Path("/tmp/scrm-commit-ab"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--commits", type=int, default=10)
    parser.add_argument("--reading", action="store_true", help="the cursor a page down")
    args = parser.parse_args()
    trees: dict[str, Path | None] = {"this tree": None, "against": args.against}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for n in range(args.runs):
        for name, tree in trees.items():
            runs[name].append(one_run(tree, args, reuse=bool(n or runs["this tree"])))
            print(f"run {n + 1} {name}: {runs[name][-1]}", flush=True)
    names = ["idle %", "commit ms", "lines/commit", "rows/commit"]
    medians = {
        tree: {name: statistics.median(r[name] for r in got) for name in names}
        for tree, got in runs.items()
    }
    print(f"\nmedians of {args.runs} runs" + (", reading a page down" if args.reading else ""))
    print(f"{'':24}{'this tree':>12}{'against':>12}{'ratio':>8}")
    for name in names:
        mine, theirs = medians["this tree"][name], medians["against"][name]
        ratio = f"{mine / theirs:.2f}" if theirs else "-"
        print(f"{name:24}{mine:12.2f}{theirs:12.2f}{ratio:>8}")


if __name__ == "__main__":
    main()
