"""The matcher's candidate index read from the database file every process shares."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence, Set

from scrm_tui.enrich.matching import (
    CustomerKey,
    IndexRows,
    _Entry,
    entry_from_json,
    index_rows,
    prepared,
)
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


class SharedIndex:
    """A CandidateIndex over store/match_index.py's tables: nothing per customer is kept
    in memory: each customer scored is read back as the index stored it."""

    def __init__(self, reader: MatchIndexReader) -> None:
        self.reader = reader

    def population(self) -> int:
        return self.reader.population()

    def df(self, words: Collection[str]) -> Mapping[str, int]:
        return self.reader.df(words)

    def holders(self, words: Collection[str]) -> Set[int]:
        return self.reader.holders(words)

    def keyed(self, key: str) -> Set[int]:
        return self.reader.keyed(key)

    def deleted_to(self, probes: Collection[str]) -> set[str]:
        return self.reader.deleted_to(probes)

    def entries(self, ids: Collection[int]) -> Mapping[int, _Entry]:
        return {i: entry_from_json(i, text) for i, text in self.reader.entries(ids)}

    def texts(self, words: Collection[str]) -> list[tuple[int, str, str]]:
        return self.reader.texts(words)

    def texts_of(self, ids: Collection[int]) -> list[tuple[int, str, str]]:
        return self.reader.texts_of(ids)

    def all_ids(self) -> Iterable[int]:
        return self.reader.all_ids()

    def prefixed(self, prefix: str, cap: int) -> Set[int]:
        return self.reader.prefixed(prefix, cap)

    def unindexed(
        self, channel: str, handle: str, names: Sequence[str], emails: Sequence[str] = ()
    ) -> Mapping[int, _Entry]:
        if not self.reader.backlog():
            return {}
        found = self.reader.unindexed(channel, handle, emails, names)
        return {r.id: prepared(customer_key(r)) for r in found}
