"""Where an open inbox's CPU goes: idle with 20 agents beating, and per commit by another process.

    python bench/commit_profile.py --db /tmp/scrm-scale/scale-1000000-1000000-1000000.db

Copies the seeded database (bench/scale_bench.py's) to `--work` (the seed is never
written), starts the app headless in this process (Textual's test harness, 80×24) with
the 20 agents' heartbeats of bench/team_scale_bench.py, then measures two phases under
cProfile: `--idle` seconds of nothing, and `--commits` mentions stored by another
process (one per commit, `--gap` apart, as a collector stores them). Prints per phase
the process's CPU (every thread), the SQL statements the app ran (grouped, per commit),
the list's lines drawn and rows built, and the functions that took the most time, so a
change to the live path can be judged by where the milliseconds went. `--reading`: the
cursor a page down first (arrivals land above the view); `--no-profile`: CPU without
cProfile's overhead. Figures, not a test: exits 0 whatever they are.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import cProfile
import gc
import io
import os
import pstats
import re
import shutil
import sqlite3
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if os.environ.get("SCRM_TREE"):  # another checkout's app, to compare (bench/commit_ab.py)
    sys.path.insert(0, os.environ["SCRM_TREE"])

from textual.strip import Strip  # noqa: E402

from bench import team_seed  # noqa: E402
from bench.team_scale_bench import Heartbeats  # noqa: E402
from bench.views_bench import AGENT  # noqa: E402
from scrm_tui.core.config import Config  # noqa: E402
from scrm_tui.ui.app import ScrmApp  # noqa: E402
from scrm_tui.ui.screens.inbox import InboxScreen  # noqa: E402
from scrm_tui.ui.widgets.mention_list import MentionList  # noqa: E402

gc.freeze()  # as scrm's cli does once Textual and the app are imported (cli._run_app)

# Another process storing mentions one commit at a time (as bench/scale_bench.py does).
COMMITTER = textwrap.dedent(
    """
    import asyncio, sys, time
    from scrm_tui.core import records
    from scrm_tui.core.models import AuthorIn, Channel, MentionIn, Sentiment
    from scrm_tui.service.inbox import Inbox
    from datetime import UTC, datetime

    async def main(db, count, gap):
        async with await Inbox.open(db, "collector") as inbox:
            for n in range(count):
                item = MentionIn(
                    channel=Channel.MASTODON,
                    external_id=f"profile-{time.time_ns()}-{n}",
                    text=f"Arrival {n}: is the kestrel sync down again?",
                    created_at=datetime.now(UTC),
                    author=AuthorIn(handle=f"user{n % 100}@bench.example"),
                )
                flat = records.flatten(item, Sentiment(-0.4, 0.0, 0.7, 0.3))
                await inbox.mentions.insert_batch([flat], inbox.now_ms())
                await asyncio.sleep(gap)

    asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
    """
)


def working_copy(seed: Path, work: Path) -> Path:
    copy = work / f"profile-{seed.name}"
    for suffix in ("", "-wal", "-shm", "-writers"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(seed, copy)
    with contextlib.closing(sqlite3.connect(copy)) as conn, conn:
        team_seed.snooze(conn, int(time.time() * 1000) + team_seed.DAY_MS)
        team_seed.beat(conn, int(time.time() * 1000), AGENT)
    return copy


class Statements:
    """Every statement the app's connections ran, by its shape (literals dropped)."""

    def __init__(self) -> None:
        self.seen: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()

    def __call__(self, statement: str) -> None:
        shape = re.sub(r"\s+", " ", statement)
        shape = re.sub(r"'[^']*'|\b\d+\b", "?", shape)[:110]
        with self.lock:
            self.seen[shape] += 1

    def take(self) -> collections.Counter[str]:
        with self.lock:
            seen, self.seen = self.seen, collections.Counter()
        return seen


async def trace(app: ScrmApp, statements: Statements) -> None:
    """Trace every connection the app holds (the view bar's and a filter's among them)."""
    assert app.inbox is not None
    conns = {id(c): c for c in (app.inbox.db.reader, app.inbox.db.writer)}
    views = app.inbox._views
    if views is not None and getattr(views, "_db", None) is not None:
        conns[id(views._db.reader)] = views._db.reader
    for conn in conns.values():
        await conn.set_trace_callback(statements)


