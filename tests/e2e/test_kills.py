"""kill -9 at moments chosen from observed progress: nothing stored is lost, a re-run
finishes the rest, the database stays sound, and no process is left behind.

Each test runs the real command in its own process group, watches the database (as
another process would) for the progress it wants, kills the command there, and then
checks the group for survivors and the file with `PRAGMA integrity_check`.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.loopback import Loopback
from tests.service.test_rematch import seed_authors, write_customers
from tests.support.killing import (
    children,
    count,
    integrity,
    kill_and_check_group,
    running,
    scrm_command,
    wait_for,
)

pytestmark = pytest.mark.xdist_group("subprocess")

FIXTURES = Path(__file__).resolve().parents[2] / "scrm_tui" / "fixtures"


def stored_ids(db: Path) -> set[str]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT external_id FROM mentions")}


MENTIONS = "SELECT count(*) FROM mentions"


def kill_when_stored(command: list[str], db: Path, target: int, before: set[str]) -> set[str]:
    """Run `command` and kill -9 it once `target` mentions are stored: nothing stored
    before may be lost, nothing of it may be left running. Returns what is stored."""
    with running(command) as proc:
        wait_for(f"{target:,} stored", lambda: count(db, MENTIONS) >= target)
        assert kill_and_check_group(proc) == -signal.SIGKILL
    assert integrity(db) == "ok"
    now = stored_ids(db)
    assert before <= now, "a stored mention was lost"
    return now


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
        stored = kill_when_stored(command, db, target, stored)

    # 4. A plain kill, and Ctrl+C in a terminal (SIGINT to the whole process group),
    # while the workers are busy: a clean stop that says so, with no traceback.
    for signum, group in ((signal.SIGTERM, False), (signal.SIGINT, True)):
        with running(command) as proc:
            wait_for("worker processes", lambda: len(children(proc.pid)) >= 2)
            assert kill_and_check_group(proc, signum, group=group) == 128 + signum
            err = proc.communicate()[1]
            assert "interrupted:" in err and "Traceback" not in err, err
        assert integrity(db) == "ok"
        assert stored <= stored_ids(db)

    # 5. The re-run stores the rest, each mention once.
    with running(command) as proc:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert stored_ids(db) == {f"k{i}" for i in range(total)}
    assert count(db, MENTIONS) == total
    assert integrity(db) == "ok"


def suggestions(db: Path) -> set[tuple[str, str | None, str | None, int | None]]:
    """Who each author is or may be: (handle, linked customer, suggested customer, rank)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        return set(
            conn.execute(
                """SELECT a.handle, lc.external_id, sc.external_id, s.rank FROM authors a
                   LEFT JOIN customers lc ON lc.id = a.customer_id
                   LEFT JOIN match_suggestions s ON s.author_id = a.id
                   LEFT JOIN customers sc ON sc.id = s.customer_id"""
            )
        )


def test_killed_customer_imports_finish_their_rematch(tmp_path: Path) -> None:
    n = 2000  # two pages of re-matching: a kill after the first leaves the second
    clean, db = tmp_path / "clean.db", tmp_path / "killed.db"
    for path in (clean, db):
        asyncio.run(seed_authors(path, n))
    customers = write_customers(tmp_path / "customers.csv", n)
    # A later file changes one customer: that import owes a whole re-match again.
    changed = tmp_path / "changed.csv"
    changed.write_text(customers.read_text().replace("C-7,", "C-7,Dr. ", 1), encoding="utf-8")
    expected = []  # after a clean import of each file
    for path in (customers, changed):
        with running(scrm_command("--db", str(clean), "customers", "import", str(path))) as proc:
            assert proc.wait(timeout=300) == 0
        expected.append(suggestions(clean))
    matched = "SELECT count(*) FROM authors WHERE matched_ms IS NOT NULL"
    rows = "SELECT count(*) FROM customers"

    def import_and_kill(path: Path, moment: str, condition: Callable[[], bool]) -> None:
        command = scrm_command("--db", str(db), "customers", "import", str(path))
        with running(command) as proc:
            wait_for(moment, condition)
            assert kill_and_check_group(proc) == -signal.SIGKILL
        assert integrity(db) == "ok"

    # 1. Killed once customers are stored (the batch of 2,000 committed).
    import_and_kill(customers, "customers stored", lambda: count(db, rows) > 0)
    kept = count(db, rows)
    # 2. Run again, killed after a page of the re-match has been recorded.
    before = count(db, matched)
    import_and_kill(
        customers, "a page re-matched", lambda: before < count(db, matched) < before + n
    )
    assert count(db, rows) >= kept, "a stored customer was lost"
    assert suggestions(db) != expected[0]  # the re-match was cut short
    # 3. Run again: nothing to import, but the re-match is finished.
    with running(scrm_command("--db", str(db), "customers", "import", str(customers))) as proc:
        _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "0 created, 0 updated" in err
    assert suggestions(db) == expected[0]
    # 4. The changed file, killed in its re-match; 5. a later ingest finishes it.
    import_and_kill(changed, "a page re-matched", lambda: count(db, owed_after) > 0)
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        json.dumps(
            {
                "channel": "mastodon",
                "id": "extra",
                "text": "again",
                "created_at": "2026-11-20T10:00:00Z",
                "author": {"handle": "u1@example.social"},
            }
        )
        + "\n"
    )
    with running(scrm_command("--db", str(db), "ingest", str(extra))) as proc:
        _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert count(db, "SELECT count(*) FROM pending_work") == 0
    assert suggestions(db) == expected[1]
    assert integrity(db) == "ok"


# A re-match owed with at least one page recorded as done.
owed_after = "SELECT count(*) FROM pending_work WHERE name = 'rematch' AND after_id > 0"


def test_killed_watches_miss_nothing_and_store_nothing_twice(
    tmp_path: Path, server: Loopback
) -> None:
    """A tag timeline that keeps growing: its backfill (pages of 40) and its live polls
    are killed at random counts of stored mentions; a last run stores the rest."""
    db, config = tmp_path / "w.db", tmp_path / "config.toml"
    config.write_text(
        f'[mastodon]\ninstance = "{server.mastodon_url}"\n'
        '[watch]\nterms = "#kestrel"\nbackfill = "2d"\n'
        '[sources.mastodon]\nkinds = ["tag"]\ninterval = "1s"\n',
        encoding="utf-8",
    )
    published: list[str] = []
    start = time.time() - 3600

    def publish(n: int) -> None:
        for _ in range(n):
            i = len(published)
            at = datetime.fromtimestamp(start + i * 5, UTC).isoformat().replace("+00:00", "Z")
            status_id = str(100_000 + i)
            server.add_mastodon_tag_status(
                "kestrel",
                server.mastodon_status(
                    status_id, f"post {i} about #kestrel", created_at=at, acct=f"u{i % 37}@x.y"
                ),
            )
            published.append(status_id)

    command = scrm_command("--db", str(db), "--config", str(config), "watch")
    rng = random.Random(3)
    stored: set[str] = set()
    publish(400)
    for _ in range(3):
        target = rng.randint(len(stored) + 1, len(published))
        stored = kill_when_stored(command, db, target, stored)
        publish(rng.randint(1, 60))  # the network goes on while nobody listens

    with running(command) as proc:
        wait_for("every post stored", lambda: count(db, MENTIONS) >= len(published))
        assert kill_and_check_group(proc, signal.SIGTERM) == 0
    assert integrity(db) == "ok"
    assert stored_ids(db) == set(published)
    assert count(db, MENTIONS) == len(published)  # none twice
