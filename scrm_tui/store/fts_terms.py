"""Prefix words of an FTS5 expression spelled out as the terms the index holds.

FTS5 answers `"kestrel"*` by merging the doclist of every term that starts with
"kestrel" into one list before it yields a row: at 10M mentions that is ~200 ms for
a common word, paid again by each statement that names it (a per-row probe would pay
it per row). The same words as `("kestrel" OR "kestrela" OR ...)` are read lazily,
term by term, in rowid order: the first hits come at once. Which terms start with the
word is read from an fts5vocab table, skipping the word's own term, whose doclist is
the long one (the vocabulary counts each term's documents as it lists it).

An expansion lists the terms as they were when it was read: it is only used for rows
stored up to then (MentionStore passes the mark a list counts up to).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

# A quoted FTS5 string (`""` inside is a quote), and whether a `*` makes it a prefix.
_STRING = re.compile(r'"((?:[^"]|"")*)"(\*?)')
# Only words unicode61 reads as one token whose folded form is plain lower case:
# ASCII letters and digits. Anything else keeps FTS5's own prefix query.
_PLAIN = re.compile(r"[A-Za-z0-9]+")
# Shorter prefixes are left to FTS5: listing their terms reads the doclists of the
# common words under them ("k": every "kestrel"), which is what expanding saves.
MIN_CHARS = 3
# A word with more terms than this stays a prefix: each term of an OR is one more
# iterator to step (and one more seek per probed row).
MAX_TERMS = 24
_KEPT = 64  # expansions remembered (typing a word walks through its prefixes)

# A term of the index and how many mentions hold it.
Term = tuple[str, int]
# Reads the terms from `first` up to `last` (excluded), at most `limit`.
Terms = Callable[[str, str, int], Awaitable[Sequence[Term]]]


def quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def prefix_words(expression: str) -> list[str]:
    """The words of `expression` searched as prefixes that may be spelled out, folded
    as the index holds them (lower case)."""
    return [
        match.group(1).lower()
        for match in _STRING.finditer(expression)
        if match.group(2) and _PLAIN.fullmatch(match.group(1)) and len(match.group(1)) >= MIN_CHARS
    ]


def spelled_out(expression: str, others: dict[str, Sequence[Term] | None]) -> str:
    """`expression` with each prefix word found in `others` (its other terms, or None
    where it stays a prefix) as its exact term OR its other terms."""

    def replace(match: re.Match[str]) -> str:
        word = match.group(1).lower()
        if not match.group(2) or not _PLAIN.fullmatch(match.group(1)):
            return match.group(0)
        terms = others.get(word)
        if terms is None:
            return match.group(0)
        if not terms:
            return quoted(word)
        return "(" + " OR ".join(quoted(term) for term in (word, *(t for t, _ in terms))) + ")"

    return _STRING.sub(replace, expression)


def one_word(expression: str) -> str | None:
    """The word (folded) if `expression` is one prefix word that may be spelled out."""
    match = _STRING.fullmatch(expression)
    words = prefix_words(expression)
    return words[0] if match and words else None


def has_prefix(expression: str) -> bool:
    """Whether any string of `expression` is still a prefix query."""
    return any(match.group(2) for match in _STRING.finditer(expression))


def term_count(expression: str) -> int:
    """How many terms an expression names (each is one iterator FTS5 steps)."""
    return len(_STRING.findall(expression))


class Vocabulary:
    """Expansions of prefix words, each with the newest mention id it covers; a longer
    word typed after a shorter one is answered from the shorter one's terms."""

    def __init__(self, terms: Terms, *, spells: bool = True):
        """`spells`: whether prefixes are spelled out at all. PostgreSQL's GIN index
        answers `'kestrel':*` from the sorted lexemes directly, with no doclist merged
        first and no vocabulary to read: there a prefix stays a prefix."""
        self._terms = terms
        self.spells = spells
        # word -> (its other terms, or None: too many to spell out; id covered)
        self._known: OrderedDict[str, tuple[tuple[Term, ...] | None, int]] = OrderedDict()
        self.reads = 0  # vocabulary reads made (what reuse saves)

    async def expand(
        self, expression: str, covered: int, newest: Callable[[], Awaitable[int]]
    ) -> str:
        """`expression` spelled out for mentions with ids up to `covered`; `newest()`
        reads the newest id stored (before the vocabulary is read, so the terms read
        cover at least it)."""
        words = prefix_words(expression) if self.spells else []
        if not words:
            return expression
        others: dict[str, Sequence[Term] | None] = {}
        mark: int | None = None
        for word in words:
            known, terms = self._recall(word, covered)
            if not known:
                if mark is None:
                    mark = await newest()
                terms = await self._read(word, mark)
            others[word] = terms
        return spelled_out(expression, others)

    def others(self, word: str, covered: int) -> tuple[Term, ...] | None:
        """The other terms of a word spelled out for ids up to `covered` (None: not
        spelled out)."""
        return self._recall(word, covered)[1] if self.spells else None

    def _recall(self, word: str, covered: int) -> tuple[bool, tuple[Term, ...] | None]:
        """(known, terms): the word's other terms if known for ids up to `covered`, from
        itself or a shorter word (None: it stays a prefix)."""
        for length in range(len(word), MIN_CHARS - 1, -1):
            kept = self._known.get(word[:length])
            if kept is None or kept[1] < covered:
                continue
            terms, _ = kept
            if terms is None:
                if length == len(word):
                    return True, None
                continue  # the shorter word had too many; this one may not
            self._known.move_to_end(word[:length])
            return True, tuple(t for t in terms if t[0].startswith(word) and t[0] != word)
        return False, None

    async def _read(self, word: str, covered: int) -> tuple[Term, ...] | None:
        self.reads += 1
        # After the word itself (never its own doclist) and before the first string
        # that does not start with it.
        found = tuple(await self._terms(word + "\x00", word + "\U0010ffff", MAX_TERMS + 1))
        terms = None if len(found) > MAX_TERMS else found
        self._known[word] = (terms, covered)
        self._known.move_to_end(word)
        while len(self._known) > _KEPT:
            self._known.popitem(last=False)
        return terms
