"""PostgreSQL against SQLite in one run: ingest, first paint, keypresses, filters.

    python bench/pg_bench.py                     # 100,000 mentions, 3 sessions each
    python bench/pg_bench.py --size 1000000 --sessions 3
    python bench/pg_bench.py --url postgresql://scrm@host/db   # a server of your own

Seeds the same corpus (bench/inbox_bench.py's) through the real ingest pipeline into a new
SQLite file and into a new PostgreSQL database (a private server started under /tmp, or
--url's, which must be empty), timing each against bare VADER over the same texts
(the issue's target: PostgreSQL's ingest >= 0.8x bare VADER). Then runs the real app in a
pseudo-terminal on each, alternating, with a bare Textual app before each pair: first
paint (target: PostgreSQL <= 1.5x SQLite's), `j`/`G`/`g`/`/` (target: median <= 50 ms on
PostgreSQL) and a rare and a common word's filter (rare: <= 100 ms). Prints each figure for
both engines and their ratios, measured in this run. The server's own CPU is in its
processes, not ours: ingest is compared by wall time, as a user waits for it.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
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
from tests.support.postgres import running  # noqa: E402


def _keys(session: Session) -> list[float]:
    return [v for k in ("j", "G", "g", "/") for v in session.keys.get(k, [])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a private server)")
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    compileall.compile_dir(ROOT / "scrm_tui", quiet=1)
    corpus = args.cache / f"corpus-{args.size}.jsonl"
    if not corpus.exists():
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
        print(f"bare VADER over {args.size:,} texts…", flush=True)
        vader, _ = bare_vader_seconds(corpus)
        print("ingesting into SQLite…", flush=True)
        sqlite_s, _ = seed(sqlite, corpus)
        print("ingesting into PostgreSQL…", flush=True)
        pg_s, _ = seed(url, corpus)  # type: ignore[arg-type]
        sessions = {"sqlite": Session(), "postgresql": Session()}
        for run in range(args.sessions):
            for name, target in (("sqlite", str(sqlite)), ("postgresql", url)):
                print(f"session {run + 1}/{args.sessions} on {name}…", flush=True)
                session = sessions[name]
                session.minimal_paint.append(measure_minimal(env))
                measure_app(target, env, session, args.presses)  # type: ignore[arg-type]
    n = args.size
    print(f"\n== {n:,} mentions, {args.sessions} sessions each (medians)")
    print(f"ingest rows/s: bare VADER {n / vader:,.0f}")
    for name, seconds in (("sqlite", sqlite_s), ("postgresql", pg_s)):
        print(f"  {name:<10} {n / seconds:>8,.0f}   {vader / seconds:.2f}x bare VADER")
    first = {k: statistics.median(s.first_paint) for k, s in sessions.items()}
    bare = statistics.median([v for s in sessions.values() for v in s.minimal_paint])
    print(f"first paint: bare Textual app {bare * 1000:.0f} ms")
    for name in sessions:
        print(f"  {name:<10} {first[name] * 1000:6.0f} ms   {first[name] / bare:.2f}x bare")
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
    rss = {k: max(s.rss_mb) for k, s in sessions.items()}
    print(f"peak RSS: sqlite {rss['sqlite']:.0f} MB, postgresql {rss['postgresql']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
