"""The filter on PostgreSQL against SQLite, in one run: a rare term's first rows and count,
a common word's first page, and a page further down the inbox (a keypress), at N mentions.

Seeds an SQLite file through the store (bench/team_seed.py: the demo corpus, 20 agents'
traces, one mention in `size // rare` saying RARE and no other), then copies every table
into a PostgreSQL database with COPY (a real server: `--url`, or one started for the run
as the tests start theirs). Each figure is the median of `--runs` cold looks (a new inbox:
nothing cached), with the PostgreSQL/SQLite ratio. Wall times on a shared machine: compare
the ratio, not the milliseconds across runs. Issue 16's target: a rare-term filter
≤ 100 ms at 1M mentions on PostgreSQL.

    python bench/pg_filter_bench.py                  # 100,000 mentions
    python bench/pg_filter_bench.py --size 1000000   # the issue's figure
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import psycopg  # noqa: E402
from team_seed import NOW, mentions, seeded  # noqa: E402

from scrm_tui.core import records  # noqa: E402
from scrm_tui.core.models import Order, Sentiment  # noqa: E402
from scrm_tui.core.query import parse  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402
from scrm_tui.service.window import StreamWindow  # noqa: E402
from scrm_tui.store.db import Database  # noqa: E402

pg_fresh: Callable[[], str] = str  # another empty database on the server started here
RARE = "zephyrine"  # in no corpus text: only the seeded ones say it
COMMON = "kestrel"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rare", type=int, default=100, help="mentions saying the rare term")
    parser.add_argument("--runs", type=int, default=7, help="cold looks per figure")
    parser.add_argument(
        "--url", help="a PostgreSQL database to fill (default: a server of its own)"
    )
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--ingest", type=int, default=20_000, help="mentions ingested")
    return parser.parse_args()


async def copy_into(source: Path, url: str) -> float:
    """Every table of the SQLite file into the (empty, schema-made) PostgreSQL database, by
    COPY, triggers off (the kept counts are copied, not recounted). Seconds taken."""
    started = time.perf_counter()
    await (await Database.open(url)).close()  # the schema
    lite = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    with psycopg.connect(url) as pg:
        pg.execute("SET session_replication_role = replica")  # no triggers, no FK checks
        tables = [
            r[0]
            for r in pg.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        ]
        for table in tables:
            have = {r[1] for r in lite.execute(f"PRAGMA table_xinfo({table})")}
            if not have and table != "mentions_fts":
                continue
            columns = [
                r[0]
                for r in pg.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    "AND table_schema = current_schema() AND is_generated = 'NEVER' "
                    "ORDER BY ordinal_position",
                    (table,),
                )
            ]
            if table == "mentions_fts":  # FTS5 keeps no text of its own: the mentions'
                select = "SELECT id, text FROM mentions"
            else:
                columns = [c for c in columns if c in have]
                select = f"SELECT {', '.join(columns)} FROM {table}"
            pg.execute(f"DELETE FROM {table}")  # the seeds the schema wrote (no FK checks)
            names = ", ".join(columns)
            with pg.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[arg-type]
                for row in lite.execute(select):
                    # PostgreSQL's text holds no NUL: "␀", as the store writes it there
                    copy.write_row(
                        [v.replace("\x00", "\u2400") if isinstance(v, str) else v for v in row]
                    )
        # identity columns go on after the copied ids
        for table, column in pg.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND is_identity = 'YES'"
        ).fetchall():
            pg.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
            )
        pg.commit()
        pg.autocommit = True
        pg.execute("VACUUM ANALYZE")
    lite.close()
    return time.perf_counter() - started


@contextlib.contextmanager
def server(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from tests.support.postgres import running

    global pg_fresh
    with running() as pg:
        pg_fresh = pg.fresh
        yield pg.fresh()


async def first_rows(target: Path | str, typed: str) -> tuple[float, float, int]:
    """One cold look at a filter: (ms to its first page, ms to its count, count)."""
    async with await Inbox.open(target, "agent0", clock=NOW.timestamp) as inbox:
        window = StreamWindow(inbox, parse(typed))
        started = time.perf_counter()
        await window.start()
        paged = time.perf_counter()
        if window.total is None:
            await window.load_count()
        counted = time.perf_counter()
    return (paged - started) * 1000, (counted - started) * 1000, window.size


async def page_down(target: Path | str) -> float:
    """ms to read the inbox's next 100 rows from 1,000 down (a key past the loaded rows)."""
    async with await Inbox.open(target, "agent0", clock=NOW.timestamp) as inbox:
        query = parse("")
        rows = await inbox.page_older(query, None, 1000)
        started = time.perf_counter()
        await inbox.page_older(query, rows[-1].key_in(Order.NEWEST), 100)
        return (time.perf_counter() - started) * 1000


