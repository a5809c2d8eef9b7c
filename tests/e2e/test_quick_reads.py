"""The small reads an inbox makes on each commit by another process run on the event loop's
thread (store/quick_reads.py); when another process holds the file locked they wait on
the reader's thread instead, never on the event loop, and then see what it committed."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import aiosqlite

from scrm_tui.store.db import fetch_all
from scrm_tui.store.quick_reads import QuickReads

# Another process takes the write lock that keeps every reader out (a file in rollback
# journal mode: in WAL mode, as scrm keeps its files, a reader meets a lock only while
# a crashed writer's log is recovered, which a test cannot hold open), stores a row,
# and holds on until told to let go.
HOLDER = textwrap.dedent(
    """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("INSERT INTO notes VALUES ('stored under the lock')")
    print("holding", flush=True)
    sys.stdin.readline()
    conn.execute("COMMIT")
    conn.close()
    """
)


async def test_a_read_while_another_process_holds_the_lock_waits_off_the_event_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "locked.db"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE notes (text TEXT)")
        setup.execute("INSERT INTO notes VALUES ('before')")
    setup.close()
    quick = QuickReads(path)
    reader = await aiosqlite.connect(path, isolation_level=None)
    await reader.execute("PRAGMA busy_timeout = 5000")
    sql = "SELECT text FROM notes ORDER BY rowid"
    waited: list[str] = []

    async def on_the_reader() -> list[object]:
        waited.append(sql)
        return await fetch_all(reader, sql)

    try:
        assert await quick.fetch_all(sql, (), on_the_reader) == [("before",)]
        assert waited == []  # no lock: read here, not on the reader's thread

        holder = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            HOLDER,
            str(path),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert holder.stdout is not None and holder.stdin is not None
        assert await holder.stdout.readline() == b"holding\n"

        read = asyncio.ensure_future(quick.fetch_all(sql, (), on_the_reader))
        while not waited:  # the lock met at once: handed to the reader's thread
            await asyncio.sleep(0)
        assert not read.done()  # waiting there, while this loop goes on

        holder.stdin.write(b"go\n")
        await holder.stdin.drain()
        assert await holder.wait() == 0
        assert await read == [("before",), ("stored under the lock",)]
        # The lock gone, the next read is made here again.
        assert await quick.fetch_all(sql, (), on_the_reader) == await read
        assert len(waited) == 1
    finally:
        quick.close()
        await reader.close()
