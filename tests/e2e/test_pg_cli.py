"""scrm on a PostgreSQL server as a person runs it: `scrm db copy` killed with -9 half way
and run again, a wrong password told in words that never show it, and [store] url in the
config choosing the server for every command."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import psycopg

from scrm_tui.service.customers import BATCH
from scrm_tui.store.schema import LATEST_VERSION
from tests.service.test_db_copy import source_file
from tests.service.test_ingest_workers_engines import _line
from tests.support.cli import scrm
from tests.support.killing import running, scrm_command, wait_for
from tests.support.postgres import Server

PASSWORD = "pw-9f3c-never-shown"


def _rows_sqlite(path: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    with sqlite3.connect(path) as conn:
        names = [
            str(row[0])
            for row in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
            if not str(row[0]).startswith(("sqlite_", "mentions_fts"))
        ]
        found = {}
        for name in names:
            columns = [str(row[1]) for row in conn.execute(f'PRAGMA table_info("{name}")')]
            rows = list(conn.execute(f'SELECT * FROM "{name}"'))
            found[name] = (columns, sorted(rows, key=repr))
        return found


def _rows_pg(url: str, name: str, columns: list[str]) -> list[tuple[Any, ...]]:
    listed = ", ".join(f'"{c}"' for c in columns)
    with psycopg.connect(url) as conn:
        return sorted(conn.execute(f'SELECT {listed} FROM "{name}"'.encode()), key=repr)


def _tables_done(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute(b"SELECT to_regclass('scrm_copy') IS NOT NULL").fetchone()
        if not exists or not exists[0]:
            return 0
        row = conn.execute(b"SELECT count(*) FROM scrm_copy WHERE tbl <> '' AND done = 1")
        found = row.fetchone()
        return int(found[0]) if found else 0


def test_a_copy_killed_half_way_goes_on_when_run_again_and_arrives_equal(
    tmp_path: Path, postgres: Server
) -> None:
    source = source_file(tmp_path)
    url = postgres.fresh()
    # Another session holds the mentions table against writes (reads still pass): the
    # copy gets through the tables before it and then waits there, for the kill.
    holder = psycopg.connect(url)
    holder.execute(b"LOCK TABLE mentions IN EXCLUSIVE MODE")
    try:
        with running(scrm_command("db", "copy", str(source), url)) as copy:
            wait_for("tables copied before mentions", lambda: _tables_done(url) >= 3)
            os.killpg(copy.pid, signal.SIGKILL)
            copy.wait()
            assert copy.returncode == -signal.SIGKILL
    finally:
        holder.rollback()
        holder.close()
    done_before = _tables_done(url)
    assert done_before >= 3

    again = scrm("db", "copy", str(source), url)
    assert again.returncode == 0, again.stderr
    assert f"({done_before} done by the earlier run)" in again.stdout
    assert "every table's rows and checksum match" in again.stdout
    # Equal, read back with plain SQL on each side.
    tables = _rows_sqlite(source)
    for name, (columns, rows) in tables.items():
        assert _rows_pg(url, name, columns) == [
            tuple(v.replace("\x00", "\u2400") if isinstance(v, str) else v for v in row)
            for row in rows
        ], name
    assert _tables_done(url) == 0  # the copy's record is gone: it is an ordinary database


def _password_role(postgres: Server) -> str:
    """A role that must give its password (the test server trusts everyone else); its
    database's URL, without the password."""
    name = "dana_" + os.urandom(4).hex()
    postgres.admin(f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'")
    postgres.admin(f"CREATE DATABASE {name} OWNER {name}")
    hba = postgres.folder / "data" / "pg_hba.conf"
    hba.write_text(
        f"host all {name} 127.0.0.1/32 scram-sha-256\n" + hba.read_text(), encoding="utf-8"
    )
    postgres.admin("SELECT pg_reload_conf()")
    return f"postgresql://{name}@127.0.0.1:{postgres.port}/{name}"


def test_a_wrong_password_is_told_in_words_that_never_show_it(
    tmp_path: Path, postgres: Server
) -> None:
    url = _password_role(postgres)
    wrong = url.replace("@", ":wrong-pw-1234@", 1)
    shown = url.replace("@", ":***@", 1)
    source = source_file(tmp_path)
    assert scrm("init").returncode == 0  # doctor checks a config first

    for args in (
        ("--db", wrong, "sources"),
        ("db", "copy", str(source), wrong),
        ("--db", wrong, "doctor"),
    ):
        done = scrm(*args)
        told = done.stdout + done.stderr
        assert done.returncode == 1, told
        assert "wrong-pw-1234" not in told and "Traceback" not in told
        assert f"cannot connect to {shown}: password authentication failed for user " in told
        assert "check the user and its password (in ~/.pgpass, $PGPASSWORD or the URL)" in told

    # With no password at all, it says where to put one.
    bare = scrm("--db", url, "sources")
    assert bare.returncode == 1
    assert "put it in ~/.pgpass (chmod 600) or $PGPASSWORD" in bare.stderr
    # The right one, from $PGPASSWORD (so it is on no command line): it works.
    right = scrm("--db", url, "sources", env={"PGPASSWORD": PASSWORD})
    assert right.returncode == 0, right.stderr


def test_store_url_in_the_config_puts_every_command_on_the_server(
    tmp_path: Path, postgres: Server, isolated_home: Path
) -> None:
    url = postgres.fresh()
    config = isolated_home / "config" / "scrm" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[store]\nurl = "{url}"\n', encoding="utf-8")
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        '{"channel": "mastodon", "id": "m-1", "text": "Kestrel sync is back", '
        '"created_at": "2026-11-20T11:00:00Z", "author": {"handle": "ana@example.social"}}\n',
        encoding="utf-8",
    )
    stored = scrm("ingest", str(posts))
    assert stored.returncode == 0, stored.stderr
    with psycopg.connect(url) as conn:
        row = conn.execute(b"SELECT text FROM mentions").fetchall()
    assert row == [("Kestrel sync is back",)]
    doctor = scrm("doctor")
    assert f"db      ✓ {url} (PostgreSQL " in doctor.stdout
    assert f"schema {LATEST_VERSION}, 1 mentions)" in doctor.stdout
    # No database file was made beside: the data directory stays empty.
    assert not list((isolated_home / "data").rglob("*.db"))


