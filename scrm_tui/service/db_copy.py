"""`scrm db copy SRC DST`: every table from one database to another, SQLite or PostgreSQL
either way, resumable, checked table by table (rows and checksum) at the end."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scrm_tui.store.copying import (
    DATA_TABLES,
    Side,
    Table,
    batches,
    checksum,
    in_order,
    side,
    stopped_in_words,
)
from scrm_tui.store.db import Database, StoreError

# (table, rows copied so far, rows in all, seconds on it so far); rows is -1 when done
Progress = Callable[[str, int, int, float], None]


class CopyRefused(StoreError):
    """The copy cannot start; the message says why and what to do."""


@dataclass(frozen=True)
class Mismatch:
    table: str
    source_rows: int
    copied_rows: int

    def __str__(self) -> str:
        if self.source_rows != self.copied_rows:
            return (
                f"{self.table}: {self.source_rows:,} rows in the source, "
                f"{self.copied_rows:,} copied"
            )
        return f"{self.table}: {self.source_rows:,} rows each, but their checksums differ"


@dataclass
class CopyReport:
    """What a copy did: tables and rows written, whether it went on from an earlier run,
    and the tables whose count or checksum differ (none, when it is a true copy)."""

    tables: int = 0
    rows: int = 0
    resumed_tables: int = 0  # finished by an earlier, interrupted run
    seconds: float = 0.0
    nul_texts: int = 0  # texts holding NUL, which PostgreSQL stores as ␀ (U+2400)
    mismatches: list[Mismatch] = field(default_factory=list)


def shown(target: Path | str) -> str:
    """A database as messages show it: the path, or the URL without its password."""
    from scrm_tui.store.pg.url import is_url, redacted

    return redacted(str(target)) if is_url(target) else str(target)


async def _open_both(source: Path | str, destination: Path | str) -> None:
    """Each opened once as scrm opens it: a file's schema upgraded, a server's created in
    an empty database, a newer one refused, an unreachable server said in words."""
    for target in (source, destination):
        await (await Database.open(target)).close()


def copy_database(
    source: Path | str, destination: Path | str, progress: Progress | None = None
) -> CopyReport:
    """Copy `source` into `destination` (empty, or an interrupted copy of `source`)."""
    if isinstance(source, Path) and not source.is_file():
        raise CopyRefused(f"no database at {source}")
    started = time.monotonic()
    asyncio.run(_open_both(source, destination))
    with stopped_in_words():
        return _copy(source, destination, progress, started)


def _copy(
    source: Path | str, destination: Path | str, progress: Progress | None, started: float
) -> CopyReport:
    src = side(source)
    try:
        dst = side(destination)
    except BaseException:
        src.close()
        raise
    try:
        if src.identity == dst.identity:
            raise CopyRefused(f"{shown(source)} and {shown(destination)} are the same database")
        report = CopyReport()
        tables = _matching_tables(src, dst, destination)
        done = _resume_or_start(src, dst, destination)
        for table in in_order(tables):
            report.tables += 1
            if done.get(table.name, (False, None))[0]:
                report.resumed_tables += 1
                report.rows += src.count(table.name)
                continue
            rows, nuls = _copy_table(src, dst, table, done.get(table.name), progress)
            report.rows += rows
            report.nul_texts += nuls
        for table in in_order(tables):
            rows, here = checksum(src, table)
            copied, there = checksum(dst, table)
            if (rows, here) != (copied, there):
                report.mismatches.append(Mismatch(table.name, rows, copied))
        if not report.mismatches:
            dst.finish()
        report.seconds = time.monotonic() - started
        return report
    finally:
        src.close()
        dst.close()


def _matching_tables(src: Side, dst: Side, destination: Path | str) -> dict[str, Table]:
    tables = src.tables()
    theirs = dst.tables()
    missing = sorted(set(tables) - set(theirs))
    extra = sorted(set(theirs) - set(tables))
    if missing or extra:
        raise CopyRefused(
            f"{shown(destination)} does not have the same tables as the source "
            f"(missing: {', '.join(missing) or 'none'}; extra: {', '.join(extra) or 'none'})"
        )
    for name, table in tables.items():
        lacking = sorted(set(table.columns) - set(theirs[name].columns))
        if lacking:
            raise CopyRefused(
                f"{shown(destination)}: table {name} has no column {', '.join(lacking)}"
            )
    return tables


def _resume_or_start(
    src: Side, dst: Side, destination: Path | str
) -> dict[str, tuple[bool, tuple[object, ...] | None]]:
    """How far an earlier run got ({} for a new copy), after making sure `dst` may be
    written: empty, or an interrupted copy of this very source."""
    under_way = dst.progress()
    if under_way is not None:
        source, tables = under_way
        if source != src.identity:
            raise CopyRefused(
                f"{shown(destination)} holds an interrupted copy of {source}, not of "
                f"{src.identity}: finish that one (`scrm db copy {source} ...`) or copy into "
                "an empty database"
            )
        return {name: (p.done, p.last_key) for name, p in tables.items()}
    held = {name: dst.count(name) for name in DATA_TABLES}
    if any(held.values()):
        what = ", ".join(f"{n:,} {name}" for name, n in held.items() if n)
        raise CopyRefused(
            f"{shown(destination)} is not empty ({what}): scrm db copy writes only into an "
            "empty database, or goes on with an interrupted copy of the same source"
        )
    dst.begin_copy(src.identity)
    return {}


def _copy_table(
    src: Side,
    dst: Side,
    table: Table,
    earlier: tuple[bool, tuple[object, ...] | None] | None,
    progress: Progress | None,
) -> tuple[int, int]:
    """One table's rows after where an earlier run stopped: (its rows, texts that held
    a NUL)."""
    after = earlier[1] if earlier else None
    first = earlier is None  # a table begun before has had its seeds removed already
    total = src.count(table.name)
    started = time.monotonic()
    written = nuls = 0
    so_far = dst.count(table.name) if not first else 0
    for batch in batches(src, table, after):
        nuls += dst.write(table, batch, first=first, done=False)
        first = False
        written += len(batch)
        if progress is not None:
            progress(table.name, so_far + written, total, time.monotonic() - started)
    dst.write(table, [], first=first, done=True)
    if progress is not None:
        progress(table.name, -1, total, time.monotonic() - started)
    return total, nuls
