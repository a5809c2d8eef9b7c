"""Reading a test's database from outside the inbox, whichever engine holds it: a file
through sqlite3, a URL through the store's own synchronous PostgreSQL connection (which
reads SQLite's SQL), so a test states one query for both."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from scrm_tui.store.pg.sync import SyncPgConnection
from scrm_tui.store.pg.url import is_url


def rows(target: str | Path, sql: str, parameters: Any = ()) -> list[tuple[Any, ...]]:
    """Every row `sql` gives on the database at `target`, read in its own connection."""
    if is_url(str(target)):
        conn = SyncPgConnection(str(target))
        try:
            return [tuple(row) for row in conn.execute(sql, parameters)]
        finally:
            conn.close()
    with sqlite3.connect(target) as lite:
        return [tuple(row) for row in lite.execute(sql, parameters).fetchall()]


def value(target: str | Path, sql: str, parameters: Any = ()) -> Any:
    """The first column of the first row (a count, a state)."""
    return rows(target, sql, parameters)[0][0]
