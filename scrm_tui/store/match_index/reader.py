"""The shared match index's lookups, synchronous, on a read-only connection of their own."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

from scrm_tui.core import networks
from scrm_tui.core.handles import handle_key
from scrm_tui.store.match_index.records import _CHUNK, CustomerRecord, _chunks, _marks
from scrm_tui.store.pg.url import is_url
from scrm_tui.store.schema import PAIRED_ALL

T = TypeVar("T")
_PER_NAME = 50  # not-yet-indexed customers a name (or its start) brings in, at most
# A match sends ~18 statements, most with an IN list as long as what it asks about.
# Each distinct text is compiled once and kept (sqlite3's cache of prepared statements):
# lists are padded to the next power of two (_padded), so the texts are a few hundred,
# not thousands, and all stay compiled; compiling one again costs about as much as
# running it (a tenth of a match's CPU was spent so at a million customers).
_STATEMENTS = 512


def _padded(values: Sequence[object]) -> tuple[str, list[object]]:
    """Marks and parameters for `IN (...)` of `values`, padded with NULLs (which match
    nothing) to the next power of two, no further than a chunk."""
    size = 1
    while size < len(values):
        size *= 2
    size = min(size, max(len(values), _CHUNK))
    return _marks(size), [*values, *[None] * (size - len(values))]


def _guarded(method: Callable[..., T]) -> Callable[..., T]:
    def call(self: MatchIndexReader, *args: object) -> T:
        with self._guard:
            if self._stop is not None and self._stop.is_set():
                # Stopped between two statements, where SQLite's interrupt has nothing
                # to stop: the run ends at its next lookup instead.
                raise sqlite3.OperationalError("interrupted")
            return method(self, *args)

    return call


class MatchIndexReader:
    """The index's lookups, synchronous, on a read-only connection of its own.

    Used from one thread at a time (the matching worker); every call is one or a few
    indexed range reads.
    """

    def __init__(self, path: Path | str) -> None:
        if is_url(path):
            from scrm_tui.store.pg.sync import SyncPgConnection  # psycopg only when used

            self._conn = cast(sqlite3.Connection, SyncPgConnection(str(path)))
        else:
            self._conn = sqlite3.connect(
                f"file:{Path(path)}?mode=ro",
                uri=True,
                check_same_thread=False,
                timeout=5.0,
                cached_statements=_STATEMENTS,
            )
            self._conn.execute("PRAGMA query_only = 1")
        # The link pane may ask while a page is matched in another thread.
        self._guard = threading.Lock()
        self._runs = threading.Lock()  # one stoppable run at a time
        self._swap = threading.Lock()  # who runs now, against a stop from another thread
        self._stop: threading.Event | None = None  # the running one's, set once stopped
        self._paired_all = False  # match_pairs_done said every customer is paired
        # Names and handles are read from their narrow index (schema step 40), not from
        # whole rows: a random row costs a page of its own either way, and the index's
        # pages are a ninth as many, so more of them are at hand (the rescue reads
        # thousands). A file not upgraded yet (a tool reading it as it is) reads the
        # rows: the same answers, more slowly.
        found = list(
            self._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'match_entries_names'"
            )
        )
        self._names = "INDEXED BY match_entries_names" if found else ""

    def run_stoppable(self, call: Callable[[], T], stop: threading.Event) -> T:
        """`call()` (lookups on this reader), ended early by `stopped(stop)` from any
        thread: its statement is interrupted and the lookups after it raise
        sqlite3.OperationalError. A run waits for the one before it to end."""
        with self._runs:
            with self._swap:
                self._stop = stop
            try:
                return call()
            finally:
                with self._swap:
                    self._stop = None

    def stopped(self, stop: threading.Event) -> None:
        """End the run of `stop` (a search a newer one replaced), if it has not ended:
        never a later run's statement (SQLite's interrupt stops whatever runs)."""
        with self._swap:
            stop.set()
            if self._stop is stop:
                self._conn.interrupt()

    def close(self) -> None:
        """Close, once a lookup running in another thread (a cancelled match) is done."""
        with self._guard:
            self._conn.close()

    # Many ids or rows come back as one JSON array per chunk: SQLite builds it in C,
    # and json.loads reads it back several times faster than stepping row by row.
    def _column(self, sql: str, values: Collection[str]) -> list[tuple[Any, ...]]:
        ordered = list(values)
        rows: list[tuple[Any, ...]] = []
        for chunk in _chunks(ordered):
            marks, params = _padded(chunk)
            rows.extend(self._conn.execute(sql.format(marks=marks), params))
        return rows

    @_guarded
    def population(self) -> int:
        rows = list(self._conn.execute("SELECT n FROM match_population WHERE id = 1"))
        return int(rows[0][0]) if rows else 0

    @_guarded
    def df(self, words: Collection[str]) -> dict[str, int]:
        if not words:
            return {}
        return self._counts("match_df", words)

    @_guarded
    def holders(self, words: Collection[str]) -> set[int]:
        if not words:
            return set()
        sql = "SELECT json_group_array(customer_id) FROM match_words WHERE word IN ({marks})"
        return {i for (found,) in self._column(sql, words) for i in json.loads(found)}

    @_guarded
    def holders_each(self, words: Collection[str]) -> dict[str, list[int]]:
        """word -> its holders, for each of `words` someone holds: many words in one read."""
        sql = (
            "SELECT word, json_group_array(customer_id) FROM match_words "
            "WHERE word IN ({marks}) GROUP BY word"
        )
        return {str(w): json.loads(found) for w, found in self._column(sql, words)}

    @_guarded
    def counted(self, words: Collection[str], cap: int) -> int:
        """Holders of `words` (with repeats), no more than cap + 1: a look-up of each
        word's count (match_word_n), however many hold it."""
        if not words:
            return 0
        sql = "SELECT sum(n) FROM match_word_n WHERE word IN ({marks})"
        total = sum(int(n or 0) for (n,) in self._column(sql, words))
        return min(total, cap + 1)

    @_guarded
    def word_counts(self, words: Collection[str]) -> dict[str, int]:
        """How many customers hold each of `words` (those nobody holds are left out)."""
        if not words:
            return {}
        return self._counts("match_word_n", words)

    def _counts(self, table: str, words: Collection[str]) -> dict[str, int]:
        """word -> n of a (word, n) table, for those of `words` it holds."""
        rows = self._column(f"SELECT word, n FROM {table} WHERE word IN ({{marks}})", words)
        return {str(w): int(n) for w, n in rows}

    @_guarded
    def deletions(self, probes: Collection[str]) -> dict[str, set[str]]:
        """probe -> the name words that become it with one letter taken out."""
        found: dict[str, set[str]] = {}
        if not probes:
            return found
        sql = "SELECT probe, word FROM match_deletions WHERE probe IN ({marks})"
        for probe, word in self._column(sql, probes):
            found.setdefault(str(probe), set()).add(str(word))
        return found

    @_guarded
    def keyed_each(self, keys: Collection[str], first: int) -> set[int]:
        """`keyed(key, first)` of each of `keys`, together: one statement."""
        found: set[int] = set()
        ordered = list(keys)
        for start in range(0, len(ordered), 100):  # a compound SELECT of 500 arms is too deep
            part = ordered[start : start + 100]
            arm = (
                "SELECT * FROM (SELECT customer_id FROM match_keys WHERE key = ? "
                "ORDER BY customer_id LIMIT ?)"
            )
            # One JSON array back, not a row per id: a common name's keys bring hundreds.
            arms = " UNION ALL ".join([arm] * len(part))
            sql = f"SELECT json_group_array(customer_id) FROM ({arms})"
            params = [v for key in part for v in (key, first)]
            [(ids,)] = self._conn.execute(sql, params)
            found.update(json.loads(ids))
        return found

    @_guarded
    def keyed(self, key: str, first: int | None = None) -> set[int]:
        """Holders of `key`; with `first`, only the first that many by id (a range read
        of the primary key that stops there: a key held by thousands costs no more)."""
        rows = self._conn.execute(
            "SELECT customer_id FROM match_keys WHERE key = ? ORDER BY customer_id LIMIT ?",
            (key, -1 if first is None else first),
        )
        return {int(r[0]) for r in rows}

    @_guarded
    def described(self, ids: Collection[int]) -> list[tuple[int, str, str, list[str]]]:
        """(customer, folded name, handles, every word it is indexed under) of these
        customers, in id order: one read of each one's row, several times cheaper than
        asking the word index about each word and customer."""
        rows: list[tuple[int, str, str, list[str]]] = []
        for chunk in _chunks(sorted(ids)):
            marks, params = _padded(chunk)
            [(found,)] = self._conn.execute(
                "SELECT json_group_array(json_array(customer_id, text, handles, json(words))) "
                f"FROM match_entries WHERE customer_id IN ({marks})",
                params,
            )
            rows.extend((i, t, h, w) for i, t, h, w in json.loads(found))
        return rows

    @_guarded
    def named(self, ids: Collection[int]) -> list[tuple[int, str]]:
        """(customer, folded name) of these customers, in id order: their rows' names
        alone, without the words `described` reads too."""
        rows: list[tuple[int, str]] = []
        for chunk in _chunks(sorted(ids)):
            marks, params = _padded(chunk)
            [(found,)] = self._conn.execute(
                "SELECT json_group_array(json_array(customer_id, text)) "
                f"FROM match_entries {self._names} WHERE customer_id IN ({marks})",
                params,
            )
            rows.extend((i, t) for i, t in json.loads(found))
        return rows

    @_guarded
    def paired(self, pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], set[int]]:
        """The customers holding both words of each of `pairs` (each in order): one short
        posting list per pair. Customers the background job has not paired yet (above
        match_pairs_done.upto) are found by intersecting their words' lists instead."""
        found: dict[tuple[str, str], set[int]] = {}
        if not pairs:
            return found
        by_key = {f"{a} {b}": (a, b) for a, b in pairs}
        sql = (
            "SELECT pair, json_group_array(customer_id) FROM match_pairs "
            "WHERE pair IN ({marks}) GROUP BY pair"
        )
        for key, ids in self._column(sql, by_key):
            found[by_key[key]] = set(json.loads(ids))
        if not self._paired_all:
            [(upto,)] = self._conn.execute("SELECT upto FROM match_pairs_done WHERE id = 1")
            # Once every customer is paired, every one indexed later is too: no need to ask.
            self._paired_all = upto >= PAIRED_ALL
        if not self._paired_all:
            for a, b in pairs:
                rest = self._conn.execute(
                    "SELECT customer_id FROM match_words WHERE word = ? AND customer_id > ? "
                    "INTERSECT "
                    "SELECT customer_id FROM match_words WHERE word = ? AND customer_id > ?",
                    (a, upto, b, upto),
                )
                found.setdefault((a, b), set()).update(int(r[0]) for r in rest)
        return found

    @_guarded
    def deleted_to(self, probes: Collection[str]) -> set[str]:
        if not probes:
            return set()
        sql = "SELECT DISTINCT word FROM match_deletions WHERE probe IN ({marks})"
        return {str(r[0]) for r in self._column(sql, probes)}

    @_guarded
    def texts(self, words: Collection[str]) -> list[tuple[int, str, str]]:
        """(customer, folded name, handles) of every holder of `words`."""
        if not words:
            return []
        sql = (
            "SELECT json_group_array(json_array(customer_id, text, handles)) "
            f"FROM match_entries {self._names} "
            "WHERE customer_id IN (SELECT customer_id FROM match_words WHERE word IN ({marks}))"
        )
        # In id order on PostgreSQL too (its json_agg keeps no order): the rescue breaks
        # ties between equally close customers by it.
        return sorted(
            (i, t, h) for (found,) in self._column(sql, words) for i, t, h in json.loads(found)
        )

    @_guarded
    def name_groups(self, words: Collection[str]) -> dict[str, list[int]]:
        """Folded name -> its holders (in id order) among every holder of `words`, names
        in the order of their first holder: grouped in SQLite, so that the thousands of
        holders of a common first name come back as the few hundred names they hold."""
        if not words:
            return {}
        # One JSON array of [name, [holders]] per chunk of words (a company's name
        # word can have thousands of distinct names beside it).
        sql = (
            "SELECT json_group_array(json_array(text, json(ids))) FROM ("
            f"SELECT text, json_group_array(customer_id) AS ids FROM match_entries {self._names} "
            "WHERE customer_id IN (SELECT customer_id FROM match_words WHERE word IN ({marks})) "
            "GROUP BY text)"
        )
        parts = [json.loads(found) for (found,) in self._column(sql, words)]
        if len(parts) == 1:  # each name once: no merging
            groups = {text: sorted(ids) if len(ids) > 1 else ids for text, ids in parts[0]}
        else:
            merged: dict[str, set[int]] = {}
            for part in parts:
                for text, ids in part:
                    merged.setdefault(text, set()).update(ids)
            groups = {text: sorted(ids) for text, ids in merged.items()}
        return {text: groups[text] for text in sorted(groups, key=lambda t: groups[t][0])}

    @_guarded
    def entries(self, ids: Collection[int]) -> list[tuple[int, str]]:
        """(customer, prepared entry) of these customers, as indexed."""
        ordered = sorted(ids)
        rows: list[tuple[int, str]] = []
        for chunk in _chunks(ordered):
            marks, params = _padded(chunk)
            rows.extend(
                self._conn.execute(
                    f"SELECT customer_id, entry FROM match_entries WHERE customer_id IN ({marks})",
                    params,
                )
            )
        return rows

    @_guarded
    def prefixed(self, prefix: str, cap: int) -> set[int]:
        """Up to `cap` holders of words, then keys, that start with `prefix` (a range read
        of each primary key, stopped at `cap` rows)."""
        found: set[int] = set()
        upper = prefix + "\U0010ffff"
        for table, column in (("match_words", "word"), ("match_keys", "key")):
            rows = self._conn.execute(
                f"SELECT customer_id FROM {table} WHERE {column} >= ? AND {column} < ? LIMIT ?",
                (prefix, upper, cap - len(found)),
            )
            found.update(int(r[0]) for r in rows)
            if len(found) >= cap:
                break
        return found

    @_guarded
    def backlog(self) -> bool:
        """Some customers are marked and not indexed yet."""
        return bool(list(self._conn.execute("SELECT 1 FROM match_dirty LIMIT 1")))

    @_guarded
    def unindexed(
        self, channel: str, handle: str, emails: Collection[str], names: Collection[str]
    ) -> list[CustomerRecord]:
        """Live customers not indexed yet (a backlog being indexed) that hold this handle
        (on any network without `channel`) or e-mail, or whose name starts with one of
        `names` (case aside): each an indexed look-up of its own, so a match need not
        wait for the backlog."""
        ids: set[int] = set()
        if not handle and not emails and not names:
            return []
        dirty = "AND {column} IN (SELECT customer_id FROM match_dirty)"
        # A handle typed into a search may be on any network.
        for network in (channel,) if channel else networks.names() if handle else ():
            ids.update(
                int(r[0])
                for r in self._conn.execute(
                    "SELECT customer_id FROM identities WHERE channel = ? AND handle_key = ? "
                    + dirty.format(column="customer_id"),
                    (str(network), handle_key(network, handle)),
                )
            )
        for email in emails:
            ids.update(
                int(r[0])
                for r in self._conn.execute(
                    "SELECT id FROM customers WHERE email = ? COLLATE NOCASE "
                    + dirty.format(column="id"),
                    (email,),
                )
            )
        for name in names:
            ids.update(
                int(r[0])
                for r in self._conn.execute(
                    # By the name index: else the planner may walk the whole backlog.
                    "SELECT id FROM customers INDEXED BY customers_name "
                    "WHERE name >= ? COLLATE NOCASE AND name < ? COLLATE NOCASE "
                    + dirty.format(column="id")
                    + " LIMIT ?",
                    (name, name + "\U0010ffff", _PER_NAME),
                )
            )
        return self._records(sorted(ids)) if ids else []

    def _records(self, ids: Sequence[int]) -> list[CustomerRecord]:
        handles: dict[int, list[tuple[str, str]]] = {}
        out: list[CustomerRecord] = []
        for chunk in _chunks(ids):
            marks = _marks(len(chunk))
            for cid, channel, handle in self._conn.execute(
                f"SELECT customer_id, channel, handle FROM identities "
                f"WHERE customer_id IN ({marks}) ORDER BY id",
                list(chunk),
            ):
                handles.setdefault(cid, []).append((channel, handle))
            out.extend(
                CustomerRecord(i, name, email, company, tuple(handles.get(i, ())))
                for i, name, email, company in self._conn.execute(
                    f"SELECT id, name, email, company FROM customers "
                    f"WHERE id IN ({marks}) AND merged_into IS NULL",
                    list(chunk),
                )
            )
        return out

    @_guarded
    def all_ids(self) -> list[int]:
        return [int(r[0]) for r in self._conn.execute("SELECT customer_id FROM match_entries")]
