"""Values reach the database as given, on both engines: on PostgreSQL the store quotes
them into the statement itself (store/pg/quoting.py), an executemany of a one-row INSERT
as statements of many rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from scrm_tui.store.db import Database

# What strangers and importers put in a field: quotes, backslashes, the placeholder's
# own text, percent signs, a NUL, emoji and marks, and the numbers at the edges.
VALUES: list[tuple[object, ...]] = [
    ("it's", 1, 0.5),
    ("back\\slash \\x00 E'x'", -(2**63), 1e300),
    ("%s and %% and %(name)s", 2**63 - 1, -0.0),
    ("nul\x00inside", 0, 3.25),
    ("👩‍👩‍👧 é ё ‮rtl", None, None),
    (None, 42, 1 / 3),
    ("'); DROP TABLE many; --", 7, 2.0),
    ("", 8, 1e-300),
]


@pytest.mark.both_engines
async def test_rows_written_many_at_a_time_come_back_as_written(target: str | Path) -> None:
    rows = [(i, *VALUES[i % len(VALUES)]) for i in range(1234)]  # three statements' worth
    db = await Database.open(target)
    try:
        async with db.transaction() as conn:
            await conn.execute(
                "CREATE TABLE many (id INTEGER PRIMARY KEY, t TEXT, n INTEGER, r DOUBLE PRECISION)"
            )
            await conn.executemany("INSERT INTO many (id, t, n, r) VALUES (?, ?, ?, ?)", rows)
            # A duplicate key in a DO NOTHING insert is skipped, not an error.
            await conn.executemany(
                "INSERT INTO many (id, t, n, r) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(0, "again", 0, 0.0), (5000, "new", 1, 1.0)],
            )
        got = await db.reader.execute_fetchall("SELECT id, t, n, r FROM many ORDER BY id")
    finally:
        await db.close()
    # PostgreSQL's text holds no NUL: stored as the picture the screen shows for it.
    pictured = db.engine == "postgresql"
    want = [
        (i, t.replace("\x00", "\u2400") if pictured and isinstance(t, str) else t, n, r)
        for i, t, n, r in [*rows, (5000, "new", 1, 1.0)]
    ]
    assert [tuple(row) for row in got] == want


@pytest.mark.both_engines
async def test_a_row_with_too_few_values_is_refused_and_writes_nothing(target: str | Path) -> None:
    db = await Database.open(target)
    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE few (a INTEGER, b TEXT)")
        with pytest.raises(sqlite3.ProgrammingError):
            async with db.transaction() as conn:
                await conn.executemany("INSERT INTO few (a, b) VALUES (?, ?)", [(1, "x"), (2,)])
        got = await db.reader.execute_fetchall("SELECT count(*) FROM few")
    finally:
        await db.close()
    assert got[0][0] == 0


@pytest.mark.both_engines
async def test_named_and_positional_values_and_a_percent_in_the_sql_read_as_written(
    target: str | Path,
) -> None:
    db = await Database.open(target)
    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE one (id INTEGER PRIMARY KEY, t TEXT)")
            for i, (text, *_) in enumerate(VALUES):
                await conn.execute("INSERT INTO one (id, t) VALUES (:id, :t)", {"id": i, "t": text})
        # A `%` written in the statement beside its parameters, and one in a value.
        literal = await db.reader.execute_fetchall(
            "SELECT id FROM one WHERE t LIKE '%and%' AND id >= ? ORDER BY id", (0,)
        )
        bound = await db.reader.execute_fetchall(
            "SELECT id FROM one WHERE t LIKE ? ESCAPE '\\' AND id IN (?, ?, ?) ORDER BY id",
            ("%\\%%", 1, 2, 3),
        )
        many = await db.reader.execute_fetchall(
            f"SELECT count(*) FROM one WHERE id IN ({', '.join('?' * 600)})", tuple(range(600))
        )
    finally:
        await db.close()
    assert [i for (i,) in literal] == [2]
    assert [i for (i,) in bound] == [2]  # the one holding a percent sign
    assert many[0][0] == len(VALUES)
