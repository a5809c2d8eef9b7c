"""SQLite's SQL as PostgreSQL reads it (store/pg/dialect.py): each rule on its own, and
each translated statement run on a real server where its meaning is what is tested."""

from __future__ import annotations

import psycopg
import pytest

from scrm_tui.store.pg.dialect import translate, translate_body
from scrm_tui.store.pg.fts import tsquery
from tests.support.postgres import Server


def pg(sql: str) -> str:
    return " ".join(translate(sql).sql.split())


def test_placeholders_become_psycopg_ones_and_percent_signs_are_doubled() -> None:
    t = translate("SELECT * FROM m WHERE a = ? AND b LIKE '%x%' AND c = ?")
    assert t.sql == "SELECT * FROM m WHERE a = %s AND b ILIKE '%%x%%' AND c = %s"
    assert t.params and not t.named
    named = translate("SELECT :a, :b_2 FROM m")
    assert named.sql == "SELECT %(a)s, %(b_2)s FROM m" and named.named


def test_a_statement_without_parameters_keeps_its_percent_signs() -> None:
    assert translate("SELECT '100%'").sql == "SELECT '100%'"


def test_nothing_inside_a_string_is_translated() -> None:
    assert pg("SELECT 'ifnull(a, ?) LIKE x' FROM t") == "SELECT 'ifnull(a, ?) LIKE x' FROM t"


def test_insert_or_ignore_is_on_conflict_do_nothing_before_returning() -> None:
    assert pg("INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING id") == (
        "INSERT INTO t (a) VALUES (%s) ON CONFLICT DO NOTHING RETURNING id"
    )


def test_insert_or_replace_upserts_on_the_key_among_the_inserted_columns() -> None:
    keys = {"t": [["id"], ["k"]]}
    body = translate_body("INSERT OR REPLACE INTO t (k, v) VALUES (1, 2)", keys)
    assert " ".join(body.split()) == (
        "INSERT INTO t (k, v) VALUES (1, 2) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v"
    )


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT ifnull(a, 0) FROM t", "SELECT coalesce(a, 0) FROM t"),
        ("SELECT instr(a, 'x') FROM t", "SELECT strpos(a, 'x') FROM t"),
        ("SELECT max(a, b), max(c) FROM t", "SELECT greatest(a, b), max(c) FROM t"),
        (
            "SELECT group_concat(DISTINCT h) FROM t",
            "SELECT string_agg(DISTINCT (h)::text, ',') FROM t",
        ),
        ("SELECT CAST(x AS INTEGER) FROM t", "SELECT scrm_int(x) FROM t"),
        ("SELECT a FROM t LIMIT -1", "SELECT a FROM t LIMIT ALL"),
        ("SELECT a FROM t WHERE a IS ?", "SELECT a FROM t WHERE a IS NOT DISTINCT FROM %s"),
        ("SELECT a FROM t WHERE a IS NOT NULL", "SELECT a FROM t WHERE a IS NOT NULL"),
        ("SELECT a FROM t NOT INDEXED WHERE a == 1", "SELECT a FROM t WHERE a = 1"),
        ("SELECT 1 FROM (SELECT 1) LEFT JOIN t", "SELECT 1 FROM (SELECT 1) AS _sub0 LEFT JOIN t"),
    ],
)  # fmt: skip
def test_calls_and_clauses(sqlite: str, postgres: str) -> None:
    assert pg(sqlite) == postgres


def test_a_truth_used_as_a_number_is_an_integer() -> None:
    assert pg("SELECT n + (a > 0), coalesce(b < 1, 0) FROM t") == (
        "SELECT n + scrm_int((a > 0)), coalesce(scrm_int(b < 1), 0) FROM t"
    )
    # where a truth is wanted it stays one
    assert (
        pg("SELECT a FROM t WHERE (a > 0) AND b = 1") == "SELECT a FROM t WHERE (a > 0) AND b = 1"
    )


def test_an_upserts_bare_columns_are_the_tables() -> None:
    upsert = "INSERT INTO c (k, n) VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET n = n + excluded.n"
    assert pg(upsert) == (
        "INSERT INTO c (k, n) VALUES (%s, 1) ON CONFLICT (k) DO UPDATE SET n = c.n + excluded.n"
    )


def test_fts5_queries_become_tsquery_text() -> None:
    assert tsquery('"kestrel"*') == "'kestrel':*"
    assert tsquery('("late delivery" OR "refund"*)') == "( ('late' <-> 'delivery') | 'refund':* )"
    assert tsquery('(("a"*) NOT ("b"*))') == "( ( 'a':* ) & ! ( 'b':* ) )"
    assert tsquery('"Café"') == "'café'"


async def test_translated_statements_mean_what_sqlites_mean(postgres: Server) -> None:
    url = postgres.fresh()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE t (k text PRIMARY KEY, n bigint, x double precision)")

        def run(sql: str, params: object = None) -> object:
            t = translate(sql)
            cur = conn.execute(t.sql.encode(), params if t.params else None)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else None

        run("INSERT INTO t VALUES (?, ?, ?)", ("a", 1, 2.7))
        run("INSERT OR IGNORE INTO t VALUES (?, ?, ?)", ("a", 9, 9.0))
        run("INSERT INTO t VALUES ('a', 5, 0) ON CONFLICT (k) DO UPDATE SET n = n + excluded.n")
        assert run("SELECT n, CAST(x AS INTEGER), CAST(-x AS INTEGER) FROM t") == [(6, 2, -2)]
        assert run("SELECT sum(n > 0), total(n), ifnull(NULL, 3) FROM t") == [(1, 6.0, 3)]
        assert run("SELECT k FROM t WHERE k LIKE 'A'") == [("a",)]
        assert run("SELECT value FROM json_each(?) ORDER BY value", ('["b","a"]',)) == [
            ("a",),
            ("b",),
        ]
