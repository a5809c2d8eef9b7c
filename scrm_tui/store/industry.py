"""Reads for the industry section: which watch sets have mentions, and each
competitor's switching opportunities (negative mentions and questions) in a range."""

from __future__ import annotations

from dataclasses import dataclass

from scrm_tui.core.models import NEUTRAL_BAND
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import fetch_all
from scrm_tui.store.filter_sql import QUESTION_SQL

HOUR_MS = 3_600_000


@dataclass(frozen=True)
class Openings:
    """A competitor's mentions in a range that are chances to win someone over."""

    negative: int
    questions: int
    either: int  # negative, or a question, or both: each mention once


async def watch_sets(conn: Connection, start_ms: int, end_ms: int) -> list[str]:
    """The competitors' keys with a mention in [start, end), from the hourly rollups."""
    rows = await fetch_all(
        conn,
        "SELECT DISTINCT watch_set FROM mention_hours WHERE watch_set != '' "
        "AND hour >= ? AND hour < ? AND n > 0 ORDER BY 1",
        (start_ms // HOUR_MS, end_ms // HOUR_MS),
    )
    return [str(r[0]) for r in rows]


async def moods(
    conn: Connection, watch_set: str, start_ms: int, end_ms: int
) -> tuple[int, int, int, int, int, int]:
    """A watch set's mentions in [start, end) (whole hours) and their moods, summed by
    SQLite from the hourly rollups: n, pos, neu, neg, unscored, points."""
    rows = await fetch_all(
        conn,
        "SELECT coalesce(sum(n), 0), coalesce(sum(pos), 0), coalesce(sum(neu), 0), "
        "coalesce(sum(neg), 0), coalesce(sum(unscored), 0), coalesce(sum(points), 0) "
        "FROM mention_hours WHERE watch_set = ? AND hour >= ? AND hour < ?",
        (watch_set, start_ms // HOUR_MS, end_ms // HOUR_MS),
    )
    n, pos, neu, neg, unscored, points = (int(v) for v in rows[0])
    return n, pos, neu, neg, unscored, points


async def openings(conn: Connection, watch_set: str, start_ms: int, end_ms: int) -> Openings:
    """Negative mentions, questions and either, of one competitor in [start, end):
    read through the index of the competitors' mentions (schema step 33), so the
    brand's million rows are never looked at. The conditions are the filter
    language's own (s:neg, is:question), so the figure and the filter agree."""
    # Counted with FILTER, not sums of truths: one SQL that both engines read the same.
    negative = f"m.compound <= -{NEUTRAL_BAND}"
    rows = await fetch_all(
        conn,
        f"""SELECT count(*), count(*) FILTER (WHERE {negative}),
                   count(*) FILTER (WHERE {QUESTION_SQL}),
                   count(*) FILTER (WHERE {negative} OR {QUESTION_SQL})
            FROM mentions m INDEXED BY mentions_watch_set
            WHERE m.watch_set = ? AND m.created_ms >= ? AND m.created_ms < ?""",
        (watch_set, start_ms, end_ms),
    )
    _, neg, questions, either = (int(v) for v in rows[0])
    return Openings(neg, questions, either)
