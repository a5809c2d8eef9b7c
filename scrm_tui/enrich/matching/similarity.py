"""How close two words or names are, and the closest names to a query."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from scrm_tui.enrich.matching.names import _deletions, nicknames
from scrm_tui.enrich.matching.tuning import _INITIAL, _NICKNAME, _SPELLED_AND_CLOSE


def _spelled_and_close(near: float) -> float:
    """What a handle of theirs `near` (fuzz.ratio, 85 up) to the author's adds to a handle
    spelling their name: the nearer, the more (apatel6 to apatel61 more than apatel60)."""
    return _SPELLED_AND_CLOSE * max(near - 85.0, 0.0) / 15.0


@lru_cache(maxsize=65536)
def _word_similarity(a: str, c: str) -> float:
    """1 for the same word, 0.9 for a nickname, 0.6 for a fitting initial, else OSA^1.5.

    One edit in a five-letter word is a bigger doubt than its 80% suggests, so the
    similarity is bent down; squared, it sank names with a typo in each word (Ema Garcja)
    under the suggestion line, while ^1.5 still puts Smith well ahead of Smyth.
    """
    if a == c:
        return 1.0
    if len(a) == 1 or len(c) == 1:
        return _INITIAL if a[0] == c[0] else 0.0
    if c in nicknames(a):
        return _NICKNAME
    if len(a) <= 2 or len(c) <= 2:
        return 0.0
    s = OSA.normalized_similarity(a, c, score_cutoff=0.6)
    return float(s**1.5)


def _handle_cuts(alpha: str) -> list[str]:
    """The heads and tails of a run-together handle that Matcher._author_words tries as
    words (kate | lindqvist): none for a handle shorter than five letters."""
    if len(alpha) < 5:
        return []
    cuts = range(2, len(alpha) - 2)
    return [alpha[:cut] for cut in cuts] + [alpha[cut:] for cut in cuts]


def _same_letters(first: str, second: str, named: Collection[str]) -> bool:
    """Two words of the author's handle, one cut from the other (the handle, it less a
    letter at either end, a cut of it): they spell the same letters."""
    if first in named or second in named:
        return False
    return first in second or second in first


@lru_cache(maxsize=1024)
def _fuzzy_probes_of(word: str) -> frozenset[str]:
    """What Matcher._fuzzy looks `word` up by: itself and what it becomes with one
    letter out (two, for a long word). Kept: a word's are asked for twice a match
    (ahead, then looked up) and common names come back author after author; only the
    last thousand words' (a long word's run to a few KB)."""
    probes = {word} | _deletions(word)
    if len(word) >= 7:
        probes |= {d for first in _deletions(word) for d in _deletions(first)}
    return frozenset(probes)


def _grouped(texts: Iterable[tuple[int, str, str]]) -> dict[str, list[int]]:
    """(customer, folded name, handles) rows in id order, as folded name -> its
    customers in id order, names in the order of their first customer."""
    by_text: dict[str, list[int]] = {}
    for i, text, _ in texts:
        by_text.setdefault(text, []).append(i)
    return by_text


def _closest_names(query: str, by_text: Mapping[str, Sequence[int]], first: int) -> list[int]:
    """The `first` customers whose name is closest to `query` by rapidfuzz's
    token_sort_ratio, closest first, ties by id (as ranking every customer would give):
    each name is scored once; the names are taken best first until `first` customers
    are in hand, and then those that tie with the last one taken, since a customer of
    a later name may come first on id."""
    ranked = process.extract(query, list(by_text), scorer=fuzz.token_sort_ratio, limit=None)
    picked: list[tuple[float, int]] = []
    last: float | None = None
    for text, score, _ in ranked:
        if last is not None and score < last:
            break
        picked.extend((-score, i) for i in by_text[text])
        if last is None and len(picked) >= first:
            last = score
    picked.sort()
    return list(dict.fromkeys(i for _, i in picked))[:first]
