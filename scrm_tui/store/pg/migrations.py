"""PostgreSQL's forward migrations: a new database starts from schema.sql (written at some
step by tools/pg_schema.py, which records that step), and each step after it is here, in
PostgreSQL's own SQL, numbered as SQLite's step with the same meaning (store/schema.py)."""

from __future__ import annotations

import re
from importlib import resources

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

# (step, statements), in order. Each SQLite step after schema.sql's needs its
# counterpart here (tests/unit/test_pg_schema_steps.py holds that).
STEPS: list[tuple[int, list[str]]] = [(41, _STEP_41)]


def latest() -> int | None:
    """The newest step this module reaches (None: none past schema.sql's)."""
    return STEPS[-1][0] if STEPS else None
