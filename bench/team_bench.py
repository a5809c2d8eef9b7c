"""Assigning and tagging many mentions at once, and bulk actions with their undo.

    python bench/team_bench.py [--mentions 100000] [--agents 20] [--runs 3]
    python bench/team_bench.py --bulk [--mentions 1000000] [--matching 100000] [--runs 3]

Stores N mentions (already scored: this measures the writes, not VADER), assigns
them among `--agents` agents and tags them, then times, per run:
- `assign`: every mention to one agent, 500 to a transaction, each change recorded;
- `tag`: `+billing` on every mention, the same way;
- `tag toggle`: the same tag toggled off again (every mention is read first);
- `agents` / `tags in use`: what the `a` and `t` dialogs load as they open.
Prints the median of the runs in seconds (ms for the look-ups) and mentions/s.

`--bulk`: a database of `--mentions` (kept in bench/.cache) of which `--matching`
carry the word "outage". In the service, per run: `T` on `outage` (count), `x` on
all of them (done, read, journaled, 500 to a transaction), then undo; and in the
real app in a pseudo-terminal: `/outage⏎ T x`, `j` pressed every quarter second while
the top line counts the batches (key → the frame that shows the cursor moved), the
time from `x` to the notification that all are done, then `U y` the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import select
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrm_tui.core.models import NewMention, Status  # noqa: E402
from scrm_tui.core.query import parse  # noqa: E402
from scrm_tui.core.tags import parse_edit  # noqa: E402
from scrm_tui.service.bulk import StatusChange  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402

if TYPE_CHECKING:
    from bench.inbox_bench import Terminal

NOW_MS = 1_790_000_000_000


def rows(
    count: int, start: int = 0, text: str = "", every: int = 0, gap_ms: int = 60_000
) -> list[NewMention]:
    """Mentions `start`.. `start + count`, `gap_ms` apart, by 5,000 authors; with
    `every`, one in `every` says `text` (the rest talk of the timeline)."""
    return [
        NewMention(
            channel="mastodon",
            external_id=f"m{n}",
            url=None,
            text=f"Kestrel post number {n}"
            + ((f": {text}" if n % every == 0 else ": the timeline view") if every else ""),
            created_ms=NOW_MS - gap_ms * n,
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
        for n in range(start, start + count)
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


# ---------------------------------------------------------------- bulk actions

WORD = "outage"


def bulk_database(mentions: int, matching: int) -> Path:
    """The database of the bulk benchmark, seeded once (bench/.cache)."""
    cache = ROOT / "bench" / ".cache"
    cache.mkdir(parents=True, exist_ok=True)
    db = cache / f"bulk-{mentions}-{matching}.db"
    if db.exists():
        return db

    async def seed() -> None:
        async with await Inbox.open(db, "seeder") as inbox:
            for start in range(0, mentions, 20_000):
                batch = rows(
                    min(20_000, mentions - start),
                    start,
                    f"{WORD} in the EU region",
                    every=mentions // matching,
                    gap_ms=1_000,
                )
                await inbox.store(batch, offered=0)
                print(f"  seeded {start + len(batch):,}", end="\r", flush=True)

    print(f"seeding {mentions:,} mentions ({matching:,} about '{WORD}')…", flush=True)
    asyncio.run(seed())
    print()
    return db


async def bulk_service(db: Path, runs: int) -> dict[str, list[float]]:
    """x and undo on everything 'outage' matches, through the service."""
    figures: dict[str, list[float]] = {}
    async with await Inbox.open(db, "bench") as inbox:
        for _ in range(runs):
            start = time.perf_counter()
            selection = await inbox.select_all(parse(WORD))
            figures.setdefault("select (T)", []).append(time.perf_counter() - start)
            batches: list[float] = []
            start = time.perf_counter()
            outcome = await inbox.run_bulk(
                selection,
                StatusChange(Status.DONE),
                lambda done, total, b=batches, s=start: b.append(time.perf_counter() - s),
            )
            figures.setdefault("x (done)", []).append(time.perf_counter() - start)
            figures.setdefault("first batch", []).append(batches[0])
            figures.setdefault("longest batch", []).append(
                max(b - a for a, b in zip([0.0, *batches], batches, strict=False))
            )
            assert outcome.changed == selection.count, outcome
            action = await inbox.last_action()
            assert action is not None
            start = time.perf_counter()
            undone = await inbox.undo(action)
            figures.setdefault("undo", []).append(time.perf_counter() - start)
            assert undone.undone == selection.count, undone
    return figures


KEY_GAP = 0.25  # seconds between two keys pressed during a bulk action


def pump(term: Terminal, seconds: float) -> None:
    """Render what the program writes for `seconds`."""
    deadline = time.perf_counter() + seconds
    while (left := deadline - time.perf_counter()) > 0:
        if select.select([term.fd], [], [], left)[0]:
            term.stream.feed(os.read(term.fd, 1 << 16))


def bulk_app(
    db: Path, matching: int, runs: int, config: Path | None = None
) -> dict[str, list[float]]:
    """The same from the keyboard, in a pseudo-terminal: keys answered meanwhile.
    `matching`: how many the inbox shows for the word; `config`: the app's."""
    from bench.inbox_bench import Terminal, app_env, position, rows_shown

    figures: dict[str, list[float]] = {}
    home = Path(tempfile.mkdtemp(prefix="scrm-bulk-bench-"))
    argv = [sys.executable, "-m", "scrm_tui", "--db", str(db)]
    term = Terminal(argv + (["--config", str(config)] if config else []), app_env(home))
    count = f"{matching:,}"
    try:
        term.wait(lambda t: position(t) is not None and rows_shown(t))
        term.send(f"/{WORD}\r".encode())
        term.wait(lambda t: f"/{WORD} → {count}" in t.lines()[0], timeout=120)
        for _ in range(40):  # the same key with nothing under way, for comparison
            at = position(term)
            assert at is not None
            sent = term.send(b"j")
            answered = term.wait(
                lambda t, want=at[0] + 1: (p := position(t)) is not None and p[0] == want
            )
            figures.setdefault("j during nothing", []).append(answered - sent)
            pump(term, KEY_GAP)
        for _ in range(runs):
            for keys, doing, said in (
                (b"Tx", "marking done", f"Marked {count} mentions done"),
                (b"Uy", "undoing", f"{count} put back"),
            ):
                if keys == b"Tx":
                    term.send(b"g")
                    term.wait(lambda t: (p := position(t)) is not None and p[0] == 1)
                    if f"{count} sel" not in term.lines()[0]:  # T again would clear it
                        term.send(b"T")
                        term.wait(lambda t: f"{count} sel" in t.lines()[0], timeout=120)
                    keys = b"x"
                else:
                    term.send(b"U")
                    term.wait(lambda t: any("Undo your last action" in ln for ln in t.lines()))
                    keys = b"y"
                started = term.send(keys)
                term.wait(lambda t, d=doing: d in t.lines()[0], timeout=120)
                seen: set[str] = set()
                while doing in term.lines()[0]:
                    seen.add(term.lines()[0].split("…")[0].split()[-1])
                    at = position(term)
                    if at is None or at[0] >= (at[1] or 0):
                        break
                    sent = term.send(b"j")
                    try:
                        answered = term.wait(
                            lambda t, want=at[0] + 1: (
                                (p := position(t)) is not None and p[0] == want
                            ),
                            timeout=30,
                        )
                    except TimeoutError:
                        break
                    if doing in term.lines()[0]:  # answered while the batches went on
                        figures.setdefault(f"j during {doing}", []).append(answered - sent)
                    # A person's pace, not a key repeat: the app draws what it writes.
                    pump(term, KEY_GAP)
                ended = term.wait(
                    lambda t, s=said: any(s in line for line in t.lines()), timeout=120
                )
                figures.setdefault(f"{doing}: key to the end", []).append(ended - started)
                figures.setdefault(f"{doing}: progress lines seen", []).append(len(seen))
        term.send(b"q")
        term.process.wait(timeout=10)
    finally:
        term.close()
        shutil.rmtree(home, ignore_errors=True)
    return figures


