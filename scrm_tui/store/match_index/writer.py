"""The shared match index kept current: customers changed, and what they hold written."""

from __future__ import annotations

import json
from collections.abc import Sequence

from scrm_tui.store.db import Database, fetch_all, fetch_one
from scrm_tui.store.engines import SQLITE
from scrm_tui.store.match_index.records import (
    _PAIRS_OF_ENTRIES,
    CustomerRecord,
    IndexedCustomer,
    _chunks,
    _marks,
    pair_keys,
)
from scrm_tui.store.schema import PAIRED_ALL


class MatchIndexStore:
    """Keeping the index current: which customers changed, and writing what they hold."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @property
    def least_page(self) -> int:
        """The fewest customers worth a transaction of `apply`: on PostgreSQL each of its
        twenty statements is a round trip to the server, which a small page spends its
        hold on the write lock on rather than on customers."""
        return 10 if self.db.engine == SQLITE else 250

    async def dirty(self, limit: int, after_seq: int = 0) -> list[tuple[int, int]]:
        """(mark, customer) of customers changed since indexed, oldest mark first."""
        rows = await fetch_all(
            self.db.reader,
            "SELECT seq, customer_id FROM match_dirty WHERE seq > ? ORDER BY seq LIMIT ?",
            (after_seq, limit),
        )
        return [(int(s), int(c)) for s, c in rows]

    async def first_live(self, limit: int) -> list[int]:
        """The first `limit` live customers' ids: what an empty search lists."""
        rows = await fetch_all(
            self.db.reader,
            "SELECT id FROM customers WHERE merged_into IS NULL ORDER BY id LIMIT ?",
            (limit,),
        )
        return [int(r[0]) for r in rows]

    async def dirty_count(self, cap: int | None = None) -> int:
        """How many customers wait to be indexed; with `cap`, counted no further than
        that (what a keystroke can afford at a million)."""
        sql = "SELECT count(*) FROM match_dirty"
        if cap is not None:
            sql = f"SELECT count(*) FROM (SELECT 1 FROM match_dirty LIMIT {int(cap)})"
        row = await fetch_one(self.db.reader, sql)
        return int(row[0]) if row else 0

    async def population(self) -> int:
        row = await fetch_one(self.db.reader, "SELECT n FROM match_population WHERE id = 1")
        return int(row[0]) if row else 0

    async def records(self, ids: Sequence[int]) -> dict[int, CustomerRecord]:
        """The live customers among `ids` (merged or deleted ones are left out)."""
        out: dict[int, CustomerRecord] = {}
        handles: dict[int, list[tuple[str, str]]] = {}
        for chunk in _chunks(list(ids)):
            marks = _marks(len(chunk))
            for cid, channel, handle in await fetch_all(
                self.db.reader,
                f"SELECT customer_id, channel, handle FROM identities "
                f"WHERE customer_id IN ({marks}) ORDER BY id",
                list(chunk),
            ):
                handles.setdefault(cid, []).append((channel, handle))
            for i, name, email, company in await fetch_all(
                self.db.reader,
                f"SELECT id, name, email, company FROM customers "
                f"WHERE id IN ({marks}) AND merged_into IS NULL",
                list(chunk),
            ):
                out[i] = CustomerRecord(i, name, email, company, ())
        return {
            i: CustomerRecord(r.id, r.name, r.email, r.company, tuple(handles.get(i, ())))
            for i, r in out.items()
        }

    async def apply(
        self, marks: Sequence[tuple[int, int]], rows: dict[int, IndexedCustomer]
    ) -> None:
        """Index the customers of `marks` as `rows` says (absent: no longer live), in one
        transaction. A customer marked again meanwhile keeps its newer mark, and is
        indexed again next time. No list shows the index: open inboxes are not woken
        (a million customers indexed in the background would wake them every page)."""
        async with self.db.transaction(wakes=False) as conn:
            ids = [c for _, c in marks]
            old: dict[int, tuple[str, str, str]] = {}
            for chunk in _chunks(ids):
                for cid, words, name_words, keys in await fetch_all(
                    conn,
                    "SELECT customer_id, words, name_words, keys FROM match_entries "
                    f"WHERE customer_id IN ({_marks(len(chunk))})",
                    list(chunk),
                ):
                    old[cid] = (words, name_words, keys)
            gone_words: list[tuple[str, int]] = []
            gone_keys: list[tuple[str, int]] = []
            gone_pairs: list[tuple[str, int]] = []
            df_down: list[tuple[str]] = []
            for cid, (words, name_words, keys) in old.items():
                gone_words.extend((w, cid) for w in json.loads(words))
                gone_pairs.extend((p, cid) for p in pair_keys(json.loads(words)))
                gone_keys.extend((k, cid) for k in json.loads(keys))
                df_down.extend((w,) for w in json.loads(name_words))
            await conn.executemany(
                "DELETE FROM match_words WHERE word = ? AND customer_id = ?", gone_words
            )
            await conn.executemany(
                "DELETE FROM match_keys WHERE key = ? AND customer_id = ?", gone_keys
            )
            await conn.executemany(
                "DELETE FROM match_pairs WHERE pair = ? AND customer_id = ?", gone_pairs
            )
            await conn.executemany("UPDATE match_df SET n = n - 1 WHERE word = ?", df_down)
            if df_down:
                await conn.execute("DELETE FROM match_df WHERE n <= 0")
            await conn.executemany(
                "DELETE FROM match_entries WHERE customer_id = ?", [(c,) for c in old]
            )
            fresh = [rows[c] for c in ids if c in rows]
            await conn.executemany(
                "INSERT INTO match_entries (customer_id, text, handles, entry, words, "
                "name_words, keys) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.customer_id,
                        r.text,
                        r.handles,
                        r.entry,
                        json.dumps(list(r.words)),
                        json.dumps(list(r.name_words)),
                        json.dumps(list(r.keys)),
                    )
                    for r in fresh
                ],
            )
            await conn.executemany(
                "INSERT OR IGNORE INTO match_words (word, customer_id) VALUES (?, ?)",
                [(w, r.customer_id) for r in fresh for w in r.words],
            )
            await conn.executemany(
                "INSERT OR IGNORE INTO match_keys (key, customer_id) VALUES (?, ?)",
                [(k, r.customer_id) for r in fresh for k in r.keys],
            )
            await conn.executemany(
                "INSERT OR IGNORE INTO match_pairs (pair, customer_id) VALUES (?, ?)",
                [(p, r.customer_id) for r in fresh for p in pair_keys(r.words)],
            )
            await conn.executemany(
                "INSERT INTO match_df (word, n) VALUES (?, 1) "
                "ON CONFLICT (word) DO UPDATE SET n = n + 1",
                [(w,) for r in fresh for w in r.name_words],
            )
            # A deletion whose word left every name stays: it leads to a word nobody
            # holds, which finds no one (cheaper than counting who else needs it).
            await conn.executemany(
                "INSERT OR IGNORE INTO match_deletions (probe, word) VALUES (?, ?)",
                [p for r in fresh for p in r.probes],
            )
            await conn.execute(
                "UPDATE match_population SET n = n + ? WHERE id = 1", (len(fresh) - len(old),)
            )
            await conn.executemany(
                "DELETE FROM match_dirty WHERE seq = ? AND customer_id = ?", list(marks)
            )

    async def unpaired(self) -> int:
        """Indexed customers the background job has not paired yet (schema step 23)."""
        row = await fetch_one(
            self.db.reader,
            "SELECT count(*) FROM match_entries "
            "WHERE customer_id > (SELECT upto FROM match_pairs_done WHERE id = 1)",
        )
        return int(row[0]) if row else 0

    async def pairs_owed(self) -> bool:
        row = await fetch_one(self.db.reader, "SELECT upto FROM match_pairs_done WHERE id = 1")
        return row is not None and int(row[0]) < PAIRED_ALL

    async def pair_up(self, count: int) -> int | None:
        """Pair the words of the next `count` indexed customers not paired yet, in one
        transaction that records how far it got; how many it paired, or None once every
        customer is (a kill loses at most this page)."""
        async with self.db.transaction(wakes=False) as conn:
            row = await fetch_one(conn, "SELECT upto FROM match_pairs_done WHERE id = 1")
            upto = int(row[0]) if row else PAIRED_ALL
            if upto >= PAIRED_ALL:
                return None
            [(last, n)] = await fetch_all(
                conn,
                "SELECT max(customer_id), count(*) FROM (SELECT customer_id FROM match_entries "
                "WHERE customer_id > ? ORDER BY customer_id LIMIT ?)",
                (upto, count),
            )
            if not n:
                await conn.execute(
                    "UPDATE match_pairs_done SET upto = ? WHERE id = 1", (PAIRED_ALL,)
                )
                return None
            await conn.execute(
                f"INSERT OR IGNORE INTO match_pairs (pair, customer_id) {_PAIRS_OF_ENTRIES}",
                (upto, last),
            )
            await conn.execute("UPDATE match_pairs_done SET upto = ? WHERE id = 1", (last,))
            return int(n)
