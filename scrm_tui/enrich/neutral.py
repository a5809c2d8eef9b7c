"""Words that never carry sentiment (watch terms, the brand's own name), cut before scoring.

A brand called "Nothing", "Gift" or "Bitter" is named in every mention of it: left in,
VADER reads "Nothing" as a negation and a German lexicon reads "Gift" as poison.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache


def without(text: str, neutral: Collection[str]) -> str:
    """The text with every neutral term taken out (whole words, any case)."""
    if not neutral:
        return text
    pattern = _pattern(frozenset(neutral))
    return pattern.sub(" ", text) if pattern is not None else text


@lru_cache(maxsize=64)
def _pattern(terms: frozenset[str]) -> re.Pattern[str] | None:
    alternatives = []
    # Longest first, so "Nothing Phone" goes whole before "Nothing" alone.
    for term in sorted(terms, key=len, reverse=True):
        words = term.split()
        if words:
            # A multi-word term matches across any run of spaces or a line break.
            alternatives.append(r"\s+".join(re.escape(word) for word in words))
    if not alternatives:
        return None
    # Whole words: no letter, digit or underscore either side ("Giftig" keeps its
    # "Gift"). A "#" or "@" before the term is left behind, harmless to every lexicon.
    return re.compile(
        r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE | re.UNICODE
    )
