"""`scrm db copy`'s work: a database carried SQLite → PostgreSQL → SQLite arrives equal, table
by table (read back with plain SQL, not with the copy's own checksum); an interrupted copy
goes on from where it stopped; a destination that is not empty is refused, with why."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest

from scrm_tui.core.models import CustomerIn
from scrm_tui.service import db_copy
from scrm_tui.service.db_copy import CopyRefused, copy_database
from scrm_tui.service.inbox import Inbox
from scrm_tui.store import copying
from tests.conftest import fixed_clock, mention
from tests.support.postgres import Server

# Tables each engine keeps for itself, and the full-text index (rebuilt, not copied).
OWN = ("sqlite_%", "mentions_fts%", "scrm_schema")
NUL_TEXT = "a NUL \x00 in the middle, Kestrel"


async def _source(path: Path) -> None:
    """A small database with what makes copying hard: a customer merged into one made
    after it (a row pointing forward in its own table), a NUL in a text, a reply."""
    inbox = await Inbox.open(path, "tester", fixed_clock)
    try:
        added = await inbox.add_customers(
            [
                CustomerIn(name=f"Customer {n}", email=f"c{n}@example.com", tier="gold")
                for n in range(6)
            ],
            source="test",
        )
        await inbox.merge_customers(added.ids[5], added.ids[1])  # 1 now points to 5
        posts = [mention(n) for n in range(1, 30)]
        posts.append(mention(30, NUL_TEXT))
        posts.append(mention(31, "the outage again", in_reply_to="mastodon-3"))
        await inbox.ingest(posts)
    finally:
        await inbox.close()


def source_file(folder: Path, name: str = "source.db") -> Path:
    """The database of `_source`, made as a file in `folder`."""
    path = folder / name
    asyncio.run(_source(path))
    return path


def _sqlite_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        names = [
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
            if not any(_like(row[0], pattern) for pattern in OWN)
        ]
        return {name: sorted(conn.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names}


def _like(name: str, pattern: str) -> bool:
    return name.startswith(pattern[:-1]) if pattern.endswith("%") else name == pattern


def _pg_count(url: str, sql: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql.encode()).fetchone()
        assert row is not None
        return int(row[0])


def test_sqlite_to_postgresql_and_back_arrives_equal_table_by_table(
    tmp_path: Path, postgres: Server
) -> None:
    source, back = source_file(tmp_path), tmp_path / "back.db"
    url = postgres.fresh()

    there = copy_database(source, url)
    assert there.mismatches == [] and there.nul_texts == 1
    again = copy_database(url, back)
    assert again.mismatches == [] and again.nul_texts == 0

    before, after = _sqlite_tables(source), _sqlite_tables(back)
    assert sorted(before) == sorted(after)
    assert "mentions" in before and len(before) > 50
    # PostgreSQL cannot hold NUL: that one character is ␀ (U+2400), and nothing else moved.
    fixed = {
        name: sorted(
            (
                tuple(v.replace("\x00", "\u2400") if isinstance(v, str) else v for v in row)
                for row in rows
            ),
            key=repr,
        )
        for name, rows in before.items()
    }
    for name in before:
        assert after[name] == fixed[name], name
    with sqlite3.connect(back) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        # The full-text index was rebuilt: it finds what the mentions say.
        found = conn.execute(
            "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'outage'"
        ).fetchone()
        assert found == (1,)
        # The copy's own record went once the copy was checked.
        gone = conn.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'scrm_copy'")
        assert gone.fetchone() == (0,)
    assert _pg_count(url, "SELECT count(*) FROM mentions_fts") == len(before["mentions"])
    assert _pg_count(url, "SELECT (to_regclass('scrm_copy') IS NULL)::int") == 1


def test_sqlite_to_sqlite_arrives_equal(tmp_path: Path) -> None:
    source, copy = source_file(tmp_path), tmp_path / "copy.db"
    report = copy_database(source, copy)
    assert report.mismatches == [] and report.nul_texts == 0
    assert _sqlite_tables(copy) == _sqlite_tables(source)  # the NUL too: SQLite keeps it


async def _store_one_more(target: str) -> list[int]:
    inbox = await Inbox.open(target, "tester", fixed_clock)
    try:
        result = await inbox.ingest([mention(99, "one more after the copy")])
        return list(result.stored)
    finally:
        await inbox.close()


def test_postgresql_gives_new_rows_ids_past_the_copied_ones(
    tmp_path: Path, postgres: Server
) -> None:
    source = source_file(tmp_path)
    url = postgres.fresh()
    copy_database(source, url)
    with sqlite3.connect(source) as conn:
        (largest,) = conn.execute("SELECT max(id) FROM mentions").fetchone()
    assert asyncio.run(_store_one_more(url)) == [largest + 1]


def test_an_interrupted_copy_goes_on_from_where_it_stopped(
    tmp_path: Path, postgres: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = source_file(tmp_path)
    url = postgres.fresh()
    monkeypatch.setattr(copying, "BATCH", 4)  # several batches in the mentions table
    seen: list[tuple[str, int]] = []

    def stop_in_mentions(table: str, done: int, total: int, seconds: float) -> None:
        seen.append((table, done))
        if table == "mentions" and done == 8:
            raise KeyboardInterrupt  # Ctrl+C between two batches

    with pytest.raises(KeyboardInterrupt):
        copy_database(source, url, stop_in_mentions)
    assert _pg_count(url, "SELECT count(*) FROM mentions") == 8
    seen.clear()
    report = copy_database(source, url, lambda *step: seen.append(step[:2]))
    assert report.mismatches == [] and report.resumed_tables > 0
    # It went on after the 8 mentions already there, not from the start.
    assert next(done for table, done in seen if table == "mentions") == 12
    assert _pg_count(url, "SELECT count(*) FROM mentions") == 31


def test_a_destination_that_is_not_empty_or_another_copy_is_refused_with_why(
    tmp_path: Path, postgres: Server
) -> None:
    source, other = source_file(tmp_path), source_file(tmp_path, "other.db")
    with pytest.raises(CopyRefused, match=r"is not empty \(31 mentions, 6 customers"):
        copy_database(source, other)
    with pytest.raises(CopyRefused, match="are the same database"):
        copy_database(source, tmp_path / "." / "source.db")
    with pytest.raises(CopyRefused, match="no database at"):
        copy_database(tmp_path / "missing.db", other)

    url = postgres.fresh()

    def interrupt(table: str, done: int, total: int, seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        copy_database(source, url, interrupt)
    with pytest.raises(CopyRefused) as refused:
        copy_database(other, url)
    assert str(refused.value) == (
        f"{url} holds an interrupted copy of {source}, not of {other}: finish that one "
        f"(`scrm db copy {source} ...`) or copy into an empty database"
    )
    assert db_copy.shown(url.replace("scrm@", "scrm:pw@")).count("pw") == 0
