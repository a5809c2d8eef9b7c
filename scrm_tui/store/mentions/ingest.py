"""Mentions stored: which are stored already, and a batch inserted once (idempotent)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import cast

from scrm_tui.core.models import NewMention
from scrm_tui.core.priority import UNSCORED_RANK, PriorityWeights
from scrm_tui.store import authors, standing
from scrm_tui.store.conn import Connection
from scrm_tui.store.db import BUSY_TIMEOUT_MS, fetch_all, fetch_one
from scrm_tui.store.engines import POSTGRESQL, engine_of
from scrm_tui.store.mentions.base import MentionBase
from scrm_tui.store.mentions.plan import _CHUNK
from scrm_tui.store.pg.url import is_url
from scrm_tui.store.priority import scored
from scrm_tui.store.schema import FTS_TEXT

# What ingest writes of a new mention (insert_batch), in the order of its values.
_NEW_COLUMNS = (
    "channel, external_id, url, author_id, text, created_ms, ingested_ms, in_reply_to, "
    "compound, pos, neu, neg, root_id, matched, text_length, points, priority_base, "
    "priority, priority_rank, lang, lang_conf, lang_src, link, watch_set"
)
_NEW_MARKS = ", ".join("?" * (_NEW_COLUMNS.count(",") + 1))
_BRAND_COLUMNS = _NEW_COLUMNS.removesuffix(", watch_set")


def _existing_queries(keys: list[tuple[str, str]]) -> Iterator[tuple[str, list[str]]]:
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        values = ",".join("(?, ?)" for _ in chunk)
        sql = f"""
            WITH wanted(channel, external_id) AS (VALUES {values})
            SELECT w.channel, w.external_id FROM wanted w
            WHERE EXISTS (SELECT 1 FROM mentions m
                          WHERE m.channel = w.channel AND m.external_id = w.external_id)
        """
        yield sql, [part for key in chunk for part in key]


# Each thread's own connections, by database: a worker process has one thread, but
# when workers cannot start the batches are read on the event loop's threads, and an
# SQLite connection refuses to be used from a thread other than its own.
_OWN = threading.local()


def _read_only(path: str) -> sqlite3.Connection:
    held: dict[str, sqlite3.Connection] = _OWN.__dict__.setdefault("conns", {})
    conn = held.get(path)
    if conn is None:
        if is_url(path):
            from scrm_tui.store.pg.sync import SyncPgConnection  # psycopg only when used

            conn = cast(sqlite3.Connection, SyncPgConnection(path))
        else:
            conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if len(held) >= 4:  # a long-lived process that ingested into many databases
            held.pop(next(iter(held))).close()
        held[path] = conn
    return conn


def existing_ids_now(path: str, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The same lookup, synchronous, for a worker process (its own read-only connection)."""
    conn = _read_only(path)
    found: set[tuple[str, str]] = set()
    for sql, params in _existing_queries(keys):
        found.update((row[0], row[1]) for row in conn.execute(sql, params))
    return found


