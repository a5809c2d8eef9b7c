"""Take a database made by this scrm back to the schema of an earlier release: what each
later step created is dropped, newest first, so an upgrade from that release runs them
all again, as it would on a user's file."""

from __future__ import annotations

import re
import sqlite3

from scrm_tui.store.schema import MIGRATIONS

_CREATED = re.compile(
    r"^\s*CREATE\s+(?:UNIQUE\s+)?(?:VIRTUAL\s+)?(TABLE|INDEX|TRIGGER)\s+(\w+)", re.IGNORECASE
)
_ADDED = re.compile(r"^\s*ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)", re.IGNORECASE)


def rewind(conn: sqlite3.Connection, step: int) -> None:
    """Drop the tables, indexes, triggers and columns of every step after `step`, and
    say the file is at `step`. (Data a step wrote into older tables stays.)"""
    for version, statements in reversed(MIGRATIONS):
        if version <= step:
            break
        for statement in reversed(statements):
            if not isinstance(statement, str):
                continue
            if created := _CREATED.match(statement):
                kind, name = created.groups()
                conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")
            elif added := _ADDED.match(statement):
                table, column = added.groups()
                conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    conn.execute(f"PRAGMA user_version = {step}")
