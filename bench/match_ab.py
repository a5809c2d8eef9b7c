"""Two trees' matching against one database, interleaved in one process: CPU and answers.

    mkdir /tmp/old && git archive i12-speed2 | tar -x -C /tmp/old
    python bench/match_ab.py indexed.db /tmp/old . --every 2 --no-gc
    python bench/match_ab.py indexed.db /tmp/old . --rematch 1000 --offset 1500
    python bench/match_ab.py indexed.db /tmp/old . --slowest 0.02

Each tree's scrm_tui is imported under its own name in turn, and each eval author (or
each re-match batch of 125 unlinked authors) is matched by both trees, in alternating
order, timed in CPU: on a loaded machine the two see the same load, where two runs
minutes apart do not. Prints each tree's CPU figures, the new/old ratios, and how many
answers (decision, candidates, scores, probabilities) differ: 0 for a change that
should only make matching cheaper.

`--no-gc`: the cyclic collector off for the run. The two trees share one process and
one collector: a full collection (40-70 ms at a million customers when each tree kept
20,000 parsed entries, which it walked) lands on whichever match ends when one is
due, so the p99 and mean ratios move with what each tree allocates, not only with what
it computes (a change measured p99 0.85 / mean 0.96 with the collector, 0.99 / 1.00
without). Compare a change's own CPU without it; the collector's share of a match in
a process of its own is match_profile.py's.

`--slowest SHARE`: the p99 of one pass moves ±10% run to run (a few authors meet a
full garbage collection or a busy moment). This finds the slowest SHARE of the eval
authors in one pass, then matches each of them, and 60 from the middle, five more
times by each tree in turn and keeps each author's least CPU: the two trees' sums
for the same authors, a steadier ratio for a change to the slow end.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
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


def warmed(db: Path, trees: list[Path]) -> tuple[list[Any], list[Any]]:
    """Each tree's matcher, warmed up on other names, and the eval authors."""
    sys.path.insert(0, str(Path(__file__).parent))
    from match_bench import load_eval, load_febrl

    matchers = [load(tree, db)[0] for tree in trees]
    for matcher in matchers:
        for c in load_febrl()[1][:100]:
            matcher.match(c.channel, c.handle, c.name)
    return matchers, load_eval()


def match_ab(db: Path, trees: list[Path], every: int) -> None:
    matchers, cases = warmed(db, trees)
    cases = cases[::every]
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


def slowest_ab(db: Path, trees: list[Path], share: float) -> None:
    matchers, cases = warmed(db, trees)

    def cpu(k: int, c: Any) -> float:
        start = time.process_time()
        matchers[k].match(c.channel, c.handle, c.name)
        return (time.process_time() - start) * 1000

    first = [cpu(0, c) + cpu(1, c) for c in cases]
    order = sorted(range(len(cases)), key=lambda n: -first[n])
    middle = len(order) // 2
    groups = {
        f"slowest {share:.0%}": order[: max(1, int(len(order) * share))],
        "middle 60": order[middle - 30 : middle + 30],
    }
    for label, group in groups.items():
        least = [0.0, 0.0]
        for n in group:
            took: list[list[float]] = [[], []]
            for run in range(5):
                for k in (0, 1) if run % 2 == 0 else (1, 0):
                    took[k].append(cpu(k, cases[n]))
            least = [least[k] + min(took[k]) for k in (0, 1)]
        print(
            f"{label} ({len(group)} authors, least of 5): "
            f"{least[0] / len(group):.2f} against {least[1] / len(group):.2f} ms, "
            f"new/old {least[1] / least[0]:.3f}"
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
    parser.add_argument("--slowest", type=float, help="this share of the authors, least of 5")
    parser.add_argument("--no-gc", action="store_true", help="the cyclic collector off")
    args = parser.parse_args()
    if args.no_gc:
        gc.disable()
    trees = [args.old.resolve(), args.new.resolve()]
    if args.slowest:
        slowest_ab(args.db, trees, args.slowest)
    elif args.rematch:
        rematch_ab(args.db, trees, args.rematch, args.offset)
    else:
        match_ab(args.db, trees, args.every)


if __name__ == "__main__":
    main()