class MentionIngest(MentionBase):
    """Ingest: which mentions are stored already, and a batch stored (idempotent)."""

    async def existing_ids(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (channel, external_id) pairs are already stored."""
        found: set[tuple[str, str]] = set()
        for sql, params in _existing_queries(list(keys)):
            found.update((row[0], row[1]) for row in await self._all(sql, params))
        return found

    async def insert_batch(
        self,
        rows: Sequence[NewMention],
        now_ms: int,
        own_parts: Sequence[float] | None = None,
        weights: PriorityWeights | None = None,
    ) -> list[int]:
        """Store mentions and their authors in one transaction; return the new ids.

        A mention already stored (same channel and external id) is left as it is, so
        ingesting the same input twice stores nothing twice. With `own_parts` (each
        row's own part of its priority under `weights`) each is stored with its
        priority; StaleWeights if the stored weights changed meanwhile.
        """
        if not rows:
            return []
        async with self.db.transaction() as conn:
            before = (await fetch_one(conn, "SELECT coalesce(max(id), 0) FROM mentions") or (0,))[0]
            ids, profiles = await authors.resolve(conn, self._authors, rows)
            author_ids = [ids[(r.channel, r.handle_key)] for r in rows]
            if own_parts is not None and weights is not None:
                scores = await scored(
                    conn,
                    weights,
                    [
                        (author, r.created_ms, own)
                        for author, r, own in zip(author_ids, rows, own_parts, strict=True)
                    ],
                )
                parts: Sequence[float | None] = own_parts
            else:
                scores = [(None, UNSCORED_RANK)] * len(rows)  # type: ignore[list-item]
                parts = [None] * len(rows)
            values = [
                (
                    r.channel,
                    r.external_id,
                    r.url,
                    author,
                    r.text,
                    r.created_ms,
                    now_ms,
                    r.in_reply_to,
                    r.compound,
                    r.pos,
                    r.neu,
                    r.neg,
                    r.root,
                    r.matched,
                    None if r.full_text is None else len(r.full_text),
                    r.points,
                    own,
                    priority,
                    rank,
                    r.lang,
                    r.lang_conf,
                    r.lang_src,
                    r.link,
                    r.watch_set or None,  # NULL: the brand's own (schema step 31)
                )
                for r, author, own, (priority, rank) in zip(
                    rows, author_ids, parts, scores, strict=True
                )
            ]
            if engine_of(conn) == POSTGRESQL:
                await _copied(conn, _nul_free(values))
            else:
                await _staged(conn, values, any(r.watch_set for r in rows))
            stored = [
                row[0]
                for row in await fetch_all(
                    conn, "SELECT id FROM mentions WHERE id > ? ORDER BY id", (before,)
                )
            ]
            cut = [r for r in rows if r.full_text is not None]
            if cut and stored:
                # The whole text of a cut mention stored just now (not one known before).
                await conn.executemany(
                    "INSERT OR IGNORE INTO mention_originals (mention_id, text) "
                    "SELECT id, ? FROM mentions WHERE channel = ? AND external_id = ? AND id > ?",
                    [
                        _without_nul(row) if engine_of(conn) == POSTGRESQL else row
                        for row in ((r.full_text, r.channel, r.external_id, before) for r in cut)
                    ],
                )
            if stored:
                await conn.execute(
                    f"INSERT INTO mentions_fts (rowid, text) "
                    f"SELECT id, {FTS_TEXT} FROM mentions WHERE id > ?",
                    (before,),
                )
                await _store_hashtags(conn, rows, before)
            # Advocacy's standing moves along as time passes, in a write made anyway:
            # once an hour, a few hundred authors (store/standing.py).
            await standing.keep_up(conn, now_ms)
        # Only now that the rows are committed may their ids be remembered.
        self._authors.update(profiles)
        return stored


def _nul_free(values: Sequence[tuple[object, ...]]) -> Sequence[tuple[object, ...]]:
    """The batch's rows as PostgreSQL's text can hold them (_without_nul): one look over
    all their texts at once first, as a NUL is rare (16 µs a row when each is looked at
    on its own)."""
    if "\x00" not in "".join([v for row in values for v in row if isinstance(v, str)]):
        return values
    return [_without_nul(row) for row in values]


def _without_nul(row: tuple[object, ...]) -> tuple[object, ...]:
    """A row PostgreSQL's text can hold: a NUL becomes "␀", the Control Picture the
    screen shows for it anyway (core/sanitize), which FTS5 and tsv split words on alike.
    SQLite keeps the text exactly as received."""
    if not any(isinstance(v, str) and "\x00" in v for v in row):
        return row
    return tuple(v.replace("\x00", "\u2400") if isinstance(v, str) else v for v in row)


async def _staged(conn: Connection, values: Sequence[tuple[object, ...]], watched: bool) -> None:
    """Staged, then moved in one statement: an INSERT runs the mention_counts trigger's
    setup each time it is executed, 16 µs a row when each row is its own execution, once
    a batch here (28 µs a row against 12). The trigger still counts every row, and ids
    follow the batch's order."""
    await conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS mentions_new ({_NEW_COLUMNS})")
    await conn.executemany(
        f"INSERT INTO mentions_new ({_NEW_COLUMNS}) VALUES ({_NEW_MARKS})", values
    )
    # A batch of the brand's own names no watch set (NULL is the brand's): the
    # statement a database from before competitors (schema 31) takes too.
    columns = _NEW_COLUMNS if watched else _BRAND_COLUMNS
    await conn.execute(
        f"INSERT INTO main.mentions ({columns}) "
        f"SELECT {columns} FROM mentions_new WHERE true ORDER BY rowid "
        "ON CONFLICT (channel, external_id) DO NOTHING"
    )
    await conn.execute("DELETE FROM mentions_new")


async def _copied(conn: Connection, values: Sequence[tuple[object, ...]]) -> None:
    """PostgreSQL: the batch copied into a staging table (COPY: no statement text of
    240,000 literals to write and parse), then moved in one statement, so the insert
    triggers (store/pg/insert_triggers.sql) run once a batch over its new rows. Ids
    follow the batch's order (`seq`); the staged rows go at commit."""
    from scrm_tui.store.pg.connection import PgConnection

    pg = cast(PgConnection, conn)
    # PostgreSQL's own statements and COPY: nothing of SQLite's to translate.
    await pg.execute_native(
        "CREATE TEMP TABLE IF NOT EXISTS mentions_new ON COMMIT DELETE ROWS AS "
        f"SELECT 0::bigint AS seq, {_NEW_COLUMNS} FROM mentions WITH NO DATA"
    )
    await pg.copy_in(
        f"COPY mentions_new (seq, {_NEW_COLUMNS}) FROM STDIN",
        ((seq, *row) for seq, row in enumerate(values)),
    )
    await pg.execute_native(
        f"INSERT INTO mentions ({_NEW_COLUMNS}) SELECT {_NEW_COLUMNS} FROM mentions_new "
        "ORDER BY seq ON CONFLICT (channel, external_id) DO NOTHING"
    )


async def _store_hashtags(conn: Connection, rows: Sequence[NewMention], before: int) -> None:
    """The hashtags of the mentions stored just now (id > `before`), not of those
    already known."""
    await conn.executemany(
        "INSERT OR IGNORE INTO mention_hashtags (tag, created_ms, mention_id) "
        "SELECT ?, created_ms, id FROM mentions WHERE channel = ? AND external_id = ? AND id > ?",
        [(tag, r.channel, r.external_id, before) for r in rows for tag in r.hashtags],
    )
