"""Another process holding the database's write lock: a real subprocess, released on demand."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# BEGIN IMMEDIATE takes SQLite's write lock; the child keeps it until told on stdin.
_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


@contextmanager
def write_lock_held(db: Path) -> Iterator[subprocess.Popen[str]]:
    """While inside, another process holds the write lock on `db` (as a busy collector
    or a long import would); leaving releases it and waits for the process to end."""
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "locked"
        yield child
    finally:
        if child.poll() is None:
            child.stdin.write("release\n")
            child.stdin.flush()
        child.stdin.close()
        child.wait(timeout=30)
        child.stdout.close()
