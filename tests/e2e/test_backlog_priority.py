"""Backlog work that an import does itself (indexing customers, re-matching authors) runs
in worker processes at low priority, as `scrm catch-up` runs it; the import does not."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path

from scrm_tui.service.match_pool import NICE
from tests.e2e.test_match_backlog import _schema, seed_customers
from tests.support.killing import count, running, scrm_command, wait_for

INDEXED = "SELECT n FROM match_population"


def workers_of(pid: int) -> list[int]:
    """The multiprocessing workers `pid` started (not its resource tracker)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            argv = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat[stat.rfind(")") + 2 :].split()[1])
        if parent == pid and b"spawn_main" in argv:
            found.append(int(entry))
    return found


def test_an_imports_backlog_workers_run_at_low_priority(tmp_path: Path) -> None:
    db = tmp_path / "scrm.db"
    asyncio.run(_schema(db))
    seed_customers(db, 20_000)  # a backlog to index: pages of work in worker processes
    one = tmp_path / "one.csv"
    one.write_text("id,name\nC-1,Ingrid Quist\n", encoding="utf-8")
    # Each worker's priority as last read while the import ran: a worker caught in the
    # moment between its start and its own os.nice reads 0 at first, never at the end.
    last: dict[int, int] = {}
    with running(scrm_command("--db", str(db), "customers", "import", str(one))) as proc:
        wait_for("indexing under way", lambda: count(db, INDEXED) > 0 or proc.poll() is not None)
        importing = os.getpriority(os.PRIO_PROCESS, proc.pid)
        while proc.poll() is None:
            for pid in workers_of(proc.pid):
                with contextlib.suppress(OSError):  # it ended meanwhile
                    last[pid] = os.getpriority(os.PRIO_PROCESS, pid)
            time.sleep(0.01)  # a poll of /proc, not a wait for an event
        assert proc.wait() == 0
    assert last, "the import indexed in worker processes"
    assert all(value >= NICE for value in last.values()), last
    assert importing == os.getpriority(os.PRIO_PROCESS, 0)  # its own work: as started
    assert count(db, INDEXED) == 20_001
