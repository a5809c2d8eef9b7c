"""One match's view of the index, and the closest names by the full scorer."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

from scrm_tui.enrich.matching.index import CandidateIndex
from scrm_tui.enrich.matching.prepare import _Author
from scrm_tui.enrich.matching.scorer import _Scorer


@dataclass(frozen=True)
class _Slot:
    """The customers one of the author's words brings in: those holding `words` (the
    word, its nicknames and near words)."""

    words: frozenset[str]
    word: str  # the author's
    size: int  # how many hold them (a big one: more than _READ_SLOT)
    held: Set[int] | None  # who, when few; None for a common name (thousands)


class _Lookup:
    """One match()'s view of the index: document frequencies asked once, then remembered."""

    def __init__(self, index: CandidateIndex) -> None:
        self.index = index
        self.df: dict[str, int] = {}
        self._asked: set[str] = set()
        # customer -> (folded name, handles, words), as read this match (_Holding, ceilings)
        self.described: dict[int, tuple[str, str, Collection[str]]] = {}
        self.matches: dict[str, list[str]] = {}  # word -> Matcher._matches(word)

    def describe(self, ids: Collection[int]) -> dict[int, tuple[str, str, Collection[str]]]:
        """The rows of `ids` (those indexed), each read once per match."""
        known = self.described
        new = [i for i in ids if i not in known]
        if new:
            for i, text, handles, words in self.index.described(new):
                known[i] = (text, handles, words)
        return known

    def want(self, words: Iterable[str]) -> None:
        new = set(words).difference(self._asked)
        if new:
            self._asked |= new
            self.df.update(self.index.df(new))

    def known(self, word: str) -> bool:
        self.want((word,))
        return word in self.df


def _by_name_score(
    author: _Author,
    by_text: Mapping[str, Sequence[int]],
    first: int,
    lookup: _Lookup,
    population: int,
) -> list[int]:
    """The `first` customers of `by_text` (folded name -> its customers) whose name the
    full scorer rates closest to the author's, best first, ties by id: the order
    `scan()` ranks name-only candidates in.

    Each distinct name is scored once, with the weights of its words: a rare surname one
    edit away (Cohn) and a common one (Chen) are told apart as the scorer tells them
    apart, and a thousand namesakes cost one score. A candidate left out has at least
    `first` kept ones named as close or closer, so none the scorer would rank in the top
    three (of `first` >= 3) is lost on its name.
    """
    named = {tuple(text.split()): ids for text, ids in by_text.items()}
    scorer = _Scorer(author, lookup.df, population)
    # A name scores at most 100 x its closest word's similarity (both of the score's
    # coverages are weighted means of its words' similarities): names are scored from
    # the highest such bound down, and no further once `first` score above the bound.
    words = {w for name in named for w in name}
    scorer.learn_closeness(words)
    close = {w: scorer.closest_to(w) for w in words}
    bound = {name: 100.0 * max(map(close.__getitem__, name), default=0.0) for name in named}
    lookup.want(w for name in named if bound[name] > 0 for w in name)
    best: list[tuple[float, int]] = []
    floor = -1.0  # the `first`-th best score so far
    for name in sorted(named, key=bound.__getitem__, reverse=True):
        if bound[name] < floor or (bound[name] == 0 and len(best) >= first):
            break
        score = max(scorer.name_score(variant, name)[0] for variant in author.names)
        if score >= floor:
            best.extend((-score, i) for i in named[name])
            best.sort()
            del best[first:]
            if len(best) >= first:
                floor = -best[-1][0]
    return [i for _, i in best]
