"""kill -9 at moments chosen from observed progress: nothing stored is lost, a re-run
finishes the rest, the database stays sound, and no process is left behind.

Each test runs the real command in its own process group, watches the database (as
another process would) for the progress it wants, kills the command there, and then
checks the group for survivors and the file with `PRAGMA integrity_check`.
"""

from __future__ import annotations

import json
import random
import signal
from pathlib import Path

import pytest

from tests.killing import (
    children,
    count,
    integrity,
    kill_and_check_group,
    running,
    scrm_command,
    wait_for,
)

pytestmark = pytest.mark.xdist_group("subprocess")

FIXTURES = Path(__file__).resolve().parent.parent / "scrm_tui" / "fixtures"


def stored_ids(db: Path) -> set[str]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT external_id FROM mentions")}


def write_mentions(path: Path, n: int) -> None:
    """`n` mentions with the fixture corpus's texts, 4 batches' worth for n = 40,000."""
    texts = [json.loads(line)["text"] for line in (FIXTURES / "mentions.jsonl").open()]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            record = {
                "channel": "mastodon",
                "id": f"k{i}",
                "text": texts[i % len(texts)],
                "created_at": f"2026-11-{1 + i % 28:02d}T10:{i % 60:02d}:00Z",
                "author": {"handle": f"user{i % 997}@example.social", "name": f"User {i % 997}"},
            }
            out.write(json.dumps(record) + "\n")


def test_killed_ingests_lose_nothing_and_leave_no_worker_behind(tmp_path: Path) -> None:
    total = 40_000
    db, source = tmp_path / "k.db", tmp_path / "big.jsonl"
    write_mentions(source, total)
    command = scrm_command("--db", str(db), "ingest", str(source))
    rng = random.Random(10)
    stored: set[str] = set()
    mentions = "SELECT count(*) FROM mentions"

    # 1. As soon as the workers are up, before anything is stored.
    with running(command) as proc:
        wait_for("worker processes", lambda: len(children(proc.pid)) >= 2)
        assert kill_and_check_group(proc) == -signal.SIGKILL
    assert integrity(db) == "ok"
    stored = stored_ids(db)

    # 2.-3. After a random number of batches this run has committed.
    for _ in range(2):
        before = len(stored)
        target = before + rng.randint(1, max((total - before) // 10_000 - 1, 1)) * 10_000
        with running(command) as proc:
            wait_for(f"{target:,} stored", lambda t=target: count(db, mentions) >= t)  # type: ignore[misc]
            assert kill_and_check_group(proc) == -signal.SIGKILL
        assert integrity(db) == "ok"
        now = stored_ids(db)
        assert stored <= now, "a stored mention was lost"
        assert len(now) >= target
        stored = now

    # 4. A plain kill (SIGTERM) after one more batch: a clean stop that says so.
    before = len(stored)
    if before < total:
        with running(command) as proc:
            wait_for("a batch stored", lambda: count(db, mentions) > before)
            assert kill_and_check_group(proc, signal.SIGTERM) == 128 + signal.SIGTERM
            assert "interrupted:" in proc.communicate()[1]
        assert integrity(db) == "ok"
        assert stored <= stored_ids(db)

    # 5. The re-run stores the rest, each mention once.
    with running(command) as proc:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert stored_ids(db) == {f"k{i}" for i in range(total)}
    assert count(db, mentions) == total
    assert integrity(db) == "ok"
