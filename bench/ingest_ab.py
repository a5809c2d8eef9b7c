"""Ingest throughput of this tree against earlier commits, in one run of the machine.

`bench/inbox_bench.py --ingest-only` seeds a fresh database through each tree's real
pipeline (its scrm_tui, SCRM_BENCH_TREE) from the same corpus and times bare VADER
over the same texts in the same run; the trees take turns, run after run, so all see
the same load. Prints each tree's medians (pipeline rows/s, bare VADER rows/s, their
ratio; CPU µs a row in all of the pipeline's processes against bare VADER's) and the
load average before each run.

    python bench/ingest_ab.py                          # this tree, 95c3a1d, 59166af
    python bench/ingest_ab.py --against 95c3a1d --runs 5 --size 100000
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbox_bench import write_corpus  # noqa: E402

RESULT = re.compile(
    r"ingest ([\d,]+) rows/s, bare VADER ([\d,]+) rows/s.*\n.*"
    r"CPU a row: pipeline ([\d.]+) µs in all its processes, bare VADER ([\d.]+) µs"
)
Figures = tuple[float, float, float, float, float]  # rows/s, VADER rows/s, CPUs, load


def export(commit: str, into: Path, paths: tuple[str, ...] = ("scrm_tui",)) -> Path:
    """`commit`'s package (or other `paths`) in a directory of their own."""
    into.mkdir(exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, *paths],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def one_run(tree: Path, size: int, cache: Path) -> Figures:
    """One seeding: rows/s, bare VADER rows/s, CPU µs a row of each, load before."""
    load = os.getloadavg()[0]
    bench = [str(ROOT / "bench" / "inbox_bench.py"), "--sizes", str(size), "--ingest-only"]
    done = subprocess.run(
        [sys.executable, *bench, "--cache", str(cache)],
        env={**os.environ, "SCRM_BENCH_TREE": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    found = RESULT.search(done.stdout)
    assert found is not None, done.stdout + done.stderr
    pipeline, vader, pipeline_cpu, vader_cpu = (float(g.replace(",", "")) for g in found.groups())
    return pipeline, vader, pipeline_cpu, vader_cpu, load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="95c3a1d,59166af", help="commits, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scrm-ingest-ab-") as tmp:
        corpus = Path(tmp) / f"corpus-{args.size}.jsonl"
        write_corpus(corpus, args.size)
        trees = {"this tree": ROOT}
        for commit in args.against.split(","):
            trees[commit] = export(commit, Path(tmp) / commit)
        caches = {}
        for name in trees:
            # Each tree seeds its own database from the one corpus.
            caches[name] = Path(tmp) / f"cache-{len(caches)}"
            caches[name].mkdir()
            os.link(corpus, caches[name] / corpus.name)
        runs: dict[str, list[Figures]] = {name: [] for name in trees}
        for run in range(args.runs):
            for name, tree in trees.items():
                runs[name].append(one_run(tree, args.size, caches[name]))
                pipeline, vader, pipeline_cpu, vader_cpu, load = runs[name][-1]
                print(
                    f"run {run + 1} {name:>10}: {pipeline:8,.0f} rows/s, bare VADER "
                    f"{vader:8,.0f}, ratio {pipeline / vader:.2f}x; CPU a row "
                    f"{pipeline_cpu:.1f} µs, VADER {vader_cpu:.1f} µs (load {load:.2f})",
                    flush=True,
                )
    print(f"\n{args.size:,} mentions, medians of {args.runs} runs")
    for name, figures in runs.items():
        pipeline, vader, pipeline_cpu, vader_cpu = (
            statistics.median(f[i] for f in figures) for i in range(4)
        )
        ratio = statistics.median(f[0] / f[1] for f in figures)
        loads = ", ".join(f"{f[4]:.1f}" for f in figures)
        print(
            f"{name:>10}: {pipeline:8,.0f} rows/s, bare VADER {vader:8,.0f} rows/s, "
            f"ratio {ratio:.2f}x; CPU a row {pipeline_cpu:.1f} µs against VADER's "
            f"{vader_cpu:.1f} µs (load before each run: {loads})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
