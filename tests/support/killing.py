"""Helpers for kill tests: run scrm in its own process group, watch it make progress in
the database, kill it, and find any process of its group left behind (from /proc)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

DEADLINE_S = 60.0


def _stat(pid: int) -> tuple[int, int, str] | None:
    """(parent, process group, state) of a process, None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    fields = text[text.rfind(")") + 2 :].split()
    return int(fields[1]), int(fields[2]), fields[0]


def _running(where: int, equals: int) -> list[int]:
    """Processes whose stat field `where` (0 parent, 1 group) is `equals`, zombies left
    out (they are done and hold nothing)."""
    found = []
    for entry in os.listdir("/proc"):
        stat = _stat(int(entry)) if entry.isdigit() else None
        if stat is not None and stat[where] == equals and stat[2] != "Z":
            found.append(int(entry))
    return found


def group_alive(group: int) -> list[int]:
    """Processes of a process group still running."""
    return _running(1, group)


def children(pid: int) -> list[int]:
    return _running(0, pid)


def wait_for(what: str, condition: Callable[[], bool], timeout: float = DEADLINE_S) -> None:
    """Poll for an observable effect until a deadline."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen in {timeout:.0f} s: {what}")
        time.sleep(0.01)


def count(db: Path, sql: str, params: tuple[object, ...] = ()) -> int:
    """One number from the database, read as another process would (0 before it exists)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute(sql, params).fetchone()
    except sqlite3.OperationalError as error:  # not created yet
        if "no such table" in str(error):
            return 0
        raise
    return int(row[0]) if row else 0


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def scrm_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "scrm_tui", *args]


@contextmanager
def running(args: list[str], env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[str]]:
    """scrm in a new process group (its own session): the test can find all of it."""
    proc = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    try:
        yield proc
    finally:
        # Whatever the test found, nothing of it outlives the test.
        for pid in group_alive(proc.pid):
            os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.communicate()


def kill_and_check_group(
    proc: subprocess.Popen[str], signum: int = signal.SIGKILL, *, group: bool = False
) -> int:
    """Send `signum` to the process (to its whole group with `group`, as a terminal's
    Ctrl+C does), reap it and wait for every other process of its group to end;
    returns its exit status."""
    if group:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    status = proc.wait(timeout=DEADLINE_S)
    group = proc.pid
    wait_for(f"no process of group {group} left", lambda: not group_alive(group), timeout=15)
    return status
