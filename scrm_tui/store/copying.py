"""A whole database read and written table by table, on either engine, for `scrm db copy`:
rows in key order, a batch and how far it got written in one transaction (so a copy
killed at any moment goes on from its last batch), and a checksum both engines agree on.

Each engine is one small class (`SqliteSide`, `PgSide`) with the same methods; the SQL is
each engine's own here, because the copy works below the schema (triggers, sequences,
the full-text index) where the two differ."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from scrm_tui.store.db import StoreError
from scrm_tui.store.schema import FTS_TEXT

PROGRESS = "scrm_copy"  # in the destination while a copy is under way; dropped at the end
# Not copied: each engine's own bookkeeping, and the full-text index (rebuilt instead).
SKIPPED = ("mentions_fts", "scrm_schema", PROGRESS)
# The tables whose rows make a database not empty (a fresh one has seeds elsewhere).
DATA_TABLES = ("mentions", "customers", "authors", "interactions", "outbox")
BATCH = 5000
_MOD = 1 << 128
# PostgreSQL's text cannot hold NUL (SQLite's can: a hostile post may carry one). It is
# stored as U+2400 (␀, the picture the screen shows for it), and both sides' checksums read it so.
NUL, NUL_STORED = "\x00", "\u2400"


class CopyStopped(StoreError):
    """A copy could not go on (a connection lost, a server stopped, a value refused);
    what it wrote is kept, and the message says so."""


@contextlib.contextmanager
def stopped_in_words() -> Iterator[None]:
    """Either driver's error, while copying, as CopyStopped in words (never a traceback)."""
    try:
        yield
    except sqlite3.Error as error:
        raise CopyStopped(_stopped(str(error))) from None
    except Exception as error:
        psycopg = sys.modules.get("psycopg")  # loaded only when a side is PostgreSQL
        if psycopg is None or not isinstance(error, psycopg.Error):
            raise
        from scrm_tui.store.pg.advice import advice, reason

        why = reason(error)
        todo = advice(why)
        raise CopyStopped(_stopped(why + (f" ({todo})" if todo else ""))) from None


def _stopped(why: str) -> str:
    return (
        f"the copy stopped: {why}; what was copied is kept, and the same command goes on from there"
    )


@dataclass(frozen=True)
class Table:
    """One table to copy: its columns (generated ones left out), its primary key, and the
    tables its foreign keys point to."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    parents: frozenset[str]

    @property
    def self_referencing(self) -> bool:
        return self.name in self.parents


@dataclass(frozen=True)
class Progress:
    """How far one table's copy got: the key of its last row written, rows written."""

    last_key: tuple[Any, ...] | None
    copied: int
    done: bool


class Side(Protocol):
    """What the copy asks of each engine."""

    engine: str
    identity: str  # names this database, stable across runs, without a password

    def tables(self) -> dict[str, Table]: ...
    def count(self, name: str) -> int: ...
    def rows_after(
        self, table: Table, after: tuple[Any, ...] | None, limit: int | None
    ) -> list[tuple[Any, ...]]: ...
    def progress(self) -> tuple[str | None, dict[str, Progress]] | None: ...
    def begin_copy(self, source: str) -> None: ...
    def write(
        self, table: Table, rows: Sequence[tuple[Any, ...]], first: bool, done: bool
    ) -> int: ...
    def finish(self) -> None: ...
    def close(self) -> None: ...


def in_order(tables: dict[str, Table]) -> list[Table]:
    """Parents before the tables that point to them (PostgreSQL checks foreign keys as
    rows arrive); otherwise by name, so every run copies in the same order."""
    placed: list[Table] = []
    seen: set[str] = set()

    def place(name: str, path: tuple[str, ...]) -> None:
        if name in seen or name not in tables or name in path:
            return
        for parent in sorted(tables[name].parents):
            place(parent, (*path, name))
        seen.add(name)
        placed.append(tables[name])

    for name in sorted(tables):
        place(name, ())
    return placed