class Drawn:
    """The list's lines drawn (render_line) and rows built (render_row, a cache miss)."""

    def __init__(self, app: ScrmApp) -> None:
        self.lines = self.rows = 0
        mention_list = app.screen.query_one(MentionList)
        render_line, render_row = mention_list.render_line, mention_list.render_row

        def line(y: int) -> Strip:
            self.lines += 1
            return render_line(y)

        def row(*args: Any) -> Strip:
            self.rows += 1
            return render_row(*args)

        mention_list.render_line = line  # type: ignore[method-assign]
        mention_list.render_row = row  # type: ignore[method-assign]

    def take(self) -> tuple[int, int]:
        taken, self.lines, self.rows = (self.lines, self.rows), 0, 0
        return taken


async def phase(  # type: ignore[no-untyped-def]
    name: str, run, per: int, statements: Statements, drawn: Drawn, args: argparse.Namespace
) -> None:
    statements.take()
    drawn.take()
    profile = cProfile.Profile()
    cpu, wall = time.process_time(), time.perf_counter()
    if args.profile:
        profile.enable()
    await run()
    profile.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    seen = statements.take()
    lines, rows = drawn.take()
    share = 100 * cpu / wall
    print(f"\n== {name}: {cpu * 1000:.0f} ms CPU in {wall:.1f} s ({share:.2f}% of a core)")
    if per:
        print(f"   per commit: {1000 * cpu / per:.1f} ms CPU (idle included)")
    ran = sum(seen.values())
    print(f"   statements: {ran}" + (f", {ran / per:.1f} per commit" if per else ""))
    print(
        f"   list lines drawn: {lines}, rows built: {rows}"
        + (f" ({lines / per:.1f}, {rows / per:.1f} per commit)" if per else "")
    )
    for shape, n in seen.most_common(25):
        print(f"   {n:5d}  {shape}")
    if not args.profile:
        return
    top = args.top
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(top)
    print("\n".join(out.getvalue().splitlines()[4:]))
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
    print("\n".join(out.getvalue().splitlines()[4:]))


async def measure(db: Path, args: argparse.Namespace) -> None:
    app = ScrmApp(db_path=db, agent=AGENT, config=Config(), poll_interval=0.5)
    statements = Statements()
    async with app.run_test(size=(80, 24)) as pilot:
        deadline = time.monotonic() + 300
        while True:
            screen = app.screen
            if isinstance(screen, InboxScreen) and screen._ready and screen.total is not None:
                break
            if time.monotonic() > deadline:
                raise TimeoutError("the inbox did not load")
            await pilot.pause(0.1)
        if args.reading:
            await pilot.press("ctrl+f", "j")  # reading a page down
        await asyncio.sleep(args.quiet)
        await trace(app, statements)
        drawn = Drawn(app)

        async def idle() -> None:
            await asyncio.sleep(args.idle)

        async def commits() -> None:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", COMMITTER, str(db), str(args.commits), str(args.gap)
            )
            await proc.wait()
            await asyncio.sleep(args.quiet)

        await phase("idle", idle, 0, statements, drawn, args)
        await phase(f"{args.commits} commits", commits, args.commits, statements, drawn, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a seeded database (read only)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/scrm-profile"))
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--commits", type=int, default=10)
    parser.add_argument("--gap", type=float, default=0.5)
    parser.add_argument("--quiet", type=float, default=3.0)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="measure on the last copy")
    parser.add_argument("--reading", action="store_true", help="the cursor a page down")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    args = parser.parse_args()
    copy = args.work / f"profile-{args.db.name}"
    if not (args.reuse and copy.exists()):
        copy = working_copy(args.db, args.work)
    heartbeats = Heartbeats(copy)
    heartbeats.start()
    try:
        asyncio.run(measure(copy, args))
    finally:
        heartbeats.stopping.set()
        heartbeats.join()


if __name__ == "__main__":
    main()
