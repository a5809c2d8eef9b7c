"""The database file itself: private to its owner, never changed by a scrm too old to
read it, and every reason it cannot be used said in one line a user can act on."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import BUSY_TIMEOUT_MS
from scrm_tui.store.schema import LATEST_VERSION
from tests.conftest import fixed_clock, mention
from tests.e2e.test_cli import line, scrm
from tests.support import unprivileged


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_folder_are_private(isolated_home: Path) -> None:
    """As the config already is: customer data is nobody else's to read."""
    process = subprocess.Popen(
        [sys.executable, "-m", "scrm_tui", "ingest", "-"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(line() + "\n")
    process.stdin.flush()
    folder = isolated_home / "data" / "scrm"
    db = folder / "scrm.db"
    try:
        stored, deadline = 0, time.monotonic() + 30
        while not stored:  # the ingest holds the database open: its -wal and -shm exist
            assert time.monotonic() < deadline, "the line from an open pipe was not stored"
            with (
                contextlib.suppress(sqlite3.OperationalError),  # not there yet
                contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn,
            ):
                stored = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
        assert mode(folder) == 0o700
        for name in ("scrm.db", "scrm.db-wal", "scrm.db-shm"):
            assert mode(folder / name) == 0o600, name
    finally:
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    # A folder that already exists is yours to set: left as it is.
    shared = isolated_home / "shared"
    shared.mkdir(mode=0o755)
    assert scrm("--db", str(shared / "team.db"), "ingest", "-", stdin=line()).returncode == 0
    assert mode(shared) == 0o755 and mode(shared / "team.db") == 0o600
    # A team's folder (group-writable, as the README sets up /srv/scrm): the group's
    # agents must open it too, and still no one else.
    team = isolated_home / "team"
    team.mkdir()
    team.chmod(0o2770)
    assert scrm("--db", str(team / "team.db"), "ingest", "-", stdin=line()).returncode == 0
    assert mode(team / "team.db") == 0o660


def test_a_newer_database_is_refused_before_anything_in_it_changes(tmp_path: Path) -> None:
    db = tmp_path / "newer.db"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE future (x)")
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
        conn.commit()
    before = db.read_bytes()
    assert before[18:20] == b"\x01\x01"  # rollback journal, as an older tool left it
    result = scrm("--db", str(db), "export", "mentions")
    assert result.returncode == 1
    assert f"newer than this scrm understands ({LATEST_VERSION})" in result.stderr
    assert db.read_bytes() == before  # not switched to WAL, not touched at all
    assert not Path(f"{db}-wal").exists()


def test_a_folder_given_as_the_database_says_so(tmp_path: Path) -> None:
    for args in (["ingest", "-"], ["export", "mentions"], ["sources"], ["escalations"]):
        result = scrm("--db", str(tmp_path), *args, stdin=line())
        assert result.returncode == 1, args
        assert result.stderr == f"scrm: {tmp_path} is a directory, not a database\n", args


@pytest.fixture
def busy_setup(tmp_path: Path) -> Iterator[tuple[Path, dict[str, list[str]]]]:
    """A database with something for each writing command to do."""
    db = tmp_path / "shared.db"
    people = tmp_path / "people.csv"
    people.write_text("id,name\nC-1,Kate\nC-2,Kate Again\nC-3,Someone New\n")
    assert scrm("--db", str(db), "customers", "import", str(people)).returncode == 0
    mentions = tmp_path / "more.jsonl"
    mentions.write_text(line(id="new") + "\n")

    async def failed_reply() -> int:
        async with await Inbox.open(db, "tester", fixed_clock) as inbox:
            await inbox.ingest([mention(1)])
            outbox_id = await inbox.outbox.enqueue(
                kind="reply",
                channel="mastodon",
                text="sorry",
                key="k1",
                mention_ids=[],
                agent="tester",
                now_ms=inbox.now_ms(),
            )
            await inbox.outbox.mark_failed(outbox_id, "gone", inbox.now_ms())
            return outbox_id

    outbox_id = asyncio.run(failed_reply())
    yield (
        db,
        {
            "ingest": ["ingest", str(mentions)],
            "import": ["customers", "import", str(people)],
            "merge": ["customers", "merge", "C-1", "C-2"],
            "retry": ["outbox", "retry", str(outbox_id)],
        },
    )


def run_all(
    db: Path, commands: dict[str, list[str]]
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every command at once (each waits out the busy timeout on its own)."""
    running = {
        name: subprocess.Popen(
            unprivileged.command([sys.executable, "-m", "scrm_tui", "--db", str(db), *args]),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in commands.items()
    }
    done = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=120)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    return done


def test_a_write_lock_held_by_another_process_is_said_in_words(
    busy_setup: tuple[Path, dict[str, list[str]]],
) -> None:
    db, commands = busy_setup
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; conn = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "conn.execute('BEGIN IMMEDIATE'); print('holding', flush=True); sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline() == "holding\n"
        results = run_all(db, commands)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    seconds = BUSY_TIMEOUT_MS // 1000
    expected = (
        f"scrm: the database is busy (another process has held the write lock for {seconds} s); "
        "try again\n"
    )
    for name, result in results.items():
        assert result.returncode == 1, (name, result.stderr)
        assert result.stderr.endswith(expected), (name, result.stderr)
        assert "Traceback" not in result.stderr, name
    # Nothing was half done: the lock gone, the same commands work.
    again = run_all(db, commands)
    assert {name: r.returncode for name, r in again.items()} == dict.fromkeys(commands, 0)


def test_a_read_only_database_is_said_in_words(
    busy_setup: tuple[Path, dict[str, list[str]]],
) -> None:
    db, commands = busy_setup
    db.chmod(0o444)
    for name, result in run_all(db, commands).items():
        assert result.returncode == 1, (name, result.stderr)
        assert result.stderr.endswith(
            f"scrm: cannot write to {db}: permission denied (the file is read-only; "
            f"`chmod u+w {db}` if it should not be)\n"
        ), (name, result.stderr)
        assert "Traceback" not in result.stderr, name


def test_an_older_database_is_upgraded_before_the_screen_is_taken_saying_so(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A blank terminal for the length of an upgrade (21 s at a million mentions) would
    look like a hang: the terminal says what is happening, then the app starts."""
    from scrm_tui.cli.app import _upgrade_first
    from tests.support.rewind import rewind

    async def seed() -> None:
        async with await Inbox.open(db_path, "tester", fixed_clock) as box:
            await box.ingest([mention(n) for n in range(5)])

    asyncio.run(seed())
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        rewind(conn, LATEST_VERSION - 2)
        conn.commit()
    _upgrade_first(db_path)
    said = capsys.readouterr().err
    assert f"from schema {LATEST_VERSION - 2} to {LATEST_VERSION}" in said
    assert "scrm: upgraded in" in said
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("SELECT sum(n) FROM mention_hours").fetchone()[0] == 5
    _upgrade_first(db_path)  # up to date: says nothing
    assert capsys.readouterr().err == ""