def report(figures: dict[str, list[float]]) -> None:
    for name, seconds in figures.items():
        if name.startswith("j during"):
            print(
                f"  {name:34} median {statistics.median(seconds) * 1000:7.1f} ms   "
                f"p95 {sorted(seconds)[round(0.95 * (len(seconds) - 1))] * 1000:7.1f} ms   "
                f"({len(seconds)} keys)"
            )
        elif name.endswith("lines seen"):
            print(f"  {name:34} {statistics.median(seconds):7.0f}")
        else:
            print(f"  {name:34} {statistics.median(seconds):7.2f} s")


def bulk_main(mentions: int, matching: int, runs: int) -> None:
    db = bulk_database(mentions, matching)
    print(f"{mentions:,} mentions, {matching:,} matching '{WORD}', median of {runs} runs")
    print("in the service:", flush=True)
    report(asyncio.run(bulk_service(db, runs)))
    print("in the app, from the keyboard:", flush=True)
    report(bulk_app(db, matching, runs))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentions", type=int)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bulk", action="store_true", help="bulk actions and undo")
    parser.add_argument("--matching", type=int, default=100_000)
    args = parser.parse_args()
    if args.bulk:
        bulk_main(args.mentions or 1_000_000, args.matching, args.runs)
    else:
        asyncio.run(main(args.mentions or 100_000, args.agents, args.runs))