def _value(v: Any) -> Any:
    """A value as both engines give it back: a truth as 0 or 1, bytes as hex, a NUL as
    PostgreSQL stores it."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return ("hex", bytes(v).hex())
    if isinstance(v, str) and NUL in v:
        return v.replace(NUL, NUL_STORED)
    return v


def _storable(row: tuple[Any, ...]) -> tuple[tuple[Any, ...], int]:
    """A row as PostgreSQL can store it, and how many of its texts held a NUL."""
    if not any(isinstance(v, str) and NUL in v for v in row):
        return row, 0
    fixed = tuple(v.replace(NUL, NUL_STORED) if isinstance(v, str) else v for v in row)
    return fixed, sum(1 for v in row if isinstance(v, str) and NUL in v)


_PLAIN = (int, float, str, type(None))


def row_digest(row: Sequence[Any]) -> int:
    """One row's 128-bit BLAKE2 hash, as a number: of the repr of its values as both
    engines give them back (most rows are plain ints and texts, and skip `_value`)."""
    if not all(type(v) in _PLAIN for v in row) or any(type(v) is str and NUL in v for v in row):
        row = [_value(v) for v in row]
    text = repr(tuple(row)).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(text, digest_size=16).digest(), "big")


def checksum(side: Side, table: Table) -> tuple[int, str]:
    """(rows, checksum) of a table: the sum of its rows' hashes modulo 2^128. A sum does
    not depend on the order rows come in, and the engines order text keys by their own
    collations; it still changes with any row's any value."""
    total = rows = 0
    after: tuple[Any, ...] | None = None
    while batch := side.rows_after(table, after, BATCH * 4):
        for row in batch:
            total = (total + row_digest(row)) % _MOD
        rows += len(batch)
        after = key_of(table, batch[-1])
    return rows, f"{total:032x}"


def key_of(table: Table, row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(row[table.columns.index(k)] for k in table.key)


def batches(
    side: Side, table: Table, after: tuple[Any, ...] | None
) -> Iterator[list[tuple[Any, ...]]]:
    """The source's rows after `after`, a batch at a time. A table that points to itself
    (a customer merged into another) comes in one batch: PostgreSQL checks a foreign key
    at the end of each statement, and a later batch's row may be the one pointed to."""
    limit = None if table.self_referencing else BATCH
    while batch := side.rows_after(table, after, limit):
        yield batch
        if limit is None:
            return
        after = key_of(table, batch[-1])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _select_after(table: Table, mark: str, after: bool, limit: int | None) -> str:
    """The table's rows in key order, those after a key (bound with `mark`) if `after`,
    at most `limit` of them: keyset paging, which costs the same at any depth."""
    keys = ", ".join(_quoted(k) for k in table.key)
    where = f" WHERE ({keys}) > ({', '.join(mark for _ in table.key)})" if after else ""
    columns = ", ".join(_quoted(c) for c in table.columns)
    return f"SELECT {columns} FROM {_quoted(table.name)}{where} ORDER BY {keys}" + (
        f" LIMIT {int(limit)}" if limit else ""
    )


# ------------------------------------------------------------------------------ SQLite


class SqliteSide:
    """A SQLite file, through sqlite3: foreign keys off (rows arrive in any order) and the
    triggers of a table dropped while its batch is written, recreated in the same
    transaction (SQLite cannot switch a trigger off)."""

    engine = "sqlite"

    def __init__(self, path: Path) -> None:
        self.identity = str(path.resolve())
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA busy_timeout = 5000")
        self.conn.execute("PRAGMA foreign_keys = OFF")

    def tables(self) -> dict[str, Table]:
        names = [
            row[0]
            for row in self.conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'mentions\\_fts%' "
                "ESCAPE '\\'"
            )
            if row[0] not in SKIPPED
        ]
        tables = {}
        for name in names:
            info = list(self.conn.execute(f"PRAGMA table_info({_quoted(name)})"))
            columns = tuple(str(row[1]) for row in info)
            key = tuple(str(row[1]) for row in sorted(info, key=lambda r: r[5]) if row[5])
            parents = {
                str(row[2])
                for row in self.conn.execute(f"PRAGMA foreign_key_list({_quoted(name)})")
            }
            tables[name] = Table(name, columns, key or ("rowid",), frozenset(parents))
        return tables

    def count(self, name: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0])

    def rows_after(
        self, table: Table, after: tuple[Any, ...] | None, limit: int | None
    ) -> list[tuple[Any, ...]]:
        sql = _select_after(table, "?", after is not None, limit)
        return list(self.conn.execute(sql, after or ()))

    def progress(self) -> tuple[str | None, dict[str, Progress]] | None:
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (PROGRESS,)
        ).fetchone()
        if not exists:
            return None
        return _progress(list(self.conn.execute(f"SELECT * FROM {PROGRESS}")))

    def begin_copy(self, source: str) -> None:
        with self._transaction():
            self.conn.execute(_PROGRESS_TABLE)
            self.conn.execute(f"INSERT INTO {PROGRESS} VALUES ('', ?, NULL, 0, 0)", (source,))

    def write(self, table: Table, rows: Sequence[tuple[Any, ...]], first: bool, done: bool) -> int:
        """Write a batch and how far the table got; texts changed to be stored (none)."""
        with self._transaction():
            if rows or first:  # the mark that a table is done touches nothing else
                self._insert(table, rows, first)
            self._record(table, rows, done)
        return 0

    def _insert(self, table: Table, rows: Sequence[tuple[Any, ...]], first: bool) -> None:
        name = _quoted(table.name)
        triggers = list(
            self.conn.execute(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?",
                (table.name,),
            )
        )
        for trigger, _ in triggers:
            self.conn.execute(f"DROP TRIGGER {_quoted(trigger)}")
        if first:
            self.conn.execute(f"DELETE FROM {name}")  # the seeds a new schema holds
        columns = ", ".join(_quoted(c) for c in table.columns)
        marks = ", ".join("?" for _ in table.columns)
        self.conn.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks})", rows)
        for _, sql in triggers:
            self.conn.execute(sql)

    def _record(self, table: Table, rows: Sequence[tuple[Any, ...]], done: bool) -> None:
        last = json.dumps(list(key_of(table, rows[-1]))) if rows else None
        self.conn.execute(
            f"INSERT INTO {PROGRESS} VALUES (?, '', ?, ?, ?) ON CONFLICT (tbl) DO UPDATE SET "
            "last_key = coalesce(excluded.last_key, last_key), "
            "copied = copied + excluded.copied, done = excluded.done",
            (table.name, last, len(rows), int(done)),
        )

    def finish(self) -> None:
        """The full-text index made anew from the copied mentions; the copy's record gone."""
        with self._transaction():
            self.conn.execute("INSERT INTO mentions_fts(mentions_fts) VALUES ('delete-all')")
            self.conn.execute(
                f"INSERT INTO mentions_fts (rowid, text) SELECT id, {FTS_TEXT} FROM mentions"
            )
            self.conn.execute(f"DROP TABLE {PROGRESS}")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


