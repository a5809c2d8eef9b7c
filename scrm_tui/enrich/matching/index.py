"""The candidate index's protocol, and the in-memory index a matcher of its own keeps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence, Set
from contextlib import AbstractContextManager, nullcontext
from typing import Generic, Protocol, TypeVar

from scrm_tui.enrich.matching.prepare import _Entry, _entry
from scrm_tui.enrich.matching.records import CustomerKey
from scrm_tui.enrich.matching.rows import fuzzy_probes, handles_text
from scrm_tui.enrich.matching.similarity import _grouped

V = TypeVar("V")


class _Postings(Generic[V]):
    """key -> values; a lone value is stored bare: most keys have one, and a set costs 200 B."""

    __slots__ = ("_map",)

    def __init__(self) -> None:
        self._map: dict[str, V | set[V]] = {}

    def add(self, key: str, value: V) -> bool:
        """Add; True when the key is new."""
        current = self._map.get(key)
        if current is None:
            self._map[key] = value
            return True
        if isinstance(current, set):
            current.add(value)
        elif current != value:
            self._map[key] = {current, value}
        return False

    def discard(self, key: str, value: V) -> bool:
        """Remove; True when the key is gone."""
        current = self._map.get(key)
        if current is None:
            return False
        if isinstance(current, set):
            current.discard(value)
            if len(current) == 1:
                self._map[key] = next(iter(current))
            return False
        if current == value:
            del self._map[key]
            return True
        return False

    def get(self, key: str) -> Set[V]:
        current = self._map.get(key)
        if current is None:
            return frozenset()
        if isinstance(current, set):
            return current
        return frozenset((current,))

    def __contains__(self, key: object) -> bool:
        return key in self._map

    def __len__(self) -> int:
        return len(self._map)


class CandidateIndex(Protocol):
    """Where the matcher finds candidates: its own memory, or tables every process shares
    (SharedIndex). Lookups come in batches, so that one in the database is one query."""

    # Customers kept in this process: reading one costs nothing, so match() scores every
    # candidate rather than working out their ceilings and lookups ahead first.
    in_memory: bool

    def population(self) -> int:
        """How many customers are indexed: word weights are taken over them."""
        ...

    def df(self, words: Collection[str]) -> Mapping[str, int]:
        """Name word -> customers holding it, for those of `words` some customer holds."""
        ...

    def holders(self, words: Collection[str]) -> Set[int]:
        """Customers holding any of `words` (name, handle or e-mail words)."""
        ...

    def holders_ahead(self, groups: Iterable[Collection[str]]) -> None:
        """Within `remembering()`: the holders of each group of words read now, in one
        go, and remembered for the batch (what `holders` of each group will ask)."""
        ...

    def keyed(self, key: str, first: int | None = None) -> Set[int]:
        """Customers with this exact compact key (handle, e-mail, name spelling, company);
        with `first`, no more than the first that many by id."""
        ...

    def keyed_each(self, keys: Collection[str], first: int) -> Set[int]:
        """`keyed(key, first)` of each of `keys`, together (one read in a database)."""
        ...

    def deleted_to(self, probes: Collection[str]) -> set[str]:
        """Name words that become one of `probes` with one letter taken out."""
        ...

    def paired(self, pairs: Collection[tuple[str, str]]) -> Mapping[tuple[str, str], Set[int]]:
        """The customers holding both words of each of `pairs` (each in sorted order;
        pairs nobody holds may be left out)."""
        ...

    def described(self, ids: Collection[int]) -> list[tuple[int, str, str, Collection[str]]]:
        """(customer, folded name, handles, every word indexed) of these customers, in
        id order: one read of each customer's row serves both which words they hold
        and how close their name is."""
        ...

    def common_holders(self, words: Collection[str]) -> Set[int]:
        """`holders(words)` of a common name's words (thousands): within `remembering()`,
        kept for the batch for a few groups only (they repeat, and they are big)."""
        ...

    def has_common_holders(self, words: Collection[str]) -> bool:
        """Whether `common_holders(words)` costs no read (kept, or in memory)."""
        ...

    def named(self, ids: Collection[int]) -> list[tuple[int, str]]:
        """(customer, folded name) of these customers, in id order: the name alone, for
        ranking the rest of a big pool by closeness (lighter than `described`)."""
        ...

    def entries(self, ids: Collection[int]) -> Mapping[int, _Entry]:
        """The prepared customers of these ids (those still indexed)."""
        ...

    def texts(self, words: Collection[str]) -> list[tuple[int, str, str]]:
        """(customer, folded name, handles) of every holder of `words`: for ranking the
        holders of a common word."""
        ...

    def name_groups(self, words: Collection[str]) -> Mapping[str, Sequence[int]]:
        """Folded name -> its holders among every holder of `words` (in id order),
        names in the order of their first holder: for ranking the holders of a common
        word by name alone, each name once (thousands of holders, a few hundred names)."""
        ...

    def all_ids(self) -> Iterable[int]:
        """Every indexed customer: only for `scan()`, the yardstick."""
        ...

    def prefixed(self, prefix: str, cap: int) -> Set[int]:
        """Up to `cap` customers holding a word or key that starts with `prefix`."""
        ...

    def remembering(self) -> AbstractContextManager[None]:
        """Within: lookups repeated from one author to the next are read once (a batch)."""
        ...

    def counted(self, words: Collection[str], cap: int) -> int:
        """How many customers hold any of `words`, counted no further than cap + 1."""
        ...

    def unindexed(
        self, channel: str, handle: str, names: Sequence[str], emails: Sequence[str] = ()
    ) -> Mapping[int, _Entry]:
        """Customers not indexed yet (a backlog being indexed in the background) with this
        handle (on any network without `channel`) or e-mail, or a name that starts with
        one of `names`: scored directly."""
        ...


class MemoryIndex:
    """Customers indexed in this process's memory: for tests, the bench's yardstick and
    small files. Holds about 4 KB per customer; the app uses the shared one."""

    in_memory = True

    def __init__(self, customers: Iterable[CustomerKey] = ()) -> None:
        self._entries: dict[int, _Entry] = {}
        self._words: _Postings[int] = _Postings()  # word -> customers
        # compact handle / e-mail / name / company -> customers
        self._keys: _Postings[int] = _Postings()
        self._deletions: _Postings[str] = _Postings()  # name word minus one letter -> words
        self._df: Counter[str] = Counter()  # name word -> customers with it in their name
        for customer in customers:
            self.add(customer)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, customer_id: object) -> bool:
        return customer_id in self._entries

    def add(self, customer: CustomerKey) -> None:
        """Insert or replace (same id) one customer."""
        if customer.id in self._entries:
            self.remove(customer.id)
        entry = _entry(customer)
        self._entries[customer.id] = entry
        for word in entry.words:
            self._words.add(word, customer.id)
        for word in entry.name_words:
            self._df[word] += 1
            if self._df[word] == 1:
                for deleted in fuzzy_probes(word):
                    self._deletions.add(deleted, word)
        for key in entry.keys:
            self._keys.add(key, customer.id)

    def remove(self, customer_id: int) -> None:
        entry = self._entries.pop(customer_id, None)
        if entry is None:
            return
        for word in entry.words:
            self._words.discard(word, customer_id)
        for word in entry.name_words:
            self._df[word] -= 1
            if self._df[word] <= 0:
                del self._df[word]
                for deleted in fuzzy_probes(word):
                    self._deletions.discard(deleted, word)
        for key in entry.keys:
            self._keys.discard(key, customer_id)

    def population(self) -> int:
        return len(self._entries)

    def df(self, words: Collection[str]) -> Mapping[str, int]:
        return {w: n for w in words if (n := self._df.get(w, 0))}

    def holders(self, words: Collection[str]) -> Set[int]:
        sets = [s for w in words if (s := self._words.get(w))]
        if len(sets) == 1:
            return sets[0]
        return set().union(*sets)

    def holders_ahead(self, groups: Iterable[Collection[str]]) -> None:
        pass  # in memory already

    def keyed(self, key: str, first: int | None = None) -> Set[int]:
        found = self._keys.get(key)
        return found if first is None or len(found) <= first else set(sorted(found)[:first])

    def keyed_each(self, keys: Collection[str], first: int) -> Set[int]:
        return set().union(*(self.keyed(key, first) for key in keys))

    def described(self, ids: Collection[int]) -> list[tuple[int, str, str, Collection[str]]]:
        return [
            (i, e.text, handles_text(e), e.words)
            for i in sorted(ids)
            if (e := self._entries.get(i)) is not None
        ]

    def paired(self, pairs: Collection[tuple[str, str]]) -> Mapping[tuple[str, str], Set[int]]:
        return {(a, b): self._words.get(a) & self._words.get(b) for a, b in pairs}

    def named(self, ids: Collection[int]) -> list[tuple[int, str]]:
        return [(i, e.text) for i in sorted(ids) if (e := self._entries.get(i)) is not None]

    def common_holders(self, words: Collection[str]) -> Set[int]:
        return self.holders(words)

    def has_common_holders(self, words: Collection[str]) -> bool:
        return True

    def deleted_to(self, probes: Collection[str]) -> set[str]:
        found: set[str] = set()
        for probe in probes:
            found.update(self._deletions.get(probe))
        return found

    def entries(self, ids: Collection[int]) -> Mapping[int, _Entry]:
        return {i: e for i in ids if (e := self._entries.get(i)) is not None}

    def texts(self, words: Collection[str]) -> list[tuple[int, str, str]]:
        return self.texts_of(self.holders(words))

    def texts_of(self, ids: Collection[int]) -> list[tuple[int, str, str]]:
        return [(i, e.text, handles_text(e)) for i in sorted(ids) if (e := self._entries.get(i))]

    def name_groups(self, words: Collection[str]) -> Mapping[str, Sequence[int]]:
        return _grouped(self.texts(words))

    def all_ids(self) -> Iterable[int]:
        return self._entries.keys()

    def prefixed(self, prefix: str, cap: int) -> Set[int]:
        found: set[int] = set()
        for postings in (self._words, self._keys):
            for word in sorted(w for w in postings._map if w.startswith(prefix)):
                found.update(postings.get(word))
                if len(found) >= cap:
                    return found
        return found

    def unindexed(
        self, channel: str, handle: str, names: Sequence[str], emails: Sequence[str] = ()
    ) -> Mapping[int, _Entry]:
        return {}  # every customer is indexed as it is added

    def remembering(self) -> AbstractContextManager[None]:
        return nullcontext()  # in memory already

    def counted(self, words: Collection[str], cap: int) -> int:
        return len(self.holders(words))
