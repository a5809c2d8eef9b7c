"""A write from one process waiting behind another process's back-to-back transactions
(a long job such as `scrm catch-up`) is let in when the current one ends, not starved."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from scrm_tui.store.db import Database
from scrm_tui.store.turnstile import turnstile_path

# A long job: transaction after transaction, each holding the write lock a while, the
# next begun as soon as the last is committed; it prints each number once begun.
_JOB = """
import asyncio, os, sys
from scrm_tui.store.db import Database

async def main():
    if len(sys.argv) > 3 and os.geteuid() == 0:
        os.setgid(65534)  # another account (nobody): root would open any file
        os.setuid(65534)
    db = await Database.open(sys.argv[1])
    for n in range(1, int(sys.argv[2]) + 1):
        async with db.transaction(wakes=False) as conn:
            await conn.execute("INSERT INTO turns (who, n) VALUES ('job', ?)", (n,))
            print(n, flush=True)
            await asyncio.sleep(0.15)
    await db.close()

asyncio.run(main())
"""
TRANSACTIONS = 12


def order(db_path: Path) -> list[tuple[str, int]]:
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute("SELECT who, n FROM turns ORDER BY seq").fetchall()


@pytest.fixture
def shared_db() -> Iterator[Path]:
    """A database in a folder every account may write in (the job below may run as
    another account); removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="scrm-turns-"))
    folder.chmod(0o777)
    try:
        yield folder / "shared.db"
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("job_account", ["same", "may only read the turnstile"])
async def test_a_waiting_writer_gets_in_before_the_jobs_next_transaction(
    shared_db: Path, job_account: str
) -> None:
    db_path = shared_db
    db = await Database.open(db_path)
    try:
        async with db.transaction(wakes=False) as conn:
            await conn.execute(
                "CREATE TABLE turns (seq INTEGER PRIMARY KEY AUTOINCREMENT, who TEXT, n INT)"
            )
        for file in db_path.parent.iterdir():
            file.chmod(0o666)
        args = [sys.executable, "-c", _JOB, str(db_path), str(TRANSACTIONS)]
        if job_account != "same":
            # Its turnstile file is another's, or restored read-only: a lock needs no
            # write access, so the job still queues (it wrote without it before).
            turnstile_path(db_path).chmod(0o444)
            args.append("as-another")
        job = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert job.stdout is not None
        try:
            for attempt in range(3):
                # The job is inside transaction `now` (it printed it once begun).
                now = int(job.stdout.readline())
                async with db.transaction(wakes=False) as conn:
                    await conn.execute("INSERT INTO turns (who, n) VALUES ('agent', ?)", (attempt,))
                rows = order(db_path)
                mine = rows.index(("agent", attempt))
                before = [n for who, n in rows[:mine] if who == "job"]
                # In right after the transaction it waited behind, not after the next
                # one (the job may have gone on to that one between its line and our
                # ask, on a starved machine: then right after that one).
                assert max(before) <= now + 1, (attempt, now, rows)
                for line in job.stdout:  # let it run on a little
                    if int(line) >= now + 2:
                        break
            assert job.wait(timeout=60) == 0
        finally:
            if job.poll() is None:
                job.kill()
                job.wait()
    finally:
        await db.close()
