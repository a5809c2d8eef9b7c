"""The PostgreSQL translator's rules that the team's tables needed (part B of issue 16):
each as input → output, and run on a real server where it matters."""

from __future__ import annotations

import psycopg

from scrm_tui.store.pg.dialect import translate
from tests.support.postgres import Server


def test_a_scalar_subquery_is_a_value_not_a_truth_though_its_where_compares() -> None:
    # `(SELECT … WHERE a = b)` is whatever its item is: text stays text (an outbox item's
    # mention ids), and only a truth in its own SELECT list becomes an integer.
    sql = translate(
        "SELECT o.id, (SELECT group_concat(mention_id) FROM outbox_mentions "
        "WHERE outbox_id = o.id) FROM outbox o"
    ).sql
    assert "scrm_int" not in sql
    assert "(SELECT string_agg((mention_id)::text, ',') FROM outbox_mentions" in sql
    assert translate("SELECT coalesce((SELECT x FROM t WHERE y = 1), 0)").sql == (
        "SELECT coalesce((SELECT x FROM t WHERE y = 1), 0)"
    )
    assert translate("SELECT (SELECT a > b FROM t)").sql == "SELECT (SELECT scrm_int(a > b) FROM t)"
    assert translate("SELECT (a > b) + 1").sql == "SELECT scrm_int((a > b)) + 1"


def test_an_upsert_returning_a_column_keeps_the_word_returning() -> None:
    # A source's failures in a row: counted in the upsert, read back by RETURNING.
    sql = translate(
        "INSERT INTO source_state (source, failures) VALUES (:s, 1) ON CONFLICT (source) "
        "DO UPDATE SET failures = failures + 1, fetching_ms = NULL RETURNING failures"
    ).sql
    assert sql.endswith(
        "DO UPDATE SET failures = source_state.failures + 1, fetching_ms = NULL "
        "RETURNING source_state.failures"
    )


def test_the_pick_of_the_next_due_item_locks_it_and_skips_what_another_holds(
    postgres: Server,
) -> None:
    """`FOR UPDATE SKIP LOCKED` after the pick's LIMIT passes through unchanged, and on
    the server a second sender's pick passes over the row the first one holds."""
    pick = "SELECT id FROM outbox WHERE state = 'pending' ORDER BY next_ms, id LIMIT 1"
    sql = translate(pick + " FOR UPDATE SKIP LOCKED").sql
    assert sql.endswith("LIMIT 1 FOR UPDATE SKIP LOCKED")
    url = postgres.fresh()
    with psycopg.connect(url, autocommit=True) as setup:
        for n in (1, 2):
            setup.execute(
                "INSERT INTO outbox (kind, channel, text, key, state, next_ms, created_ms, "
                "updated_ms) VALUES ('reply', 'mastodon', 't', %s, 'pending', %s, 0, 0)",
                (f"k{n}", n),
            )
    with psycopg.connect(url) as first, psycopg.connect(url) as second:
        taken = first.execute(sql.encode()).fetchall()
        passed_over = second.execute(sql.encode()).fetchall()
        assert taken != passed_over and len(taken) == len(passed_over) == 1
        first.rollback()
        assert second.execute(sql.encode()).fetchall() == taken  # free again: first due
