"""How fast a mention stored by another process reaches every open inbox.

    python bench/live_bench.py [--terminals 2] [--trials 20]

Starts N real inboxes in pseudo-terminals on one database (pyte renders each), then,
from this process (standing in for `scrm watch` or `scrm ingest`), stores one mention
at a time and times each terminal from the commit to the frame that shows it. The
issue's target is 1 s; each terminal notices outside commits with a 0.5 s
poll of the change mark (Inbox.has_changed), so the figures should sit between 0 and ~0.6 s.
Prints p50 / p95 / max per terminal and the worst as a ratio of the target.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbox_bench import Terminal, app_env, pct  # noqa: E402
from scrm_tui.core.models import AuthorIn, Channel, MentionIn  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402

TARGET_S = 1.0
SEEDED = 200


def probe(n: int, text: str) -> MentionIn:
    return MentionIn(
        channel=Channel.MASTODON,
        external_id=f"probe-{n}",
        text=text,
        created_at=datetime.now(UTC) + timedelta(seconds=n),  # newest: the top row
        author=AuthorIn(handle=f"probe{n}@bench.example"),
    )


def counted(term: Terminal, total: int) -> bool:
    """The header counts the new mention (the row itself may be above the view: the
    list never scrolls away from the agent's selection)."""
    return f" {total:,} mentions" in term.lines()[0]


async def measure(db: Path, terminals: list[Terminal], trials: int) -> list[list[float]]:
    latencies: list[list[float]] = [[] for _ in terminals]
    async with await Inbox.open(db, "collector") as inbox:
        for n in range(trials):
            text = f"live probe {n:03d}"
            total = SEEDED + n + 1
            seen: list[float] = [0.0] * len(terminals)

            def watch(i: int, total: int = total, seen: list[float] = seen) -> None:
                seen[i] = terminals[i].wait(lambda t: counted(t, total), timeout=30)

            threads = [threading.Thread(target=watch, args=(i,)) for i in range(len(terminals))]
            for thread in threads:
                thread.start()
            await inbox.ingest([probe(n, text)])
            committed = time.perf_counter()
            for thread in threads:
                thread.join()
            for i, when in enumerate(seen):
                latencies[i].append(when - committed)
            await asyncio.sleep(0.3)  # let the terminals go idle between probes
    return latencies


async def seed(db: Path) -> None:
    async with await Inbox.open(db, "seed") as inbox:
        await inbox.ingest([probe(-1000 + n, f"older mention {n}") for n in range(SEEDED)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=2)
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        db = home / "live.db"
        asyncio.run(seed(db))
        env = app_env(home)
        argv = [sys.executable, "-m", "scrm_tui", "--db", str(db)]
        terminals = [Terminal(argv, env) for _ in range(args.terminals)]
        try:
            for term in terminals:
                term.wait(lambda t: counted(t, SEEDED))
            latencies = asyncio.run(measure(db, terminals, args.trials))
        finally:
            for term in terminals:
                term.close()
    worst = 0.0
    print(f"store in another process → shown, {args.trials} mentions, target {TARGET_S:.1f} s")
    for i, values in enumerate(latencies):
        ms = [v * 1000 for v in values]
        worst = max(worst, max(values))
        print(
            f"  terminal {i + 1}: p50 {statistics.median(ms):4.0f} ms  "
            f"p95 {pct(ms, 0.95):4.0f} ms  max {max(ms):4.0f} ms"
        )
    print(f"  worst / target: {worst / TARGET_S:.2f}")


if __name__ == "__main__":
    main()
