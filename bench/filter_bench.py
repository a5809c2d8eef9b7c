"""The filter language at scale: the first page and the count of filters at 1M mentions.

Seeds a database through the store (bench/team_seed.py: the demo corpus's texts and
hashtags; sentiment drawn at random, since VADER has nothing to do with filtering),
with what a team leaves in it: 20 agents' assignments, tags on one mention in ten, a
priority on each, 1% snoozed, 20 live claims, a third read. Then, for each filter, it
opens the inbox anew (nothing cached: the first look after typing it) and times

- the first page: the 100 rows the list shows first;
- the count: the number the header shows.

The same script runs against another checkout (`--root`, e.g. a `git archive main`
tree) with its own database, so figures compare within one session; a filter that
checkout's language cannot read is skipped. Two databases seeded apart differ in
their FTS segments; for the fairest comparison give this checkout a copy of the
other's (`--db`): it is migrated on opening.

    python bench/filter_bench.py                                  # 1M, this checkout
    git archive main | tar -x -C /tmp/main && \\
        python bench/filter_bench.py --root /tmp/main --cache /tmp/main-bench
    cp /tmp/main-bench/filter-1000000.db /tmp/same.db && \\
        python bench/filter_bench.py --db /tmp/same.db
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# (name, filter, needs the full language)
FILTERS = [
    ("inbox (no filter)", "", False),
    ("rare word", "postmortem", False),
    ("common word", "kestrel", False),
    ("OR and a key", "(sync OR outage) ch:bsky", True),
    ("OR, gmail style", "sync OR outage -is:done", True),
    ("not a group", "-(kestrel OR sync)", True),
    ("OR of keys", "#outage OR tag:billing", True),
    ("rare hashtag", "#outage", True),
    ("common hashtag", "#kestrel", True),
    ("tag", "tag:vip", True),
    ("mine, unread", "is:mine is:unread", True),
    ("priority", "prio:>90 -is:done", True),
    ("followers", "followers:>1000 s:neg", True),
    ("last 30 days", "after:30d", True),
    ("claimed", "is:claimed", True),
]


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="cold looks per filter")
    parser.add_argument("--root", type=Path, default=HERE.parent, help="the checkout to run")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--db", type=Path, help="an existing database to use instead")
    parser.add_argument("--only", help="run only filters whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args()


ARGS = _args()
sys.path.insert(0, str(ARGS.root.resolve()))

from team_seed import NOW, seeded  # noqa: E402  (bench/, beside this script)

from scrm_tui.core.query import parse  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402

FULL_LANGUAGE = (ARGS.root / "scrm_tui" / "core" / "query_terms.py").exists()


async def look(db: Path, typed: str) -> tuple[float, float, int]:
    """One cold look: (first page ms, count ms, count)."""
    async with await Inbox.open(db, "agent0", clock=NOW.timestamp) as inbox:
        query = parse(typed)
        started = time.perf_counter()
        await inbox.page_older(query, None, 100)
        paged = time.perf_counter()
        count = await inbox.count(query)
        counted = time.perf_counter()
    return (paged - started) * 1000, (counted - paged) * 1000, count


async def main() -> int:
    ARGS.cache.mkdir(parents=True, exist_ok=True)
    db = ARGS.db or await seeded(ARGS.cache / f"filter-{ARGS.size}.db", ARGS.size)
    print(f"\n== {db}, {ARGS.root}: medians of {ARGS.runs} cold looks")
    print(f"{'':20} {'filter':28} {'first page':>11} {'count':>9} {'matches':>9}")
    results = []
    for name, typed, full in FILTERS:
        if (full and not FULL_LANGUAGE) or (ARGS.only and ARGS.only not in name):
            continue
        looks = [await look(db, typed) for _ in range(ARGS.runs)]
        page = statistics.median(x[0] for x in looks)
        count = statistics.median(x[1] for x in looks)
        print(f"{name:20} {typed:28} {page:8.1f} ms {count:6.0f} ms {looks[0][2]:9,}", flush=True)
        results.append(
            {
                "name": name,
                "filter": typed,
                "first_page_ms": round(page, 1),
                "count_ms": round(count, 1),
                "matches": looks[0][2],
            }
        )
    if ARGS.json:
        ARGS.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
