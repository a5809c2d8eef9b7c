"""Migration step 42: each word's holders with their names, kept in the word's order.

Released steps are never edited: a change is a new step (schema.py).
"""

from __future__ import annotations

from scrm_tui.store.migrations.step import Step

# A name's first holders (by id) kept for each word in match_word_names: the matcher's
# rescue takes at most this many customers of one name (matching/tuning.py's _RESCUE),
# the first by id, so the others are never wanted.
NAME_IDS = 12

# The matcher's rescue reads the names of every holder of a common word (thousands at a
# million customers). Read through match_words, each holder is a row found on a page of
# its own (~2.3 us each); here they lie side by side under the word, and each name a
# word's holders share is one row of match_word_names: a common surname's 7,500 holders
# hold ~100 names. About 10 s at a million customers.
STEPS_42: list[Step] = [
    (
        42,
        [
            """
            CREATE TABLE match_word_texts (
                word TEXT NOT NULL,
                text TEXT NOT NULL,
                customer_id INTEGER NOT NULL,
                handles TEXT NOT NULL,
                PRIMARY KEY (word, text, customer_id)
            ) WITHOUT ROWID
            """,
            """
            INSERT INTO match_word_texts (word, text, customer_id, handles)
            SELECT w.word, e.text, w.customer_id, e.handles
            FROM match_words w JOIN match_entries e ON e.customer_id = w.customer_id
            ORDER BY 1, 2, 3
            """,
            """
            CREATE TABLE match_word_names (
                word TEXT NOT NULL,
                text TEXT NOT NULL,
                ids TEXT NOT NULL,
                kept INTEGER NOT NULL,
                upto INTEGER NOT NULL,
                PRIMARY KEY (word, text)
            ) WITHOUT ROWID
            """,
            f"""
            INSERT INTO match_word_names (word, text, ids, kept, upto)
            SELECT word, text, json_group_array(customer_id), count(*), max(customer_id) FROM (
                SELECT word, text, customer_id, row_number() OVER (
                    PARTITION BY word, text ORDER BY customer_id) AS nth
                FROM match_word_texts)
            WHERE nth <= {NAME_IDS} GROUP BY word, text
            """,
        ],
    )
]
