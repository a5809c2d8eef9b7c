"""Term counts per UTC day for rising terms, counted once per day and kept.

A day's counts (how many of its mentions hold each word or #tag) are read from the
stored texts and hashtags the first time a report needs that day, then kept in
`term_days`. The day is counted again when its mention count moves (a late arrival, a
backfill) or a text in it changes, so what is kept is always what the mentions say.
Counts are kept per Scope: a watch set's mentions (the brand's, with #tags), or a
competitor's by words alone, all of them or the negative ones only.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import aiosqlite

from scrm_tui.store.db import Database, begin_read, fetch_all
from scrm_tui.store.schema import FTS_TEXT, TERM_SCOPES

DAY_MS = 86_400_000

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


def _scope(scope: Scope | str) -> Scope:
    return scope if isinstance(scope, Scope) else Scope(scope)


async def day_totals(
    conn: aiosqlite.Connection, scope: Scope | str, days: Iterable[int]
) -> dict[int, int]:
    """Mentions per day (negative ones, for a negative scope), from the hourly rollups."""
    scope = _scope(scope)
    wanted = sorted(set(days))
    if not wanted:
        return {}
    column = "neg" if scope.negative else "n"
    rows = await fetch_all(
        conn,
        f"SELECT hour / 24, sum({column}) FROM mention_hours WHERE watch_set = ? "
        "AND hour >= ? AND hour < ? GROUP BY 1",
        (scope.watch_set, wanted[0] * 24, (wanted[-1] + 1) * 24),
    )
    found = {int(day): int(n) for day, n in rows}
    return {day: found.get(day, 0) for day in wanted}


async def stale_days(db: Database, scope: Scope | str, days: Iterable[int]) -> list[int]:
    """The days whose kept counts are missing or no longer match their mentions."""
    scope = _scope(scope)
    wanted = sorted(set(days))
    if not wanted:
        return []
    totals = await day_totals(db.reader, scope, wanted)
    kept = {
        int(day): int(n)
        for day, n in await fetch_all(
            db.reader,
            "SELECT day, mentions FROM term_days_counted WHERE watch_set = ? "
            "AND day >= ? AND day <= ?",
            (scope.key, wanted[0], wanted[-1]),
        )
    }
    return [day for day in wanted if kept.get(day) != totals[day]]


async def count_span(
    conn: aiosqlite.Connection, scope: Scope | str, start_ms: int, end_ms: int, words: Words
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


async def recount_day(db: Database, scope: Scope | str, day: int, words: Words) -> None:
    """Count one day from its mentions and keep the counts (a cache: it wakes no one).
    The count and what it was counted from are read in one snapshot."""
    scope = _scope(scope)
    reader = db.reader
    await begin_read(reader)
    try:
        counts, read = await count_span(reader, scope, day * DAY_MS, (day + 1) * DAY_MS, words)
    finally:
        await reader.execute("COMMIT")
    async with db.transaction(wakes=False) as conn:
        await conn.execute(
            "DELETE FROM term_days WHERE watch_set = ? AND day = ?", (scope.key, day)
        )
        await conn.executemany(
            "INSERT INTO term_days VALUES (?, ?, ?, ?)",
            [(scope.key, day, term, n) for term, n in counts.items()],
        )
        await conn.execute(
            "INSERT OR REPLACE INTO term_days_counted VALUES (?, ?, ?)",
            (scope.key, day, read),
        )


async def kept_counts(
    conn: aiosqlite.Connection, scope: Scope | str, first_day: int, end_day: int
) -> Counter[str]:
    """The kept counts of whole days [first_day, end_day), summed per term."""
    counts: Counter[str] = Counter()
    for term, n in await fetch_all(
        conn,
        "SELECT term, sum(n) FROM term_days WHERE watch_set = ? AND day >= ? AND day < ? "
        "GROUP BY term",
        (_scope(scope).key, first_day, end_day),
    ):
        counts[str(term)] = int(n)
    return counts


async def example(
    conn: aiosqlite.Connection, scope: Scope | str, term: str, start_ms: int, end_ms: int
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


async def first_mention_ms(conn: aiosqlite.Connection, scope: Scope | str) -> int | None:
    """When the scope's first stored mention was posted (from the rollups)."""
    scope = _scope(scope)
    column = "neg" if scope.negative else "n"
    rows = await fetch_all(
        conn,
        f"SELECT min(hour) FROM mention_hours WHERE watch_set = ? AND {column} > 0",
        (scope.watch_set,),
    )
    return None if not rows or rows[0][0] is None else int(rows[0][0]) * 3_600_000
