"""What an index keyed by name would hold and read, measured on a database's own index.

    python bench/match_names.py indexed.db
    python bench/match_names.py indexed.db --words john smith maria garcia

Builds, in a temporary table of this connection only (the file is opened read only),
(word -> each distinct folded name among its holders, with how many hold it) from
match_words and match_entries, as a migration or `scrm catch-up` would, and prints
its CPU cost, its rows against match_words', and for common words (the most held, or
`--words`) the holders a match reads now against the distinct names it would read.
How many distinct names a database holds decides what such an index saves: a seed
drawn from a few thousand first names and surnames flatters it.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="an indexed database (read only)")
    parser.add_argument("--words", nargs="*", default=[], help="else the 10 most held")
    args = parser.parse_args()
    with contextlib.closing(sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)) as conn:
        cpu, wall = time.process_time(), time.monotonic()
        conn.execute(
            "CREATE TEMP TABLE word_names AS SELECT w.word AS word, e.text AS name, "
            "count(*) AS n FROM match_words w JOIN match_entries e USING (customer_id) "
            "GROUP BY w.word, e.text"
        )
        print(
            f"built in {time.process_time() - cpu:.1f} s of CPU "
            f"({time.monotonic() - wall:.1f} s wall)"
        )
        [(rows,)] = conn.execute("SELECT count(*) FROM temp.word_names")
        [(held,)] = conn.execute("SELECT count(*) FROM match_words")
        [(names,)] = conn.execute("SELECT count(DISTINCT text) FROM match_entries")
        [(customers,)] = conn.execute("SELECT count(*) FROM match_entries")
        print(
            f"(word, name) rows {rows:,} against (word, customer) rows {held:,} "
            f"({held / max(rows, 1):.1f}x); {names:,} distinct names for {customers:,} customers"
        )
        words = args.words or [
            w for (w,) in conn.execute("SELECT word FROM match_word_n ORDER BY n DESC LIMIT 10")
        ]
        print(f"{'word':16s} {'holders':>8s} {'names':>6s} {'most of one name':>17s}")
        for word in words:
            [(holders, distinct, most)] = conn.execute(
                "SELECT sum(n), count(*), max(n) FROM temp.word_names WHERE word = ?", (word,)
            )
            print(f"{word:16s} {holders or 0:8,} {distinct:6,} {most or 0:17,}")


if __name__ == "__main__":
    main()
