"""The reading pass (language, then sentiment) of this tree against an older one.

Runs `read_many` of each tree, in its own process, over the same posts
(tests/data/reading_cases.py: the demo's twelve languages with and without its brand
as a watch term, VADER's human-rated tweets declared and detected, hand-written
multilingual and hostile posts), checks that every answer (language, confidence,
source, the four sentiment figures) is exactly the same, and prints the CPU time a
post costs in each tree, runs interleaved so both see the same load.

    python bench/reading_ab.py                      # against 95c3a1d (before the cut)
    python bench/reading_ab.py --base 59166af --runs 5
    python bench/reading_ab.py --write tests/data/reading_answers.json   # base's answers
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(repeat: int) -> None:
    """In the tree under test (first on sys.path): answers and seconds per group."""
    import scrm_tui
    from scrm_tui.enrich.reading import read_many
    from tests.data import reading_cases

    assert os.environ["PYTHONPATH"].startswith(str(Path(scrm_tui.__file__).parent.parent))

    groups = reading_cases.groups()
    read_many(groups[0][2][:50], groups[0][1])  # load the model and the lexicons
    out = []
    for name, terms, posts in groups:
        answers = reading_cases.answers(read_many(posts, terms))
        seconds = []
        for _ in range(repeat):
            started = time.process_time()
            read_many(posts, terms)
            seconds.append(time.process_time() - started)
        out.append({"name": name, "posts": len(posts), "answers": answers, "seconds": seconds})
    json.dump(out, sys.stdout)


def run_tree(tree: Path, repeat: int) -> list[dict[str, object]]:
    # The tree under test first, then this checkout for tests/data; no bytecode left.
    env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{ROOT}", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(repeat)],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    result: list[dict[str, object]] = json.loads(done.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="95c3a1d", help="the older tree (a commit)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each tree, interleaved")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes in each run")
    parser.add_argument("--write", type=Path, help="write the base's answers to this file")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return 0
    sys.path.insert(0, str(ROOT))  # here only: a child imports the tree under test
    from bench.ingest_ab import export

    with tempfile.TemporaryDirectory(prefix="scrm-reading-") as tmp:
        base = export(args.base, Path(tmp), ("scrm_tui",))
        runs: dict[str, list[list[dict[str, object]]]] = {"base": [], "this": []}
        for _ in range(args.runs):
            runs["base"].append(run_tree(base, args.repeat))
            runs["this"].append(run_tree(ROOT, args.repeat))
    old, new = runs["base"][0], runs["this"][0]
    if args.write:
        answers = {group["name"]: group["answers"] for group in old}
        args.write.write_text(json.dumps(answers, separators=(",", ":")) + "\n")
        print(f"wrote {args.base}'s answers to {args.write}")
    differ = 0
    print(f"{'posts':<34} {'n':>6} {args.base + ' µs':>12} {'this µs':>9} {'ratio':>6} same")
    for o, n in zip(old, new, strict=True):
        pairs = zip(o["answers"], n["answers"], strict=True)  # type: ignore[call-overload]
        wrong = sum(1 for a, b in pairs if a != b)
        differ += wrong
        count = int(o["posts"])  # type: ignore[call-overload]
        per = {
            key: statistics.median(min(run[i]["seconds"]) for run in runs[key]) / count * 1e6  # type: ignore[call-overload]
            for key, i in (("base", old.index(o)), ("this", new.index(n)))
        }
        print(
            f"{str(o['name'])[:34]:<34} {count:>6} {per['base']:>12.1f} {per['this']:>9.1f} "
            f"{per['this'] / per['base']:>6.2f} {'yes' if not wrong else f'NO: {wrong} differ'}"
        )
    load = os.getloadavg()[0]
    print(f"load average {load:.2f}; medians of {args.runs} runs, best of {args.repeat} passes")
    if differ:
        print(f"{differ} answers differ from {args.base}")
        return 1
    print("every answer is the same")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