async def median(runs: int, look: Callable[[], Awaitable[float]]) -> float:
    return statistics.median([await look() for _ in range(runs)])


async def ingest_rate(target: Path | str, size: int) -> float:
    """Mentions stored per second by the store's ingest write (insert_batch, batches of
    1,000 as the collector writes them; sentiment given, as VADER is not measured here)."""
    rows = [
        records.flatten(item, Sentiment(0.5, 0.2, 0.8, 0.0))
        for item in mentions(size, RARE, max(size // 100, 1))
    ]
    async with await Inbox.open(target, "agent0", clock=NOW.timestamp) as inbox:
        await inbox.priorities.weights()
        started = time.perf_counter()
        for at in range(0, size, 1000):
            await inbox.mentions.insert_batch(rows[at : at + 1000], 0)
        return size / (time.perf_counter() - started)


async def measure(lite: Path, url: str, runs: int) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    for engine, target in (("sqlite", lite), ("postgresql", url)):
        rare = [await first_rows(target, RARE) for _ in range(runs)]
        common = [await first_rows(target, COMMON) for _ in range(runs)]
        figures[engine] = {
            f"rare term {RARE!r}: first page": statistics.median(r[0] for r in rare),
            f"rare term {RARE!r}: counted": statistics.median(r[1] for r in rare),
            f"common word {COMMON!r}: first page": statistics.median(c[0] for c in common),
            "inbox: 100 rows from 1,000 down": await median(runs, lambda t=target: page_down(t)),
        }
        print(f"{engine}: {rare[0][2]:,} rare hits, {common[0][2]:,} common", flush=True)
    return figures


def main() -> int:
    args = _args()
    args.cache.mkdir(parents=True, exist_ok=True)
    lite = asyncio.run(
        seeded(
            args.cache / f"pgfilter-{args.size}-{args.rare}.db",
            args.size,
            word=RARE,
            matching=args.rare,
        )
    )
    with server(args.url) as url:
        seconds = asyncio.run(copy_into(lite, url))
        print(f"copied {args.size:,} mentions into PostgreSQL by COPY in {seconds:.0f} s")
        figures = asyncio.run(measure(lite, url, args.runs))
        if not args.url:  # an empty database of each engine, on the server started here
            fresh = args.cache / "pgfilter-ingest.db"
            for suffix in ("", "-wal", "-shm", "-writers"):
                Path(f"{fresh}{suffix}").unlink(missing_ok=True)
            rates = [asyncio.run(ingest_rate(t, args.ingest)) for t in (fresh, pg_fresh())]
            print(
                f"ingest, {args.ingest:,} mentions in batches of 1,000: SQLite "
                f"{rates[0]:,.0f}/s, PostgreSQL {rates[1]:,.0f}/s ({rates[1] / rates[0]:.2f}×)"
            )
    print(f"\n== {args.size:,} mentions, medians of {args.runs} cold looks (wall ms)")
    print(f"{'':44} {'SQLite':>9} {'PostgreSQL':>11} {'ratio':>7}")
    for name, value in figures["sqlite"].items():
        other = figures["postgresql"][name]
        print(f"{name:44} {value:9.1f} {other:11.1f} {other / value:6.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
