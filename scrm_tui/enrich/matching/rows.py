"""What an index stores of a customer: its prepared entry, words, probes, as rows and JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass

from scrm_tui.enrich.matching.names import _deletions, clean_display_name, fold
from scrm_tui.enrich.matching.prepare import _Entry, _entry
from scrm_tui.enrich.matching.records import CustomerKey
from scrm_tui.enrich.matching.tuning import _FUZZY_LENGTHS, _MAX_TEXT
from scrm_tui.enrich.matching.wordlists import _HONORIFICS


def prepared(customer: CustomerKey) -> _Entry:
    """A customer prepared for scoring, as an index would hold them."""
    return _entry(customer)


def name_probes(display_name: str | None) -> list[str]:
    """What a customer not indexed yet is looked up by: the author's name as written
    and its first word (their names' starts, case aside)."""
    if not display_name:
        return []
    words = clean_display_name(display_name[:_MAX_TEXT]).split()
    words = [w for w in words if fold(w).strip(".") not in _HONORIFICS] or words
    if not words:
        return []
    return list(dict.fromkeys([" ".join(words), words[0]]))


def fuzzy_probes(word: str) -> set[str]:
    """What a name word is found under one edit away: itself minus each letter (empty for
    words too short or too long to search by edits)."""
    if _FUZZY_LENGTHS[0] <= len(word) <= _FUZZY_LENGTHS[1]:
        return _deletions(word)
    return set()


def handles_text(entry: _Entry) -> str:
    """The customer's compact handles and e-mail, space-separated: what a handle is near."""
    found = [h for _, h in entry.handles]
    if entry.email:
        found.append(entry.email)
    return " ".join(dict.fromkeys(found))


@dataclass(frozen=True)
class IndexRows:
    """What one customer puts in a shared index (store/match_index.py keeps them)."""

    text: str
    handles: str
    entry: str  # entry_json
    words: tuple[str, ...]
    name_words: tuple[str, ...]
    keys: tuple[str, ...]
    probes: tuple[tuple[str, str], ...]  # (name word minus a letter, name word)


def index_rows(customer: CustomerKey) -> IndexRows:
    """The words, keys and fuzzy probes of one customer, as a shared index stores them."""
    entry = _entry(customer)
    return IndexRows(
        text=entry.text,
        handles=handles_text(entry),
        entry=entry_json(entry),
        words=tuple(sorted(entry.words)),
        name_words=tuple(sorted(entry.name_words)),
        keys=tuple(sorted(entry.keys)),
        probes=tuple(sorted((p, w) for w in entry.name_words for p in fuzzy_probes(w))),
    )


def entry_json(entry: _Entry) -> str:
    """What scoring needs of a prepared customer, as the shared index stores it: read
    back in microseconds instead of preparing the customer again."""
    return json.dumps(
        [
            entry.names,
            entry.alias,
            entry.handles,
            entry.email,
            entry.forms,
            entry.companies,
            entry.text,
            entry.spellings,
            entry.domain,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


_NOTHING: frozenset[str] = frozenset()


def entry_from_json(customer_id: int, text: str) -> _Entry:
    """`entry_json` read back: enough to score (the index keys live in their tables).
    Not kept: a cache of the last 20,000 answered 17% of the reads at a million
    customers, and each full pass of the garbage collector walked it (29 ms), which
    cost more than the parsing it saved (bench/match_floor.py, each in a process of its
    own: p99 0.90x and mean 0.95x without it, every answer the same)."""
    # A row indexed before the domain was stored has 8 fields: no domain until re-indexed.
    names, alias, handles, email, forms, companies, name_text, spellings, *rest = json.loads(text)
    return _Entry(
        customer=CustomerKey(customer_id, name_text),
        # map(tuple, ...): read back for every candidate scored, so the cheapest way.
        names=tuple(map(tuple, names)),
        alias=tuple(alias),
        handles=tuple(map(tuple, handles)),
        email=email,
        forms=tuple(map(tuple, forms)),
        companies=tuple(companies),
        name_words=_NOTHING,
        words=_NOTHING,
        keys=_NOTHING,
        text=name_text,
        spellings=tuple(map(tuple, spellings)),
        domain=rest[0] if rest else "",
    )
