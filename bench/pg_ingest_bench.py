"""PostgreSQL's ingest against SQLite's and bare VADER, in one run.

    python bench/pg_ingest_bench.py              # 100,000 mentions
    python bench/pg_ingest_bench.py --size 20000

Seeds bench/inbox_bench.py's corpus through the real ingest pipeline (service/ingest.py)
into a new SQLite file and into a new database on a private PostgreSQL server
(tests/support/postgres.py), and times bare VADER over the same texts. Prints rows/s and
x bare VADER for each (issue 16's target: PostgreSQL >= 0.8x), by wall time as a user
waits for it, and the CPU seconds behind it: ours (with the workers) and the server's (its
processes, read from /proc). Then what bounds the server's part, each measured alone
over the stored rows: a bare COPY, a COPY with mentions' indexes, the full-text words.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inbox_bench import bare_vader_seconds, seed, write_corpus  # noqa: E402
from bench.pg_customers_bench import _server_cpu  # noqa: E402
from tests.support.postgres import Server, running  # noqa: E402


def floor(server: Server, url: str) -> dict[str, float]:
    """Server CPU seconds of the parts of a write, over the stored mentions: a bare COPY
    into a table with no index, a COPY into mentions' shape with its indexes (no trigger,
    no foreign key), and the full-text words of each (scrm_tsvector)."""
    parts: dict[str, float] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.cursor().copy(b"COPY (SELECT * FROM mentions ORDER BY id) TO STDOUT") as out:
            data = b"".join(bytes(chunk) for chunk in out)
        for name, like in (("bare COPY", ""), ("COPY with indexes", " INCLUDING INDEXES")):
            conn.execute(f"CREATE TABLE floor_copy (LIKE mentions{like})".encode())
            before = _server_cpu(server)
            with conn.cursor().copy(b"COPY floor_copy FROM STDIN") as copy:
                copy.write(data)
            parts[name] = _server_cpu(server) - before
            conn.execute(b"DROP TABLE floor_copy")
        before = _server_cpu(server)
        conn.execute(
            b"SELECT count(scrm_tsvector(text || coalesce(chr(10) || link, ''))) FROM mentions"
        )
        parts["full-text words"] = _server_cpu(server) - before
    return parts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / ".cache")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    compileall.compile_dir(ROOT / "scrm_tui", quiet=1)
    corpus = args.cache / f"corpus-{args.size}.jsonl"
    if not corpus.exists():
        print(f"writing a corpus of {args.size:,} mentions…", flush=True)
        write_corpus(corpus, args.size)
    home = Path(tempfile.mkdtemp(prefix="scrm-pgingest-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, home, ignore_errors=True)
        server = stack.enter_context(running())
        server.admin("CREATE DATABASE bench")
        url = server.url("bench")
        print(f"bare VADER over {args.size:,} texts…", flush=True)
        vader, vader_cpu = bare_vader_seconds(corpus)
        print("ingesting into SQLite…", flush=True)
        sqlite_s, sqlite_cpu = seed(home / "bench.db", corpus)
        print("ingesting into PostgreSQL…", flush=True)
        before = _server_cpu(server)
        pg_s, pg_cpu = seed(url, corpus)  # type: ignore[arg-type]
        pg_server = _server_cpu(server) - before
        parts = floor(server, url)
    n = args.size
    print(f"\n== {n:,} mentions (one run)")
    print(f"bare VADER        {n / vader:>8,.0f} rows/s   CPU {vader_cpu:6.1f} s")
    for name, seconds, cpu in (("sqlite", sqlite_s, sqlite_cpu), ("postgresql", pg_s, pg_cpu)):
        print(
            f"{name:<17} {n / seconds:>8,.0f} rows/s   {vader / seconds:.2f}x bare VADER"
            f"   CPU ours {cpu:6.1f} s"
        )
    print(f"postgresql server CPU {pg_server:6.1f} s  ({pg_server / n * 1e6:,.0f} µs a row)")
    for name, cpu in parts.items():
        print(f"  measured alone: {name:<18} {cpu:5.1f} s ({cpu / n * 1e6:,.0f} µs a row)")
    print(
        f"ours + server CPU against bare VADER's: sqlite {sqlite_cpu / vader_cpu:.2f}x, "
        f"postgresql {(pg_cpu + pg_server) / vader_cpu:.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
