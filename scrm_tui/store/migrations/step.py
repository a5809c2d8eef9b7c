"""What one migration step is: its number and statements (SQL text, or a DropNotNull)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DropNotNull:
    """A migration step that lets columns hold NULL, without copying the table.

    SQLite's documented way for this one change (sqlite.org/lang_altertable.html,
    "making other kinds of table schema changes"): no stored row changes, so the
    table's text in sqlite_schema is edited in place and the schema version bumped.
    Copying a million mentions with their indexes and full-text table would take
    minutes; this takes milliseconds. Run by store/db.py, last in its step.
    """

    table: str
    columns: tuple[str, ...]

    def edit(self, sql: str) -> str:
        for column in self.columns:
            declared = re.compile(rf"(\b{column}\s+REAL)\s+NOT\s+NULL", re.IGNORECASE)
            sql, found = declared.subn(r"\1", sql)
            if found != 1:
                raise ValueError(f"{self.table}.{column} is not declared REAL NOT NULL")
        return sql


Step = tuple[int, list[str | DropNotNull]]
