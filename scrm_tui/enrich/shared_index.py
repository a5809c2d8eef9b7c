"""The matcher's candidate index read from the database file every process shares."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from scrm_tui.enrich.matching.prepare import _Entry
from scrm_tui.enrich.matching.records import CustomerKey
from scrm_tui.enrich.matching.rows import IndexRows, entry_from_json, index_rows, prepared
from scrm_tui.store.match_index import CustomerRecord, IndexedCustomer, MatchIndexReader


def customer_key(record: CustomerRecord) -> CustomerKey:
    return CustomerKey(record.id, record.name, record.email, record.company, record.handles)


def indexed(record: CustomerRecord) -> IndexedCustomer:
    """What one live customer puts in the shared index."""
    rows: IndexRows = index_rows(customer_key(record))
    return IndexedCustomer(
        record.id,
        rows.text,
        rows.handles,
        rows.entry,
        rows.words,
        rows.name_words,
        rows.keys,
        rows.probes,
    )


def indexed_all(records: Iterable[CustomerRecord]) -> list[IndexedCustomer]:
    """`indexed` over a page of customers: one call per page to a worker process."""
    return [indexed(r) for r in records]


_MEMO_SETS = 256  # word groups whose holders a batch remembers (the common ones repeat)
# Word groups whose holders' names a batch remembers: read when a common first name
# stands alone (David, Michael), tens of thousands of rows each at a million customers.
_MEMO_TEXTS = 32
# Common names' holders read to rank a big pool (matching/candidates.py's _HOLDER_PER_ROW): up to
# 50,000 ids each (about 2.5 MB as a set), so only a few: 40 MB at the very most.
_MEMO_COMMON = 16


@dataclass
class _Memo:
    population: int | None = None
    df: dict[str, int | None] = field(default_factory=dict)
    holders: dict[frozenset[str], Set[int]] = field(default_factory=dict)
    deleted: dict[str, frozenset[str]] = field(default_factory=dict)  # per probe
    texts: dict[frozenset[str], list[tuple[int, str, str]]] = field(default_factory=dict)
    names: dict[frozenset[str], dict[str, list[int]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # per word, 0 for nobody's
    held: dict[str, frozenset[int]] = field(default_factory=dict)  # per word, read ahead
    common: dict[frozenset[str], Set[int]] = field(default_factory=dict)  # big holder sets
    backlog: bool | None = None  # whether customers wait to be indexed


K = TypeVar("K")
V = TypeVar("V")


def _recall(table: dict[K, V], key: K, read: Callable[[], V], cap: int | None = None) -> V:
    """`table`'s answer for `key`, read and kept the first time (while it holds fewer
    than `cap`: the common lookups come first and repeat; rare ones are not kept)."""
    found = table.get(key)
    if found is None:
        found = read()
        if cap is None or len(table) < cap:
            table[key] = found
    return found


class SharedIndex:
    """A CandidateIndex over store/match_index.py's tables: nothing per customer is kept
    in memory: each customer scored is read back as the index stored it."""

    in_memory = False

    def __init__(self, reader: MatchIndexReader) -> None:
        self.reader = reader
        self._memo: _Memo | None = None

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """Within: lookups that repeat from one author to the next (the holders of
        common words, their weights) are read once. For a batch of authors matched
        together: the index read at the start of the batch serves all of it. Within
        a batch already, the batch's memory serves (match() remembers for itself)."""
        if self._memo is not None:
            yield
            return
        self._memo = _Memo()
        try:
            yield
        finally:
            self._memo = None

    def population(self) -> int:
        memo = self._memo
        if memo is None:
            return self.reader.population()
        if memo.population is None:
            memo.population = self.reader.population()
        return memo.population

    def df(self, words: Collection[str]) -> Mapping[str, int]:
        memo = self._memo
        if memo is None:
            return self.reader.df(words)
        new = set(words).difference(memo.df)
        if new:
            found = self.reader.df(new)
            memo.df.update((w, found.get(w)) for w in new)
        return {w: n for w in words if (n := memo.df[w]) is not None}

    def holders(self, words: Collection[str]) -> Set[int]:
        memo = self._memo
        if memo is None:
            return self.reader.holders(words)
        held = memo.held
        if held and all(w in held for w in words):
            return set().union(*map(held.__getitem__, words))
        return _recall(
            memo.holders, frozenset(words), lambda: self.reader.holders(words), _MEMO_SETS
        )

    def holders_ahead(self, groups: Iterable[Collection[str]]) -> None:
        memo = self._memo
        if memo is None:
            return
        new = {w for group in groups for w in group}.difference(memo.held)
        if new:
            found = self.reader.holders_each(new)
            memo.held.update((w, frozenset(found.get(w, ()))) for w in new)

    def common_holders(self, words: Collection[str]) -> Set[int]:
        memo = self._memo
        if memo is None:
            return self.reader.holders(words)
        return _recall(
            memo.common, frozenset(words), lambda: self.reader.holders(words), _MEMO_COMMON
        )

    def has_common_holders(self, words: Collection[str]) -> bool:
        return self._memo is not None and frozenset(words) in self._memo.common

    def keyed(self, key: str, first: int | None = None) -> Set[int]:
        return self.reader.keyed(key, first)

    def described(self, ids: Collection[int]) -> list[tuple[int, str, str, Collection[str]]]:
        return list(self.reader.described(ids))

    def paired(self, pairs: Collection[tuple[str, str]]) -> Mapping[tuple[str, str], Set[int]]:
        return self.reader.paired(pairs)

    def named(self, ids: Collection[int]) -> list[tuple[int, str]]:
        return self.reader.named(ids)

    def counted(self, words: Collection[str], cap: int) -> int:
        memo = self._memo
        if memo is None:
            return self.reader.counted(words, cap)
        counts = memo.counts
        new = [w for w in words if w not in counts]
        if new:
            found = self.reader.word_counts(new)
            counts.update((w, found.get(w, 0)) for w in new)
        return min(sum(counts[w] for w in words), cap + 1)  # as the reader counts them

    def keyed_each(self, keys: Collection[str], first: int) -> Set[int]:
        return self.reader.keyed_each(keys, first)

    def deleted_to(self, probes: Collection[str]) -> set[str]:
        memo = self._memo
        if memo is None:
            return self.reader.deleted_to(probes)
        deleted = memo.deleted
        # In C (set difference, map): a batch asks for hundreds of probes per author.
        new = set(probes).difference(deleted)
        if new:
            found = self.reader.deletions(new)
            deleted.update((p, frozenset(found.get(p, ()))) for p in new)
        return set().union(*map(deleted.__getitem__, probes))

    def entries(self, ids: Collection[int]) -> Mapping[int, _Entry]:
        return {i: entry_from_json(i, text) for i, text in self.reader.entries(ids)}

    def texts(self, words: Collection[str]) -> list[tuple[int, str, str]]:
        memo = self._memo
        if memo is None:
            return self.reader.texts(words)
        return _recall(memo.texts, frozenset(words), lambda: self.reader.texts(words), _MEMO_TEXTS)

    def name_groups(self, words: Collection[str]) -> Mapping[str, Sequence[int]]:
        memo = self._memo
        if memo is None:
            return self.reader.name_groups(words)
        return _recall(
            memo.names, frozenset(words), lambda: self.reader.name_groups(words), _MEMO_TEXTS
        )

    def all_ids(self) -> Iterable[int]:
        return self.reader.all_ids()

    def prefixed(self, prefix: str, cap: int) -> Set[int]:
        return self.reader.prefixed(prefix, cap)

    def unindexed(
        self, channel: str, handle: str, names: Sequence[str], emails: Sequence[str] = ()
    ) -> Mapping[int, _Entry]:
        memo = self._memo
        if memo is None:
            backlog = self.reader.backlog()
        elif memo.backlog is None:
            backlog = memo.backlog = self.reader.backlog()  # once for a batch
        else:
            backlog = memo.backlog
        if not backlog:
            return {}
        found = self.reader.unindexed(channel, handle, emails, names)
        return {r.id: prepared(customer_key(r)) for r in found}
