"""Term counts per UTC day and per hour for rising terms, each counted once and kept.

A day's counts (how many of its mentions hold each word or #tag) are read from the
stored texts and hashtags the first time a report needs that day, then kept in
`term_days`; the whole hours of the part days at a range's two ends are kept the same
way in `term_hours` (schema step 37), so a report splits no text it split before. A
day or hour is counted again when its mention count moves (a late arrival, a backfill)
or a text in it changes, so what is kept is always what the mentions say.
Counts are kept per Scope: a watch set's mentions (the brand's, with #tags), or a
competitor's by words alone, all of them or the negative ones only.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from scrm_tui.store.conn import Connection
from scrm_tui.store.db import Database, begin_read, fetch_all
from scrm_tui.store.schema import FTS_TEXT, TERM_SCOPES

DAY_MS = 86_400_000
HOUR_MS = 3_600_000

Words = Callable[[str], set[str]]


@dataclass(frozen=True)
class Scope:
    """Which mentions a count is over: a watch set's (the brand's is ''), its negative
    ones only (those `s:neg` finds), and whether #tags count. A competitor is counted
    by words alone: its tags would be read from a table no index leads to from a
    mention (a scan of every tag, fine once a day for the brand, not for each set)."""

    watch_set: str
    negative: bool = False
    tags: bool = True

    @property
    def key(self) -> str:
        """Its name in term_days and term_days_counted (the brand's alone is '')."""
        return self.watch_set + TERM_SCOPES[self.negative, self.tags]

    def where(self) -> str:
        """The condition on `m` (one parameter: the watch set): a competitor's through
        the index of the competitors' mentions (schema step 33)."""
        within = "m.watch_set = ?" if self.watch_set else "coalesce(m.watch_set, '') = ?"
        return f"{within} AND m.compound <= -0.05" if self.negative else within


@dataclass(frozen=True)
class Unit:
    """A span whose counts are kept: UTC days or hours, each with its two tables."""

    ms: int
    column: str  # the span's number: created_ms // ms
    counts: str  # term, n per span
    counted: str  # how many mentions each span was counted from

    @property
    def hours(self) -> int:
        return self.ms // HOUR_MS


DAY = Unit(DAY_MS, "day", "term_days", "term_days_counted")
HOUR = Unit(HOUR_MS, "hour", "term_hours", "term_hours_counted")


def _scope(scope: Scope | str) -> Scope:
    return scope if isinstance(scope, Scope) else Scope(scope)


async def day_totals(
    conn: Connection, scope: Scope | str, days: Iterable[int], unit: Unit = DAY
) -> dict[int, int]:
    """Mentions per day or hour (negative ones, for a negative scope), from the hourly
    rollups."""
    scope = _scope(scope)
    wanted = sorted(set(days))
    if not wanted:
        return {}
    column = "neg" if scope.negative else "n"
    rows = await fetch_all(
        conn,
        f"SELECT hour / {unit.hours}, sum({column}) FROM mention_hours WHERE watch_set = ? "
        "AND hour >= ? AND hour < ? GROUP BY 1",
        (scope.watch_set, wanted[0] * unit.hours, (wanted[-1] + 1) * unit.hours),
    )
    found = {int(day): int(n) for day, n in rows}
    return {day: found.get(day, 0) for day in wanted}


async def stale_days(
    db: Database, scope: Scope | str, days: Iterable[int], unit: Unit = DAY
) -> list[int]:
    """The days (or hours) whose kept counts are missing or no longer match their
    mentions."""
    scope = _scope(scope)
    wanted = sorted(set(days))
    if not wanted:
        return []
    totals = await day_totals(db.reader, scope, wanted, unit)
    kept = {
        int(day): int(n)
        for day, n in await fetch_all(
            db.reader,
            f"SELECT {unit.column}, mentions FROM {unit.counted} WHERE watch_set = ? "
            f"AND {unit.column} >= ? AND {unit.column} <= ?",
            (scope.key, wanted[0], wanted[-1]),
        )
    }
    return [day for day in wanted if kept.get(day) != totals[day]]


async def count_span(
    conn: Connection, scope: Scope | str, start_ms: int, end_ms: int, words: Words
) -> tuple[Counter[str], int]:
    """Mentions holding each term in [start, end), read from the mentions, and how many
    mentions were read."""
    scope = _scope(scope)
    counts: Counter[str] = Counter()
    # A day at most (the rest is kept per day): its texts are read in one step.
    texts = await fetch_all(
        conn,
        f"SELECT {FTS_TEXT} FROM mentions m WHERE m.created_ms >= ? AND m.created_ms < ? "
        f"AND {scope.where()}",
        (start_ms, end_ms, scope.watch_set),
    )
    # Splitting a day's texts takes ~40 µs a post: off the event loop, so an inbox or
    # dashboard counting a new range's days keeps answering keys meanwhile.
    counts = await asyncio.to_thread(_count, texts, words)
    read = len(texts)
    if not scope.tags:
        return counts, read
    for tag, n in await fetch_all(
        conn,
        "SELECT t.tag, count(DISTINCT t.mention_id) FROM mention_hashtags t "
        "JOIN mentions m ON m.id = t.mention_id WHERE m.created_ms >= ? "
        f"AND m.created_ms < ? AND {scope.where()} GROUP BY t.tag",
        (start_ms, end_ms, scope.watch_set),
    ):
        counts[f"#{tag}"] = int(n)
    return counts, read


def _count(texts: list[tuple[str]], words: Words) -> Counter[str]:
    counts: Counter[str] = Counter()
    for (text,) in texts:
        counts.update(words(text))
    return counts


async def recount_day(
    db: Database, scope: Scope | str, day: int, words: Words, unit: Unit = DAY
) -> None:
    """Count one day (or hour) from its mentions and keep the counts (a cache: it wakes
    no one). The count and what it was counted from are read in one snapshot."""
    scope = _scope(scope)
    reader = db.reader
    await begin_read(reader)
    try:
        counts, read = await count_span(reader, scope, day * unit.ms, (day + 1) * unit.ms, words)
    finally:
        await reader.execute("COMMIT")
    async with db.transaction(wakes=False) as conn:
        await conn.execute(
            f"DELETE FROM {unit.counts} WHERE watch_set = ? AND {unit.column} = ?",
            (scope.key, day),
        )
        await conn.executemany(
            f"INSERT INTO {unit.counts} VALUES (?, ?, ?, ?)",
            [(scope.key, day, term, n) for term, n in counts.items()],
        )
        await conn.execute(
            f"INSERT INTO {unit.counted} VALUES (?, ?, ?) ON CONFLICT (watch_set, "
            f"{unit.column}) DO UPDATE SET mentions = excluded.mentions",
            (scope.key, day, read),
        )


async def kept_counts(
    conn: Connection, scope: Scope | str, first_day: int, end_day: int, unit: Unit = DAY
) -> Counter[str]:
    """The kept counts of whole days (or hours) [first_day, end_day), summed per term."""
    counts: Counter[str] = Counter()
    for term, n in await fetch_all(
        conn,
        f"SELECT term, sum(n) FROM {unit.counts} WHERE watch_set = ? "
        f"AND {unit.column} >= ? AND {unit.column} < ? GROUP BY term",
        (_scope(scope).key, first_day, end_day),
    ):
        counts[str(term)] = int(n)
    return counts


async def example(
    conn: Connection, scope: Scope | str, term: str, start_ms: int, end_ms: int
) -> tuple[int, str] | None:
    """The newest mention of [start, end) that holds the term (a word or #tag)."""
    scope = _scope(scope)
    if term.startswith("#"):
        sql = (
            "SELECT m.id, m.text FROM mention_hashtags t JOIN mentions m ON m.id = t.mention_id "
            "WHERE t.tag = ? AND m.created_ms >= ? AND m.created_ms < ? "
            f"AND {scope.where()} ORDER BY m.created_ms DESC LIMIT 1"
        )
        key = term[1:]
    else:
        sql = (
            "SELECT m.id, m.text FROM mentions_fts f JOIN mentions m ON m.id = f.rowid "
            "WHERE mentions_fts MATCH ? AND m.created_ms >= ? AND m.created_ms < ? "
            f"AND {scope.where()} ORDER BY m.created_ms DESC LIMIT 1"
        )
        key = '"' + term.replace('"', '""') + '"'
    rows = await fetch_all(conn, sql, (key, start_ms, end_ms, scope.watch_set))
    return (int(rows[0][0]), str(rows[0][1])) if rows else None


async def first_mention_ms(conn: Connection, scope: Scope | str) -> int | None:
    """When the scope's first stored mention was posted (from the rollups)."""
    scope = _scope(scope)
    column = "neg" if scope.negative else "n"
    rows = await fetch_all(
        conn,
        f"SELECT min(hour) FROM mention_hours WHERE watch_set = ? AND {column} > 0",
        (scope.watch_set,),
    )
    return None if not rows or rows[0][0] is None else int(rows[0][0]) * 3_600_000
