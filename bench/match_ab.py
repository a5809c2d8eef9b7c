"""Two trees' matching against one database, interleaved in one process: CPU and answers.

    mkdir /tmp/old && git archive i12-speed2 | tar -x -C /tmp/old
    python bench/match_ab.py indexed.db /tmp/old . --every 2
    python bench/match_ab.py indexed.db /tmp/old . --rematch 1000 --offset 1500

Each tree's scrm_tui is imported under its own name in turn, and each eval author (or
each re-match batch of 125 unlinked authors) is matched by both trees, in alternating
order, timed in CPU: on a loaded machine the two see the same load, where two runs
minutes apart do not. Prints each tree's CPU figures, the new/old ratios, and how many
answers (decision, candidates, scores, probabilities) differ: 0 for a change that
should only make matching cheaper.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sqlite3
import statistics
import sys
import time
from dataclasses import astuple
from pathlib import Path
from types import ModuleType
from typing import Any


def load(tree: Path, db: Path) -> tuple[Any, dict[str, ModuleType]]:
    """A matcher over `db`'s shared index built from `tree`'s own modules."""
    for name in [m for m in sys.modules if m == "scrm_tui" or m.startswith("scrm_tui.")]:
        del sys.modules[name]
    sys.path.insert(0, str(tree))
    try:
        mods = {
            name: importlib.import_module(f"scrm_tui.{name}")
            for name in (
                "enrich.matching",
                "enrich.shared_index",
                "store.match_index",
                "service.match_pool",
                "store.linking",
            )
        }
    finally:
        sys.path.remove(str(tree))
    index = mods["enrich.shared_index"].SharedIndex(mods["store.match_index"].MatchIndexReader(db))
    return mods["enrich.matching"].Matcher(index=index), mods


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def match_ab(db: Path, trees: list[Path], every: int) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from match_bench import load_eval, load_febrl

    matchers = [load(tree, db)[0] for tree in trees]
    for matcher in matchers:
        for c in load_febrl()[1][:100]:  # warm-up on other names
            matcher.match(c.channel, c.handle, c.name)
    cases = load_eval()[::every]
    took: list[list[float]] = [[], []]
    differ = 0
    for n, c in enumerate(cases):
        answers: list[Any] = [None, None]
        for k in (0, 1) if n % 2 == 0 else (1, 0):
            start = time.process_time()
            result = matchers[k].match(c.channel, c.handle, c.name)
            took[k].append((time.process_time() - start) * 1000)
            answers[k] = (
                result.decision,
                [(x.customer_id, x.score, x.probability) for x in result.candidates],
            )
        differ += answers[0] != answers[1]
    for tree, times in zip(trees, took, strict=True):
        print(
            f"{tree}: match() CPU p50 {statistics.median(times):.2f} ms, "
            f"p90 {percentile(times, 0.9):.2f}, p99 {percentile(times, 0.99):.2f}, "
            f"mean {statistics.mean(times):.2f}"
        )
    old, new = took
    print(
        f"new/old: p50 {statistics.median(new) / statistics.median(old):.3f}, "
        f"p99 {percentile(new, 0.99) / percentile(old, 0.99):.3f}, "
        f"mean {statistics.mean(new) / statistics.mean(old):.3f}; "
        f"{len(cases)} eval authors, answers differ for {differ}"
    )


def rematch_ab(db: Path, trees: list[Path], count: int, offset: int) -> None:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        rows = list(
            conn.execute(
                "SELECT id, channel, handle, display_name FROM authors "
                "WHERE customer_id IS NULL ORDER BY id LIMIT ? OFFSET ?",
                (count, offset),
            )
        )
    loaded = [load(tree, db) for tree in trees]

    def batch(k: int, part: list[tuple[int, str, str, str | None]]) -> list[Any]:
        matcher, mods = loaded[k]
        info = mods["store.linking"].AuthorInfo
        authors = [info(i, c, h, d, None, None, None) for i, c, h, d in part]
        # As tuples: each tree's MatchOutcome is its own class.
        return [astuple(o) for o in mods["service.match_pool"].decide(matcher, authors, {})]

    for k in (0, 1):
        batch(k, rows[:20])  # warm-up
    took = [0.0, 0.0]
    differ = 0
    for n, first in enumerate(range(0, len(rows), 125)):
        outcomes: list[Any] = [None, None]
        for k in (0, 1) if n % 2 == 0 else (1, 0):
            start = time.process_time()
            outcomes[k] = batch(k, rows[first : first + 125])
            took[k] += time.process_time() - start
        differ += sum(a != b for a, b in zip(*outcomes, strict=True))
    for tree, spent in zip(trees, took, strict=True):
        print(f"{tree}: re-match {spent * 1000 / max(len(rows), 1):.2f} ms CPU per author")
    print(
        f"new/old: {took[1] / took[0]:.3f}; {len(rows)} authors from {offset}, "
        f"outcomes differ for {differ}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="an indexed database (read only)")
    parser.add_argument("old", type=Path, help="the tree to compare against")
    parser.add_argument("new", type=Path, help="the tree under test")
    parser.add_argument("--every", type=int, default=1, help="every n-th eval author")
    parser.add_argument("--rematch", type=int, help="re-match this many unlinked authors")
    parser.add_argument("--offset", type=int, default=0, help="first author (--rematch)")
    args = parser.parse_args()
    trees = [args.old.resolve(), args.new.resolve()]
    if args.rematch:
        rematch_ab(args.db, trees, args.rematch, args.offset)
    else:
        match_ab(args.db, trees, args.every)


if __name__ == "__main__":
    main()