def test_a_server_that_refuses_is_missing_or_is_not_there_says_what_to_do(
    postgres: Server,
) -> None:
    refused = "kept_out_" + os.urandom(4).hex()
    postgres.admin(f"CREATE ROLE {refused} LOGIN")
    hba = postgres.folder / "data" / "pg_hba.conf"
    hba.write_text(f"host all {refused} 127.0.0.1/32 reject\n" + hba.read_text(), encoding="utf-8")
    postgres.admin("SELECT pg_reload_conf()")
    here = f"127.0.0.1:{postgres.port}"
    for url, said in (
        (
            f"postgresql://{refused}@{here}/scrm_template",
            "add a line for it to the server's pg_hba.conf and reload PostgreSQL",
        ),
        (
            f"postgresql://scrm@{here}/no_such_db",
            'database "no_such_db" does not exist; create it on the server: '
            "sudo -u postgres createdb --owner USER NAME",
        ),
        (
            f"postgresql://scrm@127.0.0.1:{_closed_port()}/scrm",
            "Connection refused; is PostgreSQL running, on that host and port",
        ),
    ):
        done = scrm("--db", url, "sources")
        assert done.returncode == 1, done.stdout
        assert done.stderr.startswith(f"scrm: cannot connect to {url}: "), done.stderr
        assert said in done.stderr and "Traceback" not in done.stderr


def _closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then let go)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _waiting_on_a_lock(conn: psycopg.Connection[Any]) -> list[int]:
    rows = conn.execute(
        b"SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        b"AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
    ).fetchall()
    return [int(row[0]) for row in rows]


