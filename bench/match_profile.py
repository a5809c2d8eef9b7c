"""Where a match's CPU goes at a million customers: each phase's own time, per author.

    python bench/match_profile.py indexed.db --every 2
    python bench/match_profile.py indexed.db --every 2 --cprofile 25

Each eval author is matched once with a CPU timer around each phase of the matcher
(the candidate search's steps, the ceilings, scoring, and every lookup of the index):
a phase's figure is its own time, the phases it calls left out, so the figures add up
to the whole. Printed for the 200 authors around the median and for the slowest 2%:
ms an author and share. The timers cost a little themselves (the whole is ~10% above
match_ab.py's figures); compare shares, or two trees in one run. With `--cprofile N`
the same two groups are matched again under cProfile and its N costliest functions
(own time) printed: what to look at inside a phase. The cyclic garbage collector is a
phase of its own (gc.callbacks), charged to the author it ran during (most run as a
match ends and the collector resumes).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import io
import pstats
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from match_bench import load_eval, load_febrl

from scrm_tui.enrich.matching import Matcher, candidates, lookup, matcher, scorer
from scrm_tui.enrich.shared_index import SharedIndex
from scrm_tui.store.match_index import MatchIndexReader

# (class, method, phase): the matcher's steps; the index's lookups are added per method.
PHASES: list[tuple[type, str, str]] = [
    (matcher.Matcher, "match", "match, the rest"),
    (candidates.CandidateSearch, "_candidates", "candidates, the rest"),
    (candidates.CandidateSearch, "_ask_ahead", "asking ahead"),
    (candidates.CandidateSearch, "_agreeing", "pairs"),
    (candidates.CandidateSearch, "_coarse_top", "coarse ranking, the rest"),
    (candidates._Holding, "which", "coarse: who holds a word"),
    (candidates._Holding, "texts_of", "coarse: the rest's names"),
    (candidates.CandidateSearch, "_closest", "common word's closest names"),
    (candidates.CandidateSearch, "_by_closeness", "closeness"),
    (matcher.Matcher, "_top_scored", "top scored, the rest"),
    (scorer._Scorer, "ceiling", "ceilings"),
    (scorer._Scorer, "score", "scores"),
    (scorer._Scorer, "learn_closeness", "closeness of words"),
    (lookup._Lookup, "describe", "rows described"),
    (lookup._Lookup, "want", "word weights"),
    (matcher.Matcher, "_decide", "deciding"),
]
LOOKUPS = [
    "keyed_each",
    "counted",
    "deleted_to",
    "holders",
    "holders_ahead",
    "paired",
    "described",
    "named",
    "entries",
    "texts",
    "name_groups",
    "unindexed",
    "df",
]


class Phases:
    """Each wrapped method's own CPU time (its wrapped callees' taken out), summed."""

    def __init__(self) -> None:
        self.spent: Counter[str] = Counter()
        self._inner: list[float] = []
        self._collecting = 0.0

    def wrap(self, owner: type, name: str, phase: str) -> None:
        method: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(method)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            self._inner.append(0.0)
            try:
                return method(*args, **kwargs)
            finally:
                took = time.process_time() - start
                self.spent[phase] += took - self._inner.pop()
                if self._inner:
                    self._inner[-1] += took

        setattr(owner, name, timed)

    def collector(self, phase: str, info: dict[str, int]) -> None:
        """gc.callbacks: a collection is its own phase, taken out of the one it fell in."""
        if phase == "start":
            self._collecting = time.process_time()
            return
        took = time.process_time() - self._collecting
        self.spent["garbage collector"] += took
        if self._inner:
            self._inner[-1] += took


def report(label: str, per_author: list[Counter[str]]) -> None:
    total: Counter[str] = Counter()
    for spent in per_author:
        total.update(spent)
    whole = sum(total.values())
    print(f"== {label}: {1000 * whole / len(per_author):.2f} ms an author ({len(per_author)})")
    for phase, spent in total.most_common():
        share = spent / whole
        if share >= 0.005:
            print(f"  {phase:32s} {1000 * spent / len(per_author):6.2f} ms {share:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="an indexed database (read only)")
    parser.add_argument("--every", type=int, default=2, help="every n-th eval author")
    parser.add_argument("--cprofile", type=int, default=0, help="print this many functions")
    args = parser.parse_args()
    phases = Phases()
    for owner, name, phase in PHASES:
        phases.wrap(owner, name, phase)
    for name in LOOKUPS:
        phases.wrap(SharedIndex, name, f"index: {name}")
    match = Matcher(index=SharedIndex(MatchIndexReader(args.db)))
    for c in load_febrl()[1][:100]:
        match.match(c.channel, c.handle, c.name)  # warm-up on other names
    cases = load_eval()[:: args.every]
    gc.callbacks.append(phases.collector)
    per_author: list[Counter[str]] = []
    for c in cases:
        phases.spent = Counter()
        match.match(c.channel, c.handle, c.name)
        per_author.append(phases.spent)
    order = sorted(range(len(cases)), key=lambda n: sum(per_author[n].values()))
    middle = len(order) // 2
    groups = {
        "the 200 around the median": order[max(0, middle - 100) : middle + 100],
        "the slowest 2%": order[-max(1, len(order) // 50) :],
    }
    for label, group in groups.items():
        report(label, [per_author[n] for n in group])
    for label, group in groups.items() if args.cprofile else ():
        profile = cProfile.Profile()
        profile.enable()
        for n in group:
            match.match(cases[n].channel, cases[n].handle, cases[n].name)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.cprofile)
        print(f"== cProfile, {label}\n{out.getvalue()}")


if __name__ == "__main__":
    main()