_PROGRESS_TABLE = (
    f"CREATE TABLE {PROGRESS} (tbl TEXT PRIMARY KEY, source TEXT NOT NULL, last_key TEXT, "
    "copied BIGINT NOT NULL, done BIGINT NOT NULL)"
)


def _progress(rows: list[tuple[Any, ...]]) -> tuple[str | None, dict[str, Progress]]:
    """(the source being copied, each table's progress) from the progress table's rows;
    the row named '' holds the source."""
    source = next((str(row[1]) for row in rows if row[0] == ""), None)
    tables = {
        str(row[0]): Progress(
            tuple(json.loads(row[2])) if row[2] is not None else None, int(row[3]), bool(row[4])
        )
        for row in rows
        if row[0] != ""
    }
    return source, tables


# -------------------------------------------------------------------------- PostgreSQL


class PgSide:
    """A PostgreSQL database, through psycopg: rows written with COPY, the table's own
    triggers switched off inside the batch's transaction (its owner may; foreign keys
    stay checked, hence parents first), and the identity sequences moved past the
    copied ids at the end."""

    engine = "postgresql"

    def __init__(self, url: str) -> None:
        import psycopg

        from scrm_tui.store.pg.url import without_password

        self.identity = without_password(url)[0]
        self.conn = psycopg.connect(url, autocommit=True)
        self._triggered: set[str] | None = None  # tables with triggers of their own

    def _has_triggers(self, name: str) -> bool:
        if self._triggered is None:
            self._triggered = {
                str(row[0]).strip('"')
                for row in self.conn.execute(
                    b"SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger "
                    b"WHERE NOT tgisinternal"
                )
            }
        return name in self._triggered

    def tables(self) -> dict[str, Table]:
        names = [
            str(row[0])
            for row in self.conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
            if row[0] not in SKIPPED
        ]
        parents: dict[str, set[str]] = {name: set() for name in names}
        for child, parent in self.conn.execute(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
        ):
            parents.setdefault(str(child).strip('"'), set()).add(str(parent).strip('"'))
        tables = {}
        for name in names:
            columns = tuple(
                str(row[0])
                for row in self.conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "current_schema() AND table_name = %s AND is_generated = 'NEVER' "
                    "ORDER BY ordinal_position",
                    (name,),
                )
            )
            key = tuple(
                str(row[0])
                for row in self.conn.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
                    "i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND "
                    "i.indrelid = %s::regclass ORDER BY array_position(i.indkey::int2[], "
                    "a.attnum)",
                    (_quoted(name),),
                )
            )
            tables[name] = Table(name, columns, key or columns, frozenset(parents[name]))
        return tables

    def count(self, name: str) -> int:
        row = self.conn.execute(f"SELECT count(*) FROM {_quoted(name)}".encode()).fetchone()
        return int(row[0]) if row else 0

    def rows_after(
        self, table: Table, after: tuple[Any, ...] | None, limit: int | None
    ) -> list[tuple[Any, ...]]:
        sql = _select_after(table, "%s", after is not None, limit)
        return list(self.conn.execute(sql.encode(), after))

    def progress(self) -> tuple[str | None, dict[str, Progress]] | None:
        row = self.conn.execute(b"SELECT to_regclass('" + PROGRESS.encode() + b"')").fetchone()
        if not row or row[0] is None:
            return None
        return _progress(list(self.conn.execute(f"SELECT * FROM {PROGRESS}".encode())))

    def begin_copy(self, source: str) -> None:
        with self.conn.transaction():
            self.conn.execute(_PROGRESS_TABLE.encode())
            self.conn.execute(
                f"INSERT INTO {PROGRESS} VALUES ('', %s, NULL, 0, 0)".encode(), (source,)
            )

    def write(self, table: Table, rows: Sequence[tuple[Any, ...]], first: bool, done: bool) -> int:
        """Write a batch and how far the table got; texts changed to be stored (a NUL)."""
        from scrm_tui.store.pg.database import WRITE_LOCK

        changed = 0

        name = _quoted(table.name)
        columns = ", ".join(_quoted(c) for c in table.columns)
        with self.conn.transaction():
            # Queued behind any scrm writing here, as every write is (store/pg/database.py).
            self.conn.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})".encode())
            # A batch that writes nothing (the mark that a table is done) touches no trigger.
            triggers = (rows or first) and self._has_triggers(table.name)
            if triggers:
                self.conn.execute(f"ALTER TABLE {name} DISABLE TRIGGER USER".encode())
            if first:
                self.conn.execute(f"DELETE FROM {name}".encode())  # a new schema's seeds
            if rows:
                copying = f"COPY {name} ({columns}) FROM STDIN".encode()
                with self.conn.cursor().copy(copying) as copy:
                    for row in rows:
                        stored, nuls = _storable(row)
                        changed += nuls
                        copy.write_row(stored)
            if triggers:
                self.conn.execute(f"ALTER TABLE {name} ENABLE TRIGGER USER".encode())
            last = json.dumps(list(key_of(table, rows[-1]))) if rows else None
            self.conn.execute(
                f"INSERT INTO {PROGRESS} VALUES (%s, '', %s, %s, %s) ON CONFLICT (tbl) DO "
                f"UPDATE SET last_key = coalesce(excluded.last_key, {PROGRESS}.last_key), "
                f"copied = {PROGRESS}.copied + excluded.copied, done = excluded.done".encode(),
                (table.name, last, len(rows), int(done)),
            )
        return changed

    def finish(self) -> None:
        """The full-text index made anew, each identity sequence moved past its column's
        largest id (the next row stored gets a new one), the copy's record gone."""
        from scrm_tui.store.pg.dialect import translate

        fill = translate(
            f"INSERT INTO mentions_fts (rowid, text) SELECT id, {FTS_TEXT} FROM mentions"
        )
        with self.conn.transaction():
            self.conn.execute(b"DELETE FROM mentions_fts")
            self.conn.execute(fill.sql.encode())
            identities = list(
                self.conn.execute(
                    b"SELECT table_name, column_name FROM information_schema.columns "
                    b"WHERE table_schema = current_schema() AND is_identity = 'YES'"
                )
            )
            for table, column in identities:
                largest = f"coalesce(max({_quoted(column)}), 0)"
                self.conn.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), {largest} + 1, false) "
                    f"FROM {_quoted(table)}".encode(),
                    (_quoted(table), column),
                )
            self.conn.execute(f"DROP TABLE {PROGRESS}".encode())

    def close(self) -> None:
        self.conn.close()


def side(target: Path | str) -> Side:
    """The engine's side for a file or a postgresql:// URL (both opened, and their schema
    made, by Database.open first)."""
    from scrm_tui.store.pg.url import is_url

    if is_url(target):
        return PgSide(str(target))
    return SqliteSide(Path(target))
