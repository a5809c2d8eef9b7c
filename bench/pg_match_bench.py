"""match() on PostgreSQL against SQLite, over the same customers' index, in one run.

    python bench/pg_match_bench.py indexed.db [--every 4] [--runs 3] [--against CHECKOUT]

`indexed.db` is a database whose customers are indexed for matching (`scrm catch-up`
has run; bench/match_bench.py's scratch databases and scale_bench.py's seed are). It is
copied into a private PostgreSQL server (tests/support/postgres.py: Debian's binaries, a
temporary folder, 127.0.0.1; `scrm db copy`), then every n-th eval author is matched
over each engine in a process of its own, the engines (and with --against, the two
trees on PostgreSQL) alternating run by run. Prints each one's CPU (this process only:
the server's share is in its own processes) and wall time per match, medians of the
runs, and the ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.postgres import running  # noqa: E402

# Run in a fresh interpreter with one tree's scrm_tui first on the path: prints
# "cpu_ms wall_ms" a match, after a warm-up on other names.
_MATCH = """
import sys, time
tree, target, every = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path[:0] = [tree, tree + "/bench"]
from match_bench import load_eval, load_febrl
import scrm_tui
from scrm_tui.enrich.matching import Matcher
from scrm_tui.enrich.shared_index import SharedIndex
from scrm_tui.store.match_index import MatchIndexReader
assert scrm_tui.__file__.startswith(tree), scrm_tui.__file__
matcher = Matcher(index=SharedIndex(MatchIndexReader(target)))
for c in load_febrl()[1][:100]:
    matcher.match(c.channel, c.handle, c.name)
cases = load_eval()[::every]
cpu, wall = time.process_time(), time.perf_counter()
for c in cases:
    matcher.match(c.channel, c.handle, c.name)
n = len(cases)
print((time.process_time() - cpu) / n * 1000, (time.perf_counter() - wall) / n * 1000)
"""


def timed(tree: Path, target: str, every: int) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-c", _MATCH, str(tree), target, str(every)],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu, wall = done.stdout.split()
    return float(cpu), float(wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="a database whose customers are indexed (read)")
    parser.add_argument("--every", type=int, default=4, help="every n-th eval author")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout, timed on PostgreSQL")
    args = parser.parse_args()
    with running() as server:
        url = server.fresh()
        print(f"copying {args.db} into PostgreSQL…", flush=True)
        subprocess.run(
            [sys.executable, "-m", "scrm_tui", "db", "copy", str(args.db), url],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        runs: dict[str, list[tuple[float, float]]] = {}
        for run in range(args.runs):
            legs = [("sqlite", ROOT, str(args.db)), ("postgresql", ROOT, url)]
            if args.against is not None:
                legs.append(("postgresql, --against", args.against.resolve(), url))
            for name, tree, target in legs:
                runs.setdefault(name, []).append(timed(tree, target, args.every))
            print(
                f"run {run + 1}/{args.runs}: "
                + ", ".join(f"{name} {r[-1][0]:.2f} ms CPU" for name, r in runs.items()),
                flush=True,
            )
    print(f"\n== match() a eval author, medians of {args.runs} runs (every {args.every})")
    medians = {
        name: (statistics.median(c for c, _ in r), statistics.median(w for _, w in r))
        for name, r in runs.items()
    }
    for name, (cpu, wall) in medians.items():
        print(f"  {name:<22} CPU {cpu:6.2f} ms   wall {wall:6.2f} ms")
    pg, lite = medians["postgresql"], medians["sqlite"]
    print(f"  PostgreSQL / SQLite: CPU {pg[0] / lite[0]:.2f}x, wall {pg[1] / lite[1]:.2f}x")
    if args.against is not None:
        old = medians["postgresql, --against"]
        print(f"  this tree / --against on PostgreSQL: CPU {pg[0] / old[0]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
