"""A PostgreSQL write transaction's turns: BEGIN, the write lock, the change mark's bump and
COMMIT sent one statement at a time (four round trips, as 0df4327 did) against two messages
(as store/pg/database.py sends them now), in one run, alternating, on one real server.

Each transaction writes one row (an outbox item marked sent, the commonest write of the
team's work). Printed: CPU and wall time a transaction for this process (medians of the
rounds), and the ratios. The server's own CPU is not counted.

    python bench/pg_write_turns_bench.py                 # 2,000 transactions x 5 rounds
    python bench/pg_write_turns_bench.py --writes 5000 --rounds 7
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrm_tui.store.db import Database  # noqa: E402
from scrm_tui.store.pg.connection import PgConnection  # noqa: E402
from scrm_tui.store.pg.database import _BUMP, WRITE_LOCK  # noqa: E402
from tests.support.postgres import running  # noqa: E402

WRITE = "UPDATE outbox SET attempts = attempts + 1, updated_ms = ? WHERE id = 1"
QUEUE = (
    "INSERT INTO outbox (kind, channel, text, key, state, next_ms, created_ms, updated_ms) "
    "VALUES ('reply', 'mastodon', 'thanks!', 'k', 'pending', 0, 0, 0)"
)


async def one_at_a_time(db: Database, n: int) -> None:
    """0df4327's transaction: each statement its own round trip."""
    writer = cast(PgConnection, db.writer)
    await writer.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
    await writer.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    await writer.execute(WRITE, (n,))
    await writer.execute(_BUMP)
    await writer.commit()


async def as_shipped(db: Database, n: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(WRITE, (n,))


def server_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) the server process `pid` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


Figures = dict[str, list[tuple[float, float, float]]]


async def rounds(url: str, writes: int, count: int) -> Figures:
    db = await Database.open(url)
    try:
        async with db.transaction() as conn:
            await conn.execute(QUEUE)
            [(pid,)] = await conn.execute_fetchall("SELECT pg_backend_pid()")
        figures: Figures = {}
        for _ in range(count):
            for name, way in (("one statement a trip", one_at_a_time), ("as shipped", as_shipped)):
                cpu, wall, server = time.process_time(), time.perf_counter(), server_cpu(pid)
                for n in range(writes):
                    await way(db, n)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                server = server_cpu(pid) - server
                figures.setdefault(name, []).append(
                    (cpu * 1e6 / writes, wall * 1e6 / writes, server * 1e6 / writes)
                )
        return figures
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with running() as server:
        figures = asyncio.run(rounds(server.fresh(), args.writes, args.rounds))
    print(f"{args.writes:,} write transactions a round, medians of {args.rounds} rounds")
    print(f"{'µs a write':24} {'CPU':>7} {'server CPU':>11} {'wall':>7}")
    base: list[float] = []
    for name, runs in figures.items():
        mid = [statistics.median(r[i] for r in runs) for i in (0, 2, 1)]
        base = base or mid
        ratios = ", ".join(f"{m / b:.2f}x" for m, b in zip(mid, base, strict=True))
        print(f"{name:24} {mid[0]:7.0f} {mid[1]:11.0f} {mid[2]:7.0f}   ({ratios})")


if __name__ == "__main__":
    main()
