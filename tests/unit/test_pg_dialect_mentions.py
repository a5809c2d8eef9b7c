"""The translator's rule for full-text search: `<fts table> MATCH ?` reads the table's
tsvector against the bound FTS5 text as tsquery, also when the table has an alias."""

from __future__ import annotations

import pytest

from scrm_tui.store.pg.dialect import translate
from scrm_tui.store.pg.sync import SyncPgConnection
from tests.support.postgres import Server


def test_match_becomes_the_tsvector_against_a_tsquery() -> None:
    t = translate("SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ? AND rowid <= ?")
    assert " ".join(t.sql.split()) == (
        "SELECT rowid FROM mentions_fts WHERE tsv @@ CAST(%s AS tsquery) AND rowid <= %s"
    )
    assert t.fts == (0,)
    named = translate("SELECT 1 FROM mentions_fts f WHERE mentions_fts MATCH :fts")
    assert " ".join(named.sql.split()) == (
        "SELECT 1 FROM mentions_fts f WHERE tsv @@ CAST(%(fts)s AS tsquery)"
    )
    assert named.fts == ("fts",)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?",
        "SELECT f.rowid FROM mentions_fts f WHERE mentions_fts MATCH ?",
        "SELECT m.id FROM mentions_fts f CROSS JOIN seen m ON m.id = f.rowid "
        "WHERE mentions_fts MATCH ? AND m.id NOT IN "
        "(SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)",
    ],
)
def test_aliased_or_nested_the_statement_runs(postgres: Server, sql: str) -> None:
    conn = SyncPgConnection(postgres.fresh(), read_only=False)
    try:
        conn.execute("CREATE TABLE seen (id bigint)")
        conn.execute("INSERT INTO seen VALUES (1), (2)")
        conn.execute("INSERT INTO mentions_fts (rowid, text) VALUES (1, 'Kestrel is late')")
        conn.execute("INSERT INTO mentions_fts (rowid, text) VALUES (2, 'Kestrel')")
        params = ('"kest"*',) if sql.count("?") == 1 else ('"kest"*', '"late"')
        assert [int(r[0]) for r in conn.execute(sql, params)] == (
            [2] if len(params) == 2 else [1, 2]
        )
    finally:
        conn.close()


def test_the_temp_schema_is_pg_temp(postgres: Server) -> None:
    t = translate("INSERT OR IGNORE INTO temp.hits_1 (id) SELECT id FROM temp.hits_1 h")
    assert t.sql.startswith("INSERT INTO pg_temp.hits_1 (id) SELECT id FROM pg_temp.hits_1 h")
    conn = SyncPgConnection(postgres.fresh(), read_only=False)
    try:
        conn.execute("CREATE TEMP TABLE hits_1 (id INTEGER PRIMARY KEY)")
        conn.execute("INSERT OR IGNORE INTO temp.hits_1 (id) VALUES (1), (1)")
        assert conn.execute("SELECT count(*) FROM temp.hits_1 WHERE temp.hits_1.id = 1") == [(1,)]
    finally:
        conn.close()


def test_one_query_matched_twice_in_a_statement(postgres: Server) -> None:
    conn = SyncPgConnection(postgres.fresh(), read_only=False)
    try:
        conn.execute("INSERT INTO mentions_fts (rowid, text) VALUES (1, 'Kestrel is late')")
        sql = (
            "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH :fts "
            "AND rowid IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH :fts)"
        )
        assert conn.execute(sql, {"fts": '"kest"*'}) == [(1,)]
    finally:
        conn.close()


def test_a_table_made_at_run_time_holds_64_bit_integers(postgres: Server) -> None:
    sql = (
        "CREATE TEMP TABLE hits_2 (created_ms INTEGER NOT NULL, id INTEGER NOT NULL, "
        "PRIMARY KEY (created_ms, id)) WITHOUT ROWID"
    )
    assert " ".join(translate(sql).sql.split()) == (
        "CREATE TEMP TABLE hits_2 (created_ms bigint NOT NULL, id bigint NOT NULL, "
        "PRIMARY KEY (created_ms, id))"
    )
    conn = SyncPgConnection(postgres.fresh(), read_only=False)
    try:
        conn.execute(sql)
        conn.execute("INSERT INTO temp.hits_2 VALUES (?, ?)", (1_795_175_940_000, 1))
        assert conn.execute("SELECT created_ms FROM temp.hits_2") == [(1_795_175_940_000,)]
    finally:
        conn.close()


def test_a_null_test_added_or_taken_away_counts_as_one(postgres: Server) -> None:
    sql = "SELECT 5 - (NULL IS NULL), 5 + (1 IS NULL), 5 - (? IS NOT NULL)"
    assert "5 - scrm_int((NULL IS NULL))" in translate(sql).sql
    conn = SyncPgConnection(postgres.fresh())
    try:
        assert conn.execute(sql, (None,)) == [(4, 5, 5)]
    finally:
        conn.close()


def test_a_subquery_as_an_argument_keeps_its_value(postgres: Server) -> None:
    sql = "SELECT coalesce((SELECT name FROM seen WHERE id = 2 LIMIT 1), '?')"
    assert "scrm_int" not in translate(sql).sql
    conn = SyncPgConnection(postgres.fresh(), read_only=False)
    try:
        conn.execute("CREATE TABLE seen (id bigint, name text)")
        assert conn.execute(sql) == [("?",)]
        conn.execute("INSERT INTO seen VALUES (2, 'kate')")
        assert conn.execute(sql) == [("kate",)]
    finally:
        conn.close()
