"""Assigning and tagging many mentions at once, and what `a` and `t` read to open.

    python bench/team_bench.py [--mentions 100000] [--agents 20] [--runs 3]

Stores N mentions (already scored: this measures the writes, not VADER), assigns
them among `--agents` agents and tags them, then times, per run:
- `assign`: every mention to one agent, 500 to a transaction, each change recorded;
- `tag`: `+billing` on every mention, the same way;
- `tag toggle`: the same tag toggled off again (every mention is read first);
- `agents` / `tags in use`: what the `a` and `t` dialogs load as they open.
Prints the median of the runs in seconds (ms for the look-ups) and mentions/s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrm_tui.core.models import NewMention  # noqa: E402
from scrm_tui.core.tags import parse_edit  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402

NOW_MS = 1_790_000_000_000


def rows(count: int) -> list[NewMention]:
    return [
        NewMention(
            channel="mastodon",
            external_id=f"m{n}",
            url=None,
            text=f"Kestrel post number {n}",
            created_ms=NOW_MS - 60_000 * n,
            in_reply_to=None,
            compound=0.0,
            pos=0.0,
            neu=1.0,
            neg=0.0,
            handle=f"user{n % 5000}@example.social",
            handle_key=f"user{n % 5000}@example.social",
            name=None,
            followers=None,
            author_url=None,
        )
        for n in range(count)
    ]


async def timed(action: object) -> float:
    start = time.perf_counter()
    await action  # type: ignore[misc]
    return time.perf_counter() - start


async def main(mentions: int, agents: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with await Inbox.open(Path(folder) / "team.db", "bench") as inbox:
            batch = rows(mentions)
            for start in range(0, mentions, 10_000):
                await inbox.store(batch[start : start + 10_000], offered=0)
            ids = list(range(1, mentions + 1))
            names = [f"agent{n:02d}" for n in range(agents)]
            for index, name in enumerate(names):  # a realistic spread: 20 agents' work
                await inbox.assign(ids[index::agents], name)
            figures: dict[str, list[float]] = {}
            for run in range(runs):
                figures.setdefault("assign", []).append(
                    await timed(inbox.assign(ids, f"dana{run}"))
                )
                figures.setdefault("tag", []).append(
                    await timed(inbox.edit_tags(ids, parse_edit("+billing")))
                )
                figures.setdefault("tag toggle", []).append(
                    await timed(inbox.edit_tags(ids, parse_edit("billing")))
                )
                figures.setdefault("agents", []).append(await timed(inbox.assignable_agents()))
                figures.setdefault("tags in use", []).append(await timed(inbox.tags_in_use()))
    print(f"{mentions:,} mentions, {agents} agents, median of {runs} runs")
    for name, seconds in figures.items():
        median = statistics.median(seconds)
        if name in ("agents", "tags in use"):
            print(f"  {name:12} {median * 1000:8.2f} ms")
        else:
            print(f"  {name:12} {median:8.2f} s   {mentions / median:10,.0f} mentions/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.mentions, args.agents, args.runs))
