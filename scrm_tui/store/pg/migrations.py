"""PostgreSQL's forward migrations: a new database starts from schema.sql (written at some
step by tools/pg_schema.py, which records that step), and each step after it is here, in
PostgreSQL's own SQL, numbered as SQLite's step with the same meaning (store/schema.py)."""

from __future__ import annotations

import re
from importlib import resources

from scrm_tui.store.migrations.steps_42 import NAME_IDS

# Step 41: the row triggers that each mention's insert fired (kept counts, rollups, moods,
# advocacy, replies) dropped, and insert_triggers.sql's per-statement ones made instead.
_PER_STATEMENT = (
    resources.files("scrm_tui.store.pg").joinpath("insert_triggers.sql").read_text("utf-8")
)
_STEP_41 = [
    *(
        f"DROP TRIGGER IF EXISTS {name} ON mentions"
        for name in re.findall(r"^CREATE TRIGGER (\w+)", _PER_STATEMENT, re.M)
    ),
    _PER_STATEMENT,
]

# Step 42: each word's holders with their names (store/migrations/steps_42.py says why).
# Safe to run again over its own tables (a database whose recorded step was set back).
_STEP_42 = [
    """CREATE TABLE IF NOT EXISTS match_word_texts (
        word text NOT NULL,
        text text NOT NULL,
        customer_id bigint NOT NULL,
        handles text NOT NULL,
        PRIMARY KEY (word, text, customer_id)
    )""",
    """INSERT INTO match_word_texts (word, text, customer_id, handles)
    SELECT w.word, e.text, w.customer_id, e.handles
    FROM match_words w JOIN match_entries e ON e.customer_id = w.customer_id
    ON CONFLICT DO NOTHING""",
    """CREATE TABLE IF NOT EXISTS match_word_names (
        word text NOT NULL,
        text text NOT NULL,
        ids text NOT NULL,
        kept bigint NOT NULL,
        upto bigint NOT NULL,
        PRIMARY KEY (word, text)
    )""",
    f"""INSERT INTO match_word_names (word, text, ids, kept, upto)
    SELECT word, text, json_agg(customer_id ORDER BY customer_id)::text, count(*),
        max(customer_id) FROM (
        SELECT word, text, customer_id, row_number() OVER (
            PARTITION BY word, text ORDER BY customer_id) AS nth
        FROM match_word_texts) AS numbered
    WHERE nth <= {NAME_IDS} GROUP BY word, text
    ON CONFLICT (word, text) DO UPDATE
    SET ids = excluded.ids, kept = excluded.kept, upto = excluded.upto""",
]

# (step, statements), in order. Each SQLite step after schema.sql's needs its
# counterpart here (tests/unit/test_pg_schema_steps.py holds that).
STEPS: list[tuple[int, list[str]]] = [(41, _STEP_41), (42, _STEP_42)]


def latest() -> int | None:
    """The newest step this module reaches (None: none past schema.sql's)."""
    return STEPS[-1][0] if STEPS else None
