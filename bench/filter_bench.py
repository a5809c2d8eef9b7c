"""The filter language at scale: the first page and the count of filters at 1M mentions.

Seeds a database through the store (bench/team_seed.py: the demo corpus's texts and
hashtags; sentiment drawn at random, since VADER has nothing to do with filtering),
with what a team leaves in it: 20 agents' assignments, tags on one mention in ten, a
priority on each, 1% snoozed, 20 live claims, a third read. Then, for each filter, it
opens the inbox anew (nothing cached: the first look after typing it) and times, as
the inbox list reads them (service/window.py's StreamWindow):

- the first page: the 100 rows the list shows first;
- "at least": when the count capped at 10,000 says "≥ 10,000" (a checkout that counts
  in one step has none);
- the count: when the number the header shows is known (from Enter).

Then, for the common word, what a list filtered on it pays later, on one inbox:

- typed: its first page after the list was shown for each prefix typed on the way
  ("kes", "kest", "kestr": what is read for one may serve the next), against a cold look;
- a poll: the rows stored since the last look, as a commit by another process makes
  the list read them (the newest 2 ids), median of 5.

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
import inspect
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMON = "kestrel"
# (name, filter, needs the full language)
FILTERS = [
    ("inbox (no filter)", "", False),
    ("rare word", "postmortem", False),
    ("common word", "kestrel", False),
    ("short prefix", "kes", False),
    ("word, not a word", "kestrel -sync", False),
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
    ("language", "lang:de", True),
    ("rare language", "lang:ja", True),
    ("unknown language", "lang:unknown", True),
    ("not English, open", "-lang:en -is:done", True),
    ("unscored", "s:unscored", True),
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

from scrm_tui.core.query import QueryError, parse  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402
from scrm_tui.service.window import StreamWindow  # noqa: E402

FULL_LANGUAGE = (ARGS.root / "scrm_tui" / "core" / "query_terms.py").exists()


TWO_STEPS = "floored" in inspect.signature(StreamWindow.load_count).parameters


async def look(db: Path, typed: str) -> tuple[float, float | None, float, int]:
    """One cold look, each figure from its start: (first page ms, "at least" ms or
    None, count known ms, count)."""
    async with await Inbox.open(db, "agent0", clock=NOW.timestamp) as inbox:
        window = StreamWindow(inbox, parse(typed))
        floored: list[float] = []
        started = time.perf_counter()
        await window.start()
        paged = time.perf_counter()
        if window.total is None and TWO_STEPS:
            await window.load_count(lambda: floored.append(time.perf_counter()))
        elif window.total is None:
            await window.load_count()
        counted = time.perf_counter()
    floor = (floored[0] - started) * 1000 if floored else None
    return (paged - started) * 1000, floor, (counted - started) * 1000, window.size


async def typed_then_polled(db: Path, word: str) -> tuple[float, float]:
    """(first page ms of `word` after its prefixes were shown, one poll's ms)."""
    async with await Inbox.open(db, "agent0", clock=NOW.timestamp) as inbox:
        for length in range(3, len(word)):
            await StreamWindow(inbox, parse(word[:length])).start()
        window = StreamWindow(inbox, parse(word))
        started = time.perf_counter()
        await window.start()
        paged = time.perf_counter()
        newest = await inbox.max_id()
        polls = []
        for _ in range(5):
            polled = time.perf_counter()
            await window.source.arrivals(newest - 2, newest, 101)
            polls.append(time.perf_counter() - polled)
    return (paged - started) * 1000, statistics.median(polls) * 1000


async def main() -> int:
    ARGS.cache.mkdir(parents=True, exist_ok=True)
    db = ARGS.db or await seeded(ARGS.cache / f"filter-{ARGS.size}.db", ARGS.size)
    print(f"\n== {db}, {ARGS.root}: medians of {ARGS.runs} cold looks")
    print(f"{'':20} {'filter':28} {'first page':>11} {'≥ 10,000':>9} {'count':>9} {'matches':>9}")
    results = []
    for name, typed, full in FILTERS:
        if (full and not FULL_LANGUAGE) or (ARGS.only and ARGS.only not in name):
            continue
        try:
            parse(typed)
        except QueryError:
            print(f"{name:20} {typed:28} (not in this checkout's language: skipped)")
            continue
        looks = [await look(db, typed) for _ in range(ARGS.runs)]
        page = statistics.median(x[0] for x in looks)
        floors = [x[1] for x in looks if x[1] is not None]
        floor = statistics.median(floors) if floors else None
        count = statistics.median(x[2] for x in looks)
        shown = f"{floor:6.0f} ms" if floor is not None else f"{'-':>9}"
        print(
            f"{name:20} {typed:28} {page:8.1f} ms {shown} {count:6.0f} ms {looks[0][3]:9,}",
            flush=True,
        )
        results.append(
            {
                "name": name,
                "filter": typed,
                "first_page_ms": round(page, 1),
                "at_least_ms": None if floor is None else round(floor, 1),
                "count_ms": round(count, 1),
                "matches": looks[0][3],
            }
        )
    if not ARGS.only or "typed" in ARGS.only:
        looks = [await typed_then_polled(db, COMMON) for _ in range(ARGS.runs)]
        page = statistics.median(x[0] for x in looks)
        poll = statistics.median(x[1] for x in looks)
        print(
            f"{COMMON!r} typed after its prefixes: first page {page:.1f} ms; a poll {poll:.1f} ms"
        )
        results.append({"name": "typed", "filter": COMMON, "first_page_ms": round(page, 1)})
        results.append({"name": "poll", "filter": COMMON, "poll_ms": round(poll, 1)})
    if ARGS.json:
        ARGS.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
