"""Migration step 41: nothing in SQLite; PostgreSQL's insert triggers go per statement.

Released steps are never edited: a change is a new step (schema.py).
"""

from __future__ import annotations

from scrm_tui.store.migrations.step import Step

# SQLite's row triggers stay as they are (its ingest stages a batch and inserts it in one
# statement: their setup runs once a batch). The step is numbered so that a PostgreSQL
# database at 40 takes store/pg/migrations.py's step 41, which replaces its row triggers.
STEPS_41: list[Step] = [(41, [])]
