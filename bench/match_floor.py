"""What bounds match() at a million customers: its reads alone, against the whole match.

    python bench/match_floor.py indexed.db --every 4 --runs 3
    python bench/match_floor.py indexed.db --rematch 1000 --offset 1500 --runs 3

Each eval author is matched once (CPU timed, as match_ab.py times it) while every
statement the matcher sends SQLite is recorded with its parameters; then the same
statements, author by author in the same order, are run again on a fresh connection
of their own with no matcher around them: the CPU SQLite spends finding and handing
back the rows this candidate selection reads, and nothing else. Whatever the Python
around it costs, a match cannot be cheaper than its reads: a median that is above
the target on reads alone needs fewer rows read per author, not faster Python.

With `--rematch N`: N unlinked authors of the database from `--offset`, matched as
the re-match's workers match them (service/match_pool.decide, batches of 125, the
batch's reads shared), each batch timed and recorded; figures per author.

Prints, per run and as medians over runs: the whole match's p50/p99/mean, the reads'
p50/p99/mean, their share of the CPU and the statements per author.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from match_bench import load_eval, load_febrl, percentile, unlinked_authors

from scrm_tui.enrich.matching import Matcher
from scrm_tui.enrich.shared_index import SharedIndex
from scrm_tui.store.match_index import MatchIndexReader

Statement = tuple[str, tuple[Any, ...]]


class Recording:
    """A connection's stand-in that runs each statement and keeps it (SQL, parameters)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.kept: list[Statement] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        if self.kept is not None:
            self.kept.append((sql, tuple(params)))
        return self.conn.execute(sql, params)


def matched(db: Path, cases: list[Any]) -> tuple[list[float], list[list[Statement]]]:
    """Each case's match() CPU (ms), then the statements it sent (a second pass)."""
    reader = MatchIndexReader(db)
    recording = Recording(reader._conn)
    reader._conn = recording  # type: ignore[assignment]
    matcher = Matcher(index=SharedIndex(reader))
    for c in load_febrl()[1][:100]:
        matcher.match(c.channel, c.handle, c.name)  # warm-up on other names
    took = []
    for c in cases:
        start = time.process_time()
        matcher.match(c.channel, c.handle, c.name)
        took.append((time.process_time() - start) * 1000)
    sent: list[list[Statement]] = []
    for c in cases:
        recording.kept = []
        matcher.match(c.channel, c.handle, c.name)
        sent.append(recording.kept)
    reader.close()
    return took, sent


def rematched(
    db: Path, count: int, offset: int
) -> tuple[list[float], list[list[Statement]], list[int]]:
    """Each re-match batch's CPU (ms), then its statements (a second pass), its size."""
    from scrm_tui.service.match_pool import decide

    authors = unlinked_authors(db, count, offset)
    reader = MatchIndexReader(db)
    recording = Recording(reader._conn)
    reader._conn = recording  # type: ignore[assignment]
    matcher = Matcher(index=SharedIndex(reader))
    decide(matcher, authors[:20], {})  # warm-up
    batches = [authors[i : i + 125] for i in range(0, len(authors), 125)]
    took = []
    for batch in batches:
        start = time.process_time()
        decide(matcher, batch, {})
        took.append((time.process_time() - start) * 1000)
    sent: list[list[Statement]] = []
    for batch in batches:
        recording.kept = []
        decide(matcher, batch, {})
        sent.append(recording.kept)
    reader.close()
    return took, sent, [len(b) for b in batches]


def rematch_floor(db: Path, count: int, offset: int, runs: int) -> None:
    shares = []
    for run in range(runs):
        whole, sent, sizes = rematched(db, count, offset)
        reads = replayed(db, sent)
        n = sum(sizes)
        shares.append((sum(whole) / n, sum(reads) / n))
        print(
            f"run {run + 1}: re-match {sum(whole) / n:.2f} ms CPU an author, its reads alone "
            f"{sum(reads) / n:.2f} ms ({sum(reads) / sum(whole):.0%}); "
            f"{sum(map(len, sent)) / n:.1f} statements an author",
            flush=True,
        )
    whole_ms = statistics.median(w for w, _ in shares)
    reads_ms = statistics.median(r for _, r in shares)
    print(
        f"medians of {runs} ({count} authors from {offset}): re-match {whole_ms:.2f} ms CPU an "
        f"author, its reads alone {reads_ms:.2f} ms"
    )


def replayed(db: Path, sent: list[list[Statement]]) -> list[float]:
    """Each author's statements run alone on a fresh read-only connection: CPU (ms)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.execute("PRAGMA query_only = 1")
    took = []
    for statements in sent:
        start = time.process_time()
        for sql, params in statements:
            conn.execute(sql, params).fetchall()
        took.append((time.process_time() - start) * 1000)
    conn.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="an indexed database (read only)")
    parser.add_argument("--every", type=int, default=4, help="every n-th eval author")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rematch", type=int, help="this many unlinked authors instead")
    parser.add_argument("--offset", type=int, default=0, help="first author (--rematch)")
    args = parser.parse_args()
    if args.rematch:
        rematch_floor(args.db, args.rematch, args.offset, args.runs)
        return
    cases = load_eval()[:: args.every]
    figures: list[dict[str, float]] = []
    for run in range(args.runs):
        whole, sent = matched(args.db, cases)
        reads = replayed(args.db, sent)
        f = {
            "whole p50": statistics.median(whole),
            "whole p99": percentile(whole, 0.99),
            "whole mean": statistics.mean(whole),
            "reads p50": statistics.median(reads),
            "reads p99": percentile(reads, 0.99),
            "reads mean": statistics.mean(reads),
            "share": sum(reads) / sum(whole),
            "statements": statistics.mean(map(len, sent)),
        }
        figures.append(f)
        print(f"run {run + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in f.items()), flush=True)
    print(
        f"medians of {args.runs} ({len(cases)} eval authors): match() CPU p50 "
        + " / ".join(
            f"{statistics.median(f[k] for f in figures):.2f}"
            for k in ("whole p50", "whole p99", "whole mean")
        )
        + " ms (p50 / p99 / mean); its reads alone "
        + " / ".join(
            f"{statistics.median(f[k] for f in figures):.2f}"
            for k in ("reads p50", "reads p99", "reads mean")
        )
        + f" ms, {statistics.median(f['share'] for f in figures):.0%} of the CPU; "
        f"{statistics.median(f['statements'] for f in figures):.1f} statements an author"
    )


if __name__ == "__main__":
    main()
