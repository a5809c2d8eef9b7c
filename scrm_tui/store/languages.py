"""Mentions stored before languages were kept (schema step 25): find them, write theirs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from scrm_tui.store.db import Database, fetch_all, fetch_one
from scrm_tui.store.priority import owe_rescore


class Undetected(NamedTuple):
    id: int
    text: str
    matched: str | None


class Detected(NamedTuple):
    """What the catch-up learnt of one mention: its language, and its sentiment in it."""

    id: int
    lang: str | None
    lang_conf: float | None
    lang_src: str
    compound: float | None
    pos: float | None
    neu: float | None
    neg: float | None


class LanguageStore:
    """Through the partial index mentions_lang_todo: only the rows still to do are read."""

    def __init__(self, db: Database):
        self.db = db

    async def owed(self) -> bool:
        row = await fetch_one(
            self.db.reader, "SELECT 1 FROM mentions WHERE lang_src IS NULL LIMIT 1"
        )
        return row is not None

    async def count_owed(self) -> int:
        row = await fetch_one(
            self.db.reader, "SELECT count(*) FROM mentions WHERE lang_src IS NULL"
        )
        return int(row[0]) if row else 0

    async def page(self, after: int, limit: int) -> list[Undetected]:
        rows = await fetch_all(
            self.db.reader,
            "SELECT id, text, matched FROM mentions INDEXED BY mentions_lang_todo "
            "WHERE lang_src IS NULL AND id > ? ORDER BY id LIMIT ?",
            (after, limit),
        )
        return [Undetected(*row) for row in rows]

    async def finish(self, now_ms: int) -> None:
        """All detected: priorities are owed a re-score, since some sentiments changed."""
        async with self.db.transaction() as conn:
            await owe_rescore(conn, now_ms)

    async def apply(self, rows: Sequence[Detected]) -> None:
        """One transaction per page; a row someone else did meanwhile is left alone."""
        async with self.db.transaction() as conn:
            await conn.executemany(
                # A sentiment someone set by hand stays theirs.
                """UPDATE mentions SET lang = ?, lang_conf = ?, lang_src = ?,
                       compound = CASE WHEN mood_by IS NULL THEN ? ELSE compound END,
                       pos = CASE WHEN mood_by IS NULL THEN ? ELSE pos END,
                       neu = CASE WHEN mood_by IS NULL THEN ? ELSE neu END,
                       neg = CASE WHEN mood_by IS NULL THEN ? ELSE neg END
                   WHERE id = ? AND lang_src IS NULL""",
                [
                    (r.lang, r.lang_conf, r.lang_src, r.compound, r.pos, r.neu, r.neg, r.id)
                    for r in rows
                ],
            )
