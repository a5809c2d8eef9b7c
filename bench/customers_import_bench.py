"""Customer import speed: 100,000 rows from CSV, fresh and again (all unchanged).

The target: 100,000 rows import in well under a minute. Prints rows per second for a
first import and for a re-import of the same file (every row looked up, none written).

    python bench/customers_import_bench.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrm_tui.service.customers import import_customers  # noqa: E402
from scrm_tui.service.inbox import Inbox  # noqa: E402

FIRST = [
    "Kate",
    "Anna",
    "Omar",
    "Li",
    "Zoë",
    "José",
    "Łukasz",
    "Ngozi",
    "Priya",
    "Sven",
    "Yuki",
    "Maria",
    "John",
    "Alex",
    "Fatima",
]
LAST = [
    "Lindqvist",
    "Núñez",
    "Wróbel",
    "Okafor",
    "Sharma",
    "Berg",
    "Tanaka",
    "Rossi",
    "Smith",
    "Kim",
    "Haddad",
    "Wang",
]


def write_file(path: Path, rows: int) -> None:
    rng = random.Random(5)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "id",
                "name",
                "email",
                "company",
                "tier",
                "lifetime_value",
                "github",
                "mastodon",
                "region",
            ]
        )
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            writer.writerow(
                [
                    f"X-{i}",
                    f"{first} {last}",
                    f"{first.lower()}.{last.lower()}{i}@example.com",
                    f"Company {i % 5000}",
                    rng.choice(["free", "pro", "team"]),
                    rng.randint(0, 50_000),
                    f"gh{i}",
                    f"user{i}@mastodon.social" if i % 3 == 0 else "",
                    rng.choice(["EU", "NA", "APAC"]),
                ]
            )


async def run(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "customers.csv"
        write_file(source, rows)
        async with await Inbox.open(Path(folder) / "bench.db", "bench") as inbox:
            for label in ("first import", "re-import"):
                started = time.perf_counter()
                report = await import_customers(inbox, source)
                seconds = time.perf_counter() - started
                rate = rows / seconds
                print(
                    f"{label:13} {rows:,} rows in {seconds:5.1f} s = {rate:,.0f} rows/s "
                    f"({report.created:,} created, {report.updated:,} updated, "
                    f"{report.unchanged:,} unchanged)"
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    asyncio.run(run(parser.parse_args().rows))
