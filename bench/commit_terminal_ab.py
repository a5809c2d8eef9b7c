"""CPU per commit by another process of an inbox in a real terminal: this tree against
another checkout, in one run.

    python bench/commit_terminal_ab.py --db COPY.db --against /tmp/base [--runs 3]

bench/scale_bench.py's measure, both trees in turn on one working copy (the app and
the commits write to it: never a seed), with the 20 agents' heartbeats beating: the
app's CPU (every thread, from /proc) while another process stores `--commits`
mentions one commit at a time, `--gap` apart, less its idle rate measured just before
over `--idle` seconds. Prints per tree the medians and this tree's as ratios of the
other's. Figures, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import team_seed  # noqa: E402
from bench.filter_ab import RUN_FROM  # noqa: E402
from bench.inbox_bench import Terminal, app_env  # noqa: E402
from bench.scale_bench import QUIET_S, counted, pump  # noqa: E402
from bench.team_scale_bench import Heartbeats  # noqa: E402
from bench.views_bench import cpu_seconds  # noqa: E402
from scrm_tui.core import records  # noqa: E402
from scrm_tui.core.models import AuthorIn, Channel, MentionIn, Sentiment  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402


async def store_one_by_one(db: Path, term: Terminal, count: int, gap: float) -> tuple[float, float]:
    """(app CPU seconds, wall seconds) while `count` mentions are stored, one a commit."""
    async with await Inbox.open(db, "collector") as inbox:
        cpu, started = cpu_seconds(term.process.pid), time.perf_counter()
        for n in range(count):
            item = MentionIn(
                channel=Channel.MASTODON,
                external_id=f"terminal-ab-{time.time_ns()}-{n}",
                text=f"Arrival {n}: is the kestrel sync down again?",
                created_at=team_seed.NOW,
                author=AuthorIn(handle=f"user{random.randint(0, 99)}@bench.example"),
            )
            flat = records.flatten(item, Sentiment(-0.4, 0.0, 0.7, 0.3))
            await inbox.mentions.insert_batch([flat], inbox.now_ms())
            pump(term, gap)
        pump(term, QUIET_S)
        return cpu_seconds(term.process.pid) - cpu, time.perf_counter() - started


def session(tree: Path, args: argparse.Namespace, env: dict[str, str]) -> dict[str, float]:
    term = Terminal([sys.executable, "-c", RUN_FROM, str(tree), "--db", str(args.db)], env)
    try:
        term.wait(counted, timeout=600)
        pump(term, QUIET_S)
        cpu, started = cpu_seconds(term.process.pid), time.perf_counter()
        pump(term, args.idle)
        rate = (cpu_seconds(term.process.pid) - cpu) / (time.perf_counter() - started)
        spent, wall = asyncio.run(store_one_by_one(args.db, term, args.commits, args.gap))
        term.send(b"q")
        term.process.wait(timeout=30)
    finally:
        term.close()
    return {
        "idle %": 100 * rate,
        "commit ms": 1000 * (spent - rate * wall) / args.commits,
        "commit ms (idle included)": 1000 * spent / args.commits,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a working copy (written to)")
    parser.add_argument("--against", type=Path, required=True, help="another checkout")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--commits", type=int, default=30)
    parser.add_argument("--gap", type=float, default=0.5)
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
    print(f"{'':28}{'this tree':>10}{'against':>10}{'ratio':>8}")
    for name in runs["this tree"][0]:
        mine = statistics.median(r[name] for r in runs["this tree"])
        theirs = statistics.median(r[name] for r in runs["against"])
        print(f"{name:28}{mine:10.2f}{theirs:10.2f}{mine / theirs if theirs else 0:8.2f}")


if __name__ == "__main__":
    main()
