"""What the shared match index stores of a customer, and SQL pieces its reads and writes share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_CHUNK = 500  # parameters per IN (...): well under SQLite's limit


@dataclass(frozen=True)
class IndexedCustomer:
    """What one customer puts in the index (the matcher computes it)."""

    customer_id: int
    text: str
    handles: str
    entry: str  # what scoring needs, prepared (the matcher's format)
    words: Sequence[str]
    name_words: Sequence[str]
    keys: Sequence[str]
    probes: Sequence[tuple[str, str]]  # (name word minus a letter, name word)


@dataclass(frozen=True)
class CustomerRecord:
    """A live customer as the matcher reads it."""

    id: int
    name: str
    email: str | None
    company: str | None
    handles: tuple[tuple[str, str], ...]


def pair_keys(words: Iterable[str]) -> list[str]:
    """The pairs of different words one customer holds, as match_pairs keys ("a b", the
    words in order): what two of an author's words can agree on."""
    ordered = sorted(set(words))
    return [f"{a} {b}" for n, a in enumerate(ordered) for b in ordered[n + 1 :]]


# The same pairs made by SQL from match_entries.words, for customers indexed before
# match_pairs existed (`<` COLLATE BINARY is the same order as Python's on str, on
# PostgreSQL too whatever the database's collation).
_PAIRS_OF_ENTRIES = (
    "SELECT a.value || ' ' || b.value, e.customer_id FROM match_entries e, "
    "json_each(e.words) a, json_each(e.words) b WHERE a.value < b.value COLLATE BINARY "
    "AND e.customer_id > ? AND e.customer_id <= ?"
)


def _chunks(values: Sequence[object]) -> Iterable[Sequence[object]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(n: int) -> str:
    return ",".join("?" * n)
