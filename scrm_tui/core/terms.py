"""The terms of a post for rising-term counts, split as the filter's search splits them.

A word here is what SQLite's FTS5 `unicode61 remove_diacritics 2` tokenizer makes of what
it indexes (the text and the link: runs of letters and digits, lower case, accents
removed), so the inbox filter `"word"` opens the mentions a count counted. Hashtags
count as `#tag`, from the hashtags stored with each mention (store/terms.py). Words
shorter than three letters, numbers and the watch terms' own words (the brand's name
rises with everything) are left out; words common at all times never rise, since a
burst is measured against the same term's baseline, so no stop-word list is needed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+")
MIN_LETTERS = 3
ALPHA = 5.0  # the burst ratio's smoothing: a term seen 3 times, never before, is 1.6x


def fold(text: str) -> str:
    """Lower case without accents (as the search index stores words)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_in(text: str, ignore: frozenset[str] = frozenset()) -> set[str]:
    """The distinct words of what the search index holds of one post."""
    return {
        word
        for word in _WORD.findall(fold(text))
        if len(word) >= MIN_LETTERS and not word.isdigit() and word not in ignore
    }


def words_of(terms: Iterable[str]) -> frozenset[str]:
    """The words to leave out for a set of watch terms (`kestrel`, `"kestrel app"`)."""
    return frozenset(w for term in terms for w in _WORD.findall(fold(term)))


def burst(count: float, baseline: float, alpha: float = ALPHA) -> float:
    """(count in the window + α) / (count in the baseline, scaled to the window + α)."""
    return (count + alpha) / (baseline + alpha)


def filter_for(term: str) -> str:
    """The inbox filter for the mentions that hold `term`: the hashtag, or the exact
    word (quoted: a bare word would match words starting with it)."""
    return term if term.startswith("#") else f'"{term}"'


@dataclass(frozen=True)
class Rising:
    """A term more frequent in the window than in its baseline."""

    term: str  # a word, or `#tag`
    count: int  # mentions holding it in the window
    baseline: float  # per window-length, over the baseline periods
    ratio: float  # burst()
    example_id: int | None = None
    example: str = ""  # one mention of the window that holds it (untrusted text)