def test_a_connection_lost_mid_copy_is_told_in_words_and_the_copy_goes_on_later(
    tmp_path: Path, postgres: Server
) -> None:
    source = source_file(tmp_path)
    url = postgres.fresh()
    holder = psycopg.connect(url)
    holder.execute(b"LOCK TABLE mentions IN EXCLUSIVE MODE")
    watcher = psycopg.connect(url, autocommit=True)
    try:
        with running(scrm_command("db", "copy", str(source), url)) as copy:
            wait_for("the copy waiting at mentions", lambda: bool(_waiting_on_a_lock(watcher)))
            for pid in _waiting_on_a_lock(watcher):  # as a server restart or a network drop
                watcher.execute(b"SELECT pg_terminate_backend(%s)", (pid,))
            _, err = copy.communicate(timeout=60)
            assert copy.returncode == 1, err
    finally:
        holder.rollback()
        holder.close()
        watcher.close()
    assert "Traceback" not in err
    assert "scrm: the copy stopped: " in err
    assert "what was copied is kept, and the same command goes on from there" in err
    again = scrm("db", "copy", str(source), url)
    assert again.returncode == 0, again.stderr
    assert "done by the earlier run" in again.stdout


def _count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}".encode()).fetchone()
        return int(row[0]) if row else 0


def test_an_ingest_the_server_left_half_way_says_what_it_stored_and_stores_the_rest_again(
    tmp_path: Path, postgres: Server
) -> None:
    url = postgres.fresh()
    errors = tmp_path / "ingest.err"
    with errors.open("w") as sink:
        ingest = subprocess.Popen(
            [*scrm_command(), "--db", url, "ingest", "-q", "-"],
            stdin=subprocess.PIPE,
            stderr=sink,
        )
    assert ingest.stdin is not None
    try:
        # A pipe that goes quiet is stored within a moment: three posts are in.
        ingest.stdin.write(b"".join(_line(n) for n in range(1, 4)))
        ingest.stdin.flush()
        wait_for("the first three posts stored", lambda: _count(url, "mentions") == 3)
        postgres.stop("fast")
        try:
            # It stops at the first write the server's absence meets: the matching of
            # the three posts' authors, or storing these (then it has read them).
            with contextlib.suppress(BrokenPipeError):
                ingest.stdin.write(b"".join(_line(n) for n in range(4, 7)))
                ingest.stdin.close()
            assert ingest.wait(timeout=60) == 1
        finally:
            postgres.start()
    finally:
        if ingest.poll() is None:
            ingest.kill()
            ingest.wait()
    said = errors.read_text(encoding="utf-8")
    assert "Traceback" not in said, said
    assert said.startswith("stopped: 3 stored, 0 already known, 0 bad lines; "), said
    # In words, whichever connection met the server's absence first (one in use, or one
    # being made: then with what to do).
    assert "the database is out of reach" in said or "cannot connect to" in said, said
    assert said.rstrip().endswith("run it again to store the rest"), said
    # Run again with the whole input: the rest is stored, nothing twice.
    again = subprocess.run(
        [*scrm_command(), "--db", url, "ingest", "-"],
        input=b"".join(_line(n) for n in range(1, 7)),
        capture_output=True,
        check=True,
    )
    assert b"3 stored, 3 already known, 0 bad lines" in again.stderr
    assert _count(url, "mentions") == 6


def test_an_import_the_server_left_half_way_says_so_and_the_same_command_finishes_it(
    tmp_path: Path, postgres: Server
) -> None:
    url = postgres.fresh()
    rows = 20_000  # far more than a batch: the server goes while the import runs
    source = tmp_path / "customers.csv"
    source.write_text(
        "id,name,email\n"
        + "".join(f"c{n},Person Number{n},p{n}@example.com\n" for n in range(rows)),
        encoding="utf-8",
    )
    command = [*scrm_command(), "--db", url, "customers", "import", "-q", str(source)]
    importing = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        # Past the first batch: the import has counted that one as done (it counts a
        # batch once its commit returns, before it reads the next).
        wait_for("a second batch committed", lambda: _count(url, "customers") > BATCH)
        postgres.stop("fast")
        try:
            _, said = importing.communicate(timeout=120)
        finally:
            postgres.start()
    finally:
        if importing.poll() is None:
            importing.kill()
            importing.wait()
    assert importing.returncode == 1, said
    assert "Traceback" not in said, said
    assert said.startswith("scrm: the import stopped after "), said
    assert "the database is out of reach" in said or "cannot connect to" in said, said
    assert "run the same command again to import the rest" in said
    again = subprocess.run(command, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert _count(url, "customers") == rows  # the rest imported, nothing twice
