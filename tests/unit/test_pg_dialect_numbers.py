"""The translator's rules that the report's figures needed (store/pg/dialect.py): a 0 or
1 standing for a truth, a truth added up but not a call's or a CASE's, `IS` in a sum, an
FTS table's alias; each checked as text and run on a real server."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from scrm_tui.store.pg.connection import PgConnection
from scrm_tui.store.pg.dialect import translate, translate_body
from tests.support.postgres import Server


def pg(sql: str) -> str:
    return " ".join(translate(sql).sql.split())


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT a FROM t WHERE 1", "SELECT a FROM t WHERE TRUE"),
        ("SELECT a FROM t WHERE (a = 2 AND 1 AND (b OR 0))",
         "SELECT a FROM t WHERE (a = 2 AND TRUE AND (b OR FALSE))"),
        ("SELECT a FROM t JOIN u ON 1 WHERE 0", "SELECT a FROM t JOIN u ON TRUE WHERE FALSE"),
        ("SELECT CASE WHEN 1 THEN 2 END FROM t", "SELECT CASE WHEN TRUE THEN 2 END FROM t"),
        # values stay values
        ("SELECT a FROM t WHERE a IN (1) AND b BETWEEN 0 AND 1 AND 1",
         "SELECT a FROM t WHERE a IN (1) AND b BETWEEN 0 AND 1 AND TRUE"),
        ("SELECT count(1), 1 FROM t ORDER BY 1 LIMIT 1",
         "SELECT count(1), 1 FROM t ORDER BY 1 LIMIT 1"),
        ("SELECT CASE WHEN a THEN 1 ELSE 0 END FROM t",
         "SELECT CASE WHEN a THEN 1 ELSE 0 END FROM t"),
    ],
)  # fmt: skip
def test_a_zero_or_one_where_a_truth_is_wanted_is_false_or_true(sqlite: str, postgres: str) -> None:
    assert pg(sqlite) == postgres


def test_a_calls_parentheses_and_a_case_are_no_truth_to_add_up() -> None:
    having = "SELECT c FROM t GROUP BY c HAVING avg(CASE WHEN a < 1 THEN b END) - avg(b) >= 2"
    assert pg(having) == having
    assert pg("SELECT n - (x IS NULL) FROM t") == "SELECT n - scrm_int((x IS NULL)) FROM t"


def test_a_subquerys_value_is_no_truth_and_a_bare_conflict_names_the_key() -> None:
    # `coalesce((SELECT share … WHERE …), 1)`: the share, never truncated to 0 or 1
    assert pg("SELECT coalesce((SELECT s FROM u WHERE u.k = t.k), 1) FROM t") == (
        "SELECT coalesce((SELECT s FROM u WHERE u.k = t.k), 1) FROM t"
    )
    body = translate_body(
        "INSERT INTO h VALUES (NEW.k, 1) ON CONFLICT DO UPDATE SET n = n + 1", {"h": [["k"]]}
    )
    assert " ".join(body.split()) == (
        "INSERT INTO h VALUES (NEW.k, 1) ON CONFLICT (k) DO UPDATE SET n = h.n + 1"
    )


async def test_a_nul_in_a_strangers_text_is_stored_as_its_picture(postgres: Server) -> None:
    """PostgreSQL's text holds no NUL; the screen shows one as ␀ on either engine."""
    conn = await PgConnection.connect(postgres.fresh())
    try:
        await conn.execute("CREATE TEMP TABLE t (a text)")
        await conn.execute("INSERT INTO t VALUES (?)", ("before\x00after",))
        await conn.execute("INSERT INTO t VALUES (:a)", {"a": "\x00"})
        assert await conn.execute_fetchall("SELECT a FROM t") == [("before␀after",), ("␀",)]
    finally:
        await conn.close()


async def test_glob_is_a_regular_expression_matching_the_same_texts(postgres: Server) -> None:
    """The question filter (`is:question`, the Industry section's questions): a `?` at the
    end, or one followed by no link query, in any of three scripts; case as typed."""
    from scrm_tui.store.filter_sql import QUESTION_SQL

    texts = ["why?", "why? ok", "see x.com/?q=1", "¿qué？", "no", "a?\nb", "100% sure?", "Ab"]
    statement = f"SELECT m.text FROM m WHERE {QUESTION_SQL} AND m.id > ? ORDER BY m.id"
    cased = "SELECT m.text FROM m WHERE m.text GLOB 'A*' AND m.id > ? ORDER BY m.id"
    with sqlite3.connect(":memory:") as lite:
        lite.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, text TEXT)")
        lite.executemany("INSERT INTO m (text) VALUES (?)", [(t,) for t in texts])
        want = [lite.execute(q, (0,)).fetchall() for q in (statement, cased)]
    with psycopg.connect(postgres.fresh(), autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE m (id bigint GENERATED ALWAYS AS IDENTITY, text text)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO m (text) VALUES (%s)", [(t,) for t in texts])
        got = [conn.execute(translate(q).sql.encode(), (0,)).fetchall() for q in (statement, cased)]
    assert got == want
    assert [t for (t,) in want[0]] == ["why?", "why? ok", "¿qué？", "a?\nb", "100% sure?"]
    assert want[1] == [("Ab",)]
