"""PostgreSQL against SQLite in one run: ingest, first paint, keypresses, filters.

    python bench/pg_bench.py                     # 100,000 mentions, 3 sessions each
    python bench/pg_bench.py --size 1000000 --sessions 3
    python bench/pg_bench.py --size 1000000 --sqlite SEEDED.db   # a ready 1M file
    python bench/pg_bench.py --url postgresql://scrm@host/db   # a server of your own

`--seed ingest` (the default below 500,000 mentions) seeds the same corpus (bench/
inbox_bench.py's) through the real ingest pipeline into a new SQLite file and into a new
PostgreSQL database (a private server started under /tmp, or --url's, which must be
empty), timing each against bare VADER over the same texts (the issue's target:
PostgreSQL's ingest >= 0.8x bare VADER). `--seed copy` (the default from 500,000) seeds
SQLite through the pipeline once (kept as bench/.cache/inbox-N.db while its schema is
current; `--sqlite` names a ready file instead, only read) and copies every table into
PostgreSQL by COPY, as bench/pg_filter_bench.py does: no ingest figure then (a file
seeded before scrm kept languages is caught up first, `scrm catch-up`, as an inbox
would otherwise do it in the background through every session). `--seed none`
measures a --url database filled by an earlier run. Then runs the real app in a
pseudo-terminal on each, alternating, with a bare Textual app before each pair: first
paint (target: PostgreSQL <= 1.5x SQLite's), `j`/`G`/`g`/`/` (target: median <= 50 ms on
PostgreSQL) and a rare and a common word's filter (rare: <= 100 ms). Prints each figure for
both engines and their ratios, measured in this run. The server's own CPU is in its
processes, not ours: ingest is compared by wall time, as a user waits for it.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbox_bench import (  # noqa: E402
    Session,
    app_env,
    bare_vader_seconds,
    measure_app,
    measure_minimal,
    pct,
    seed,
    write_corpus,
)
from bench.pg_filter_bench import copy_into  # noqa: E402
from scrm_tui.service import backlog  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402
from scrm_tui.store.schema import LATEST_VERSION  # noqa: E402
from tests.support.postgres import running  # noqa: E402

COPY_FROM = 500_000  # from this size on, PostgreSQL is seeded by COPY unless told otherwise


def _keys(session: Session) -> list[float]:
    return [v for k in ("j", "G", "g", "/") for v in session.keys.get(k, [])]


def _current(db: Path) -> bool:
    """Whether a seeded file exists at the schema this tree writes (reusable)."""
    if not db.exists():
        return False
    with contextlib.closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as c:
        return bool(c.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION)


async def _owed(db: Path) -> bool:
    """Whether an inbox opened on `db` would start `scrm catch-up` in the background."""
    async with await Inbox.open(db, "bench") as inbox:
        return await backlog.owed(inbox)


def _cached(args: argparse.Namespace) -> Path:
    """The SQLite file seeded through the pipeline, kept between runs."""
    return Path(args.cache / f"inbox-{args.size}.db")


def _clone(source: Path, into: Path) -> Path:
    """A private copy of a seeded file (the app writes to its database; the cache stays)."""
    read = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    with contextlib.closing(read), contextlib.closing(sqlite3.connect(into)) as copy:
        read.backup(copy)  # a consistent copy, its WAL folded in
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a private server)")
    parser.add_argument(
        "--seed",
        choices=("ingest", "copy", "none"),
        help="how PostgreSQL is filled (default: copy from 500,000 mentions, else ingest)",
    )
    parser.add_argument("--sqlite", type=Path, help="a ready seeded SQLite file (only read)")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache")
    args = parser.parse_args()
    mode = args.seed or ("copy" if args.size >= COPY_FROM else "ingest")
    if mode == "none" and not args.url:
        parser.error("--seed none measures a filled --url database")
    if args.sqlite and mode == "ingest":
        parser.error("--sqlite is the source of --seed copy (or none)")
    args.cache.mkdir(parents=True, exist_ok=True)
    compileall.compile_dir(ROOT / "scrm_tui", quiet=1)
    corpus = args.cache / f"corpus-{args.size}.jsonl"
    seeding = mode == "ingest" or (args.sqlite is None and not _current(_cached(args)))
    if seeding and not corpus.exists():  # a ready file needs no corpus
        print(f"writing a corpus of {args.size:,} mentions…", flush=True)
        write_corpus(corpus, args.size)
    home = Path(tempfile.mkdtemp(prefix="scrm-pgbench-"))
    env = app_env(home)
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, home, ignore_errors=True)
        if args.url:
            url = args.url
        else:
            server = stack.enter_context(running())
            server.admin("CREATE DATABASE bench")
            url = server.url("bench")
        sqlite = home / "bench.db"
        vader = sqlite_s = pg_s = None
        if mode == "ingest":
            print(f"bare VADER over {args.size:,} texts…", flush=True)
            vader, _ = bare_vader_seconds(corpus)
            print("ingesting into SQLite…", flush=True)
            sqlite_s, _ = seed(sqlite, corpus)
            print("ingesting into PostgreSQL…", flush=True)
            pg_s, _ = seed(url, corpus)  # type: ignore[arg-type]
        else:
            source = args.sqlite or _cached(args)
            if args.sqlite is None and not _current(source):
                for suffix in ("", "-wal", "-shm", "-writers"):
                    Path(f"{source}{suffix}").unlink(missing_ok=True)
                print(f"ingesting {args.size:,} mentions into SQLite…", flush=True)
                sqlite_s, _ = seed(source, corpus)
            print(f"copying {source} for the run…", flush=True)
            _clone(source, sqlite)
            # An older seed's languages are detected first (`scrm catch-up`, which an
            # inbox would start in the background on open and run through every session).
            if asyncio.run(_owed(sqlite)):
                print("catching it up…", flush=True)
                subprocess.run(
                    [sys.executable, "-m", "scrm_tui", "catch-up", "--db", str(sqlite), "--quiet"],
                    env=env,
                    check=True,
                )
            if mode == "copy":
                print("copying it into PostgreSQL by COPY…", flush=True)
                copied = asyncio.run(copy_into(sqlite, url))
                print(f"  {copied:.0f} s", flush=True)
        sessions = {"sqlite": Session(), "postgresql": Session()}
        for run in range(args.sessions):
            for name, target in (("sqlite", str(sqlite)), ("postgresql", url)):
                print(f"session {run + 1}/{args.sessions} on {name}…", flush=True)
                session = sessions[name]
                session.minimal_paint.append(measure_minimal(env))
                measure_app(target, env, session, args.presses)  # type: ignore[arg-type]
    n = args.size
    print(f"\n== {n:,} mentions, {args.sessions} sessions each (medians)")
    if vader is not None:
        print(f"ingest rows/s: bare VADER {n / vader:,.0f}")
        for name, seconds in (("sqlite", sqlite_s), ("postgresql", pg_s)):
            assert seconds is not None
            print(f"  {name:<10} {n / seconds:>8,.0f}   {vader / seconds:.2f}x bare VADER")
    elif sqlite_s is not None:
        print(f"ingest into SQLite {n / sqlite_s:,.0f} rows/s (PostgreSQL seeded by COPY)")
    first = {k: statistics.median(s.first_paint) for k, s in sessions.items()}
    bare = statistics.median([v for s in sessions.values() for v in s.minimal_paint])
    print(f"first paint: bare Textual app {bare * 1000:.0f} ms")
    for name, session in sessions.items():
        each = ", ".join(f"{v * 1000:.0f}" for v in session.first_paint)
        print(
            f"  {name:<10} {first[name] * 1000:6.0f} ms   {first[name] / bare:.2f}x bare ({each})"
        )
    print(f"  PostgreSQL / SQLite: {first['postgresql'] / first['sqlite']:.2f}x (target <= 1.5x)")
    figures = (
        ("keypress (j G g /)", None),
        ("filter 'postmortem' (rare)", "filter 'postmortem'"),
        ("filter 'kestrel' (common)", "filter 'kestrel'"),
    )
    for label, keys in figures:
        print(f"{label}: median / p95")
        for name, session in sessions.items():
            values = _keys(session) if keys is None else session.keys.get(keys, [])
            if values:
                print(
                    f"  {name:<10} {statistics.median(values) * 1000:6.1f} / "
                    f"{pct(values, 0.95) * 1000:6.1f} ms"
                )
    print("each key: median ms (j / G / g / /)")
    for name, session in sessions.items():
        each = [statistics.median(session.keys[k]) * 1000 for k in ("j", "G", "g", "/")]
        print(f"  {name:<10} " + " / ".join(f"{v:.1f}" for v in each))
    rss = {k: max(s.rss_mb) for k, s in sessions.items()}
    print(f"peak RSS: sqlite {rss['sqlite']:.0f} MB, postgresql {rss['postgresql']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
