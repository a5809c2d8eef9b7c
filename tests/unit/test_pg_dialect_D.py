"""The translator's rules added for customers and the match index (part D): each as text
in, text out, and run on a real PostgreSQL server against SQLite's answer."""

from __future__ import annotations

import sqlite3

import pytest

from scrm_tui.store.pg.dialect import translate
from scrm_tui.store.pg.sync import SyncPgConnection
from tests.support.postgres import Server

# Words as the match index holds them: accents, digits, scripts Python orders by code point.
WORDS = ["mz", "mü", "muller", "müller", "zoë", "zoe", "ångström", "anna", "1st", "li", "李", "ли"]


def test_collate_binary_is_postgresql_c() -> None:
    assert translate("SELECT a FROM t WHERE a.value < b.value COLLATE BINARY").sql == (
        'SELECT a FROM t WHERE a.value < b.value COLLATE "C"'
    )
    assert translate("SELECT x FROM t ORDER BY name COLLATE BINARY").sql == (
        'SELECT x FROM t ORDER BY name COLLATE "C"'
    )


@pytest.fixture
def pg(postgres: Server) -> SyncPgConnection:
    return SyncPgConnection(postgres.fresh(), read_only=False)


def test_collate_binary_orders_as_python_and_sqlite_whatever_the_column_collation(
    pg: SyncPgConnection,
) -> None:
    """A database made with a language's collation (ICU here) orders "mü" before "mz";
    Python, SQLite and the match index's pairs order it after."""
    try:
        pg.execute('CREATE TABLE w (a text COLLATE "und-x-icu", b text COLLATE "und-x-icu")')
        pairs = [(a, b) for a in WORDS for b in WORDS if a != b]
        for a, b in pairs:
            pg.execute("INSERT INTO w VALUES (?, ?)", (a, b))
        sql = (
            "SELECT a, b FROM w WHERE a < b COLLATE BINARY "
            "ORDER BY a COLLATE BINARY, b COLLATE BINARY"
        )
        on_postgres = pg.execute(sql)
        by_column = pg.execute("SELECT a, b FROM w WHERE a < b ORDER BY a COLLATE BINARY, b")
        assert ("mü", "mz") in by_column  # the column's own order is not Python's
    finally:
        pg.close()
    with sqlite3.connect(":memory:") as lite:
        lite.execute("CREATE TABLE w (a text, b text)")
        lite.executemany("INSERT INTO w VALUES (?, ?)", pairs)
        on_sqlite = lite.execute(sql).fetchall()
    in_python = sorted((a, b) for a, b in pairs if a < b)
    assert on_postgres == on_sqlite == in_python
    assert ("mz", "mü") in in_python
