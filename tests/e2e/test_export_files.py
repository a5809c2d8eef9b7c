"""`scrm export` writes where it is told, and nowhere that would lose data: never over
the database or its journals, never through a link or into a pipe; a failed export
leaves nothing half-written behind."""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_cli import line, scrm
from tests.support import unprivileged


def seeded(tmp_path: Path, count: int = 3, text: str = "Kestrel sync is broken") -> Path:
    db = tmp_path / "scrm.db"
    lines = "\n".join(line(id=str(n), text=f"{text} {n}") for n in range(count))
    result = scrm("--db", str(db), "ingest", "-", stdin=lines)
    assert result.returncode == 0, result.stderr
    return db


def mentions_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM mentions").fetchone()[0])


@pytest.mark.parametrize(
    "target",
    [
        "scrm.db",
        "scrm.db-wal",
        "scrm.db-shm",
        "scrm.db-journal",
        "scrm.db-writers",
        "sub/../scrm.db",
        "hardlink",
    ],
)
def test_export_never_writes_over_the_database_or_its_journals(tmp_path: Path, target: str) -> None:
    db = seeded(tmp_path)
    (tmp_path / "sub").mkdir()
    os.link(db, tmp_path / "hardlink")
    result = scrm("--db", str(db), "export", "mentions", "-o", str(tmp_path / target))
    assert result.returncode == 1
    assert "is the database" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert mentions_in(db) == 3  # still the database, with everything in it
    assert not list(tmp_path.glob("*partial*"))


def test_export_refuses_a_link_and_leaves_it_and_its_target_alone(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    target = tmp_path / "notes.txt"
    target.write_text("mine\n")
    link = tmp_path / "out.jsonl"
    link.symlink_to(target)
    result = scrm("--db", str(db), "export", "mentions", "-o", str(link))
    assert result.returncode == 1
    assert f"{link} is a symbolic link" in result.stderr
    assert link.is_symlink() and target.read_text() == "mine\n"
    # A link to the database is refused too, as a link.
    (tmp_path / "db-link").symlink_to(db)
    assert scrm("--db", str(db), "export", "mentions", "-o", str(tmp_path / "db-link")).returncode
    assert mentions_in(db) == 3


def test_export_refuses_a_named_pipe_rather_than_replacing_it(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = scrm("--db", str(db), "export", "mentions", "-o", str(fifo))
    assert result.returncode == 1
    assert f"{fifo} is a named pipe" in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_an_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    db = seeded(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    cases = {
        tmp_path / "no" / "such" / "folder.jsonl": "no folder",
        tmp_path: "is a directory",
        locked / "out.jsonl": "permission denied",
    }
    export = [sys.executable, "-m", "scrm_tui", "--db", str(db), "export", "mentions"]
    for output, words in cases.items():
        result = subprocess.run(
            unprivileged.command([*export, "-o", str(output)]),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1, (output, result.stderr)
        assert result.stderr.startswith(f"scrm: cannot write {output}: {words}"), result.stderr
        assert "Traceback" not in result.stderr
    assert list(locked.iterdir()) == []


def test_an_export_that_fails_halfway_leaves_no_partial_file(tmp_path: Path) -> None:
    db = seeded(tmp_path, count=300, text="x" * 500)
    out = tmp_path / "out.jsonl"
    out.write_text("the previous export\n")
    # A file-size limit makes the export fail after 64 KiB, as a full disk would.
    limited = (
        "import os, resource, sys; "
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({64 * 1024}, {resource.RLIM_INFINITY})); "
        "os.execv(sys.executable, [sys.executable, '-m', 'scrm_tui', *sys.argv[1:]])"
    )
    result = subprocess.run(
        [sys.executable, "-c", limited, "--db", str(db), "export", "mentions", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"scrm: cannot write {out}: "), result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_text() == "the previous export\n"  # untouched: never half of a new one
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(("scrm.db", "home")))
    assert left == ["out.jsonl"]


def test_a_new_export_is_readable_only_by_you_and_a_replaced_one_keeps_its_mode(
    tmp_path: Path,
) -> None:
    db = seeded(tmp_path)
    new = tmp_path / "new.jsonl"
    assert scrm("--db", str(db), "export", "mentions", "-o", str(new)).returncode == 0
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    shared = tmp_path / "shared.jsonl"
    shared.write_text("old\n")
    shared.chmod(0o640)
    assert scrm("--db", str(db), "export", "mentions", "-o", str(shared)).returncode == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    assert len([json.loads(x) for x in shared.read_text().splitlines()]) == 3
