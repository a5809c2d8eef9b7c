"""Term counts per UTC day for rising terms, counted once per day and kept.

A day's counts (how many of its mentions hold each word or #tag) are read from the
stored texts and hashtags the first time a report needs that day, then kept in
`term_days`. The day is counted again when its mention count moves (a late arrival, a
backfill) or a text in it changes, so what is kept is always what the mentions say.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterable

import aiosqlite

from scrm_tui.store.db import Database, begin_read, fetch_all
from scrm_tui.store.schema import FTS_TEXT

DAY_MS = 86_400_000

Words = Callable[[str], set[str]]


async def day_totals(
    conn: aiosqlite.Connection, watch_set: str, days: Iterable[int]
) -> dict[int, int]:
    """Mentions per day, from the hourly rollups."""
    wanted = sorted(set(days))
    if not wanted:
        return {}
    rows = await fetch_all(
        conn,
        "SELECT hour / 24, sum(n) FROM mention_hours WHERE watch_set = ? "
        "AND hour >= ? AND hour < ? GROUP BY 1",
        (watch_set, wanted[0] * 24, (wanted[-1] + 1) * 24),
    )
    found = {int(day): int(n) for day, n in rows}
    return {day: found.get(day, 0) for day in wanted}


async def stale_days(db: Database, watch_set: str, days: Iterable[int]) -> list[int]:
    """The days whose kept counts are missing or no longer match their mentions."""
    wanted = sorted(set(days))
    if not wanted:
        return []
    totals = await day_totals(db.reader, watch_set, wanted)
    kept = {
        int(day): int(n)
        for day, n in await fetch_all(
            db.reader,
            "SELECT day, mentions FROM term_days_counted WHERE watch_set = ? "
            "AND day >= ? AND day <= ?",
            (watch_set, wanted[0], wanted[-1]),
        )
    }
    return [day for day in wanted if kept.get(day) != totals[day]]


async def count_span(
    conn: aiosqlite.Connection, watch_set: str, start_ms: int, end_ms: int, words: Words
) -> tuple[Counter[str], int]:
    """Mentions holding each term in [start, end), read from the mentions, and how many
    mentions were read."""
    counts: Counter[str] = Counter()
    # A day at most (the rest is kept per day): its texts are read in one step.
    texts = await fetch_all(
        conn,
        f"SELECT {FTS_TEXT} FROM mentions WHERE created_ms >= ? AND created_ms < ? "
        "AND coalesce(watch_set, '') = ?",
        (start_ms, end_ms, watch_set),
    )
    # Splitting a day's texts takes ~40 µs a post: off the event loop, so an inbox or
    # dashboard counting a new range's days keeps answering keys meanwhile.
    counts = await asyncio.to_thread(_count, texts, words)
    read = len(texts)
    for tag, n in await fetch_all(
        conn,
        "SELECT t.tag, count(DISTINCT t.mention_id) FROM mention_hashtags t "
        "JOIN mentions m ON m.id = t.mention_id WHERE m.created_ms >= ? "
        "AND m.created_ms < ? AND coalesce(m.watch_set, '') = ? GROUP BY t.tag",
        (start_ms, end_ms, watch_set),
    ):
        counts[f"#{tag}"] = int(n)
    return counts, read


def _count(texts: list[tuple[str]], words: Words) -> Counter[str]:
    counts: Counter[str] = Counter()
    for (text,) in texts:
        counts.update(words(text))
    return counts


async def recount_day(db: Database, watch_set: str, day: int, words: Words) -> None:
    """Count one day from its mentions and keep the counts (a cache: it wakes no one).
    The count and what it was counted from are read in one snapshot."""
    reader = db.reader
    await begin_read(reader)
    try:
        counts, read = await count_span(reader, watch_set, day * DAY_MS, (day + 1) * DAY_MS, words)
    finally:
        await reader.execute("COMMIT")
    async with db.transaction(wakes=False) as conn:
        await conn.execute(
            "DELETE FROM term_days WHERE watch_set = ? AND day = ?", (watch_set, day)
        )
        await conn.executemany(
            "INSERT INTO term_days VALUES (?, ?, ?, ?)",
            [(watch_set, day, term, n) for term, n in counts.items()],
        )
        await conn.execute(
            "INSERT OR REPLACE INTO term_days_counted VALUES (?, ?, ?)",
            (watch_set, day, read),
        )


async def kept_counts(
    conn: aiosqlite.Connection, watch_set: str, first_day: int, end_day: int
) -> Counter[str]:
    """The kept counts of whole days [first_day, end_day), summed per term."""
    counts: Counter[str] = Counter()
    for term, n in await fetch_all(
        conn,
        "SELECT term, sum(n) FROM term_days WHERE watch_set = ? AND day >= ? AND day < ? "
        "GROUP BY term",
        (watch_set, first_day, end_day),
    ):
        counts[str(term)] = int(n)
    return counts


async def example(
    conn: aiosqlite.Connection, watch_set: str, term: str, start_ms: int, end_ms: int
) -> tuple[int, str] | None:
    """The newest mention of [start, end) that holds the term (a word or #tag)."""
    if term.startswith("#"):
        sql = (
            "SELECT m.id, m.text FROM mention_hashtags t JOIN mentions m ON m.id = t.mention_id "
            "WHERE t.tag = ? AND m.created_ms >= ? AND m.created_ms < ? "
            "AND coalesce(m.watch_set, '') = ? ORDER BY m.created_ms DESC LIMIT 1"
        )
        key = term[1:]
    else:
        sql = (
            "SELECT m.id, m.text FROM mentions_fts f JOIN mentions m ON m.id = f.rowid "
            "WHERE mentions_fts MATCH ? AND m.created_ms >= ? AND m.created_ms < ? "
            "AND coalesce(m.watch_set, '') = ? ORDER BY m.created_ms DESC LIMIT 1"
        )
        key = '"' + term.replace('"', '""') + '"'
    rows = await fetch_all(conn, sql, (key, start_ms, end_ms, watch_set))
    return (int(rows[0][0]), str(rows[0][1])) if rows else None


async def first_mention_ms(conn: aiosqlite.Connection, watch_set: str) -> int | None:
    """When the first stored mention of the watch set was posted (from the rollups)."""
    rows = await fetch_all(
        conn, "SELECT min(hour) FROM mention_hours WHERE watch_set = ? AND n > 0", (watch_set,)
    )
    return None if not rows or rows[0][0] is None else int(rows[0][0]) * 3_600_000
