"""PostgreSQL's forward migrations: a new database starts from schema.sql (written at some
step by tools/pg_schema.py, which records that step), and each step after it is here, in
PostgreSQL's own SQL, numbered as SQLite's step with the same meaning (store/schema.py)."""

from __future__ import annotations

# (step, statements), in order. Each SQLite step after schema.sql's needs its
# counterpart here (tests/unit/test_pg_schema_steps.py holds that).
STEPS: list[tuple[int, list[str]]] = []


def latest() -> int | None:
    """The newest step this module reaches (None: none past schema.sql's)."""
    return STEPS[-1][0] if STEPS else None
