"""A filter's Enter -> first rows and -> counted in a real terminal: this tree against
another checkout, in one run.

    python bench/filter_ab.py --db COPY.db --against /tmp/base [--runs 3] [--word postmortem]

Alternates app sessions of this tree and of the checkout (its `scrm_tui` first on the
path) on one working copy of a seeded database (the app writes to it: never a seed),
each typing `/word` then Enter as bench/scale_bench.py does (the word is the session's
first filter), and prints per tree the medians and this tree's as ratios of the other's.
Figures, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbox_bench import Terminal, app_env  # noqa: E402
from bench.scale_bench import QUIET_S, Figures, counted, filter_word, pump  # noqa: E402

# The app as `python -m scrm_tui`, its package read from the given tree first.
RUN_FROM = (
    "import runpy, sys; sys.path.insert(0, sys.argv.pop(1)); "
    "runpy.run_module('scrm_tui', run_name='__main__')"
)


def session(tree: Path, db: Path, words: list[str], env: dict[str, str]) -> dict[str, float]:
    term = Terminal([sys.executable, "-c", RUN_FROM, str(tree), "--db", str(db)], env)
    figures = Figures()
    try:
        term.wait(counted, timeout=600)
        pump(term, QUIET_S)
        for word in words:
            filter_word(term, figures, word)
        term.send(b"q")
        term.process.wait(timeout=30)
    finally:
        term.close()
    return {name: values[0] * 1000 for name, values in figures.values.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a working copy (written to)")
    parser.add_argument("--against", type=Path, required=True, help="another checkout")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--word", action="append", help="filters typed in turn (postmortem)")
    args = parser.parse_args()
    words = args.word or ["postmortem"]
    home = Path(tempfile.mkdtemp(prefix="scrm-filter-ab-"))
    env = app_env(home)
    trees = {"this tree": ROOT, "against": args.against}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    try:
        for n in range(args.runs):
            for name, tree in trees.items():
                runs[name].append(session(tree, args.db, words, env))
                print(f"run {n + 1} {name}: {runs[name][-1]}", flush=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"\nmedians of {args.runs} runs, ms")
    print_medians(runs)


def print_medians(runs: dict[str, list[dict[str, float]]]) -> None:
    """Each figure's median for "this tree" and "against", and their ratio."""
    print(f"{'':34}{'this tree':>10}{'against':>10}{'ratio':>8}")
    for name in runs["this tree"][0]:
        mine = statistics.median(r[name] for r in runs["this tree"])
        theirs = statistics.median(r[name] for r in runs["against"])
        ratio = f"{mine / theirs:8.2f}" if theirs else f"{'-':>8}"
        print(f"{name:34}{mine:10.2f}{theirs:10.2f}{ratio}")


if __name__ == "__main__":
    main()
