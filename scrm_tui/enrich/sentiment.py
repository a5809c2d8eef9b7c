"""Sentiment with VADER on the raw text (case, punctuation and emoji are signal)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import cache
from typing import TYPE_CHECKING

from scrm_tui.core.models import Sentiment

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    # Importing VADER and loading its lexicon cost ~40 ms: do it on first use, not
    # at import, so the inbox paints without it.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score(text: str) -> Sentiment:
    """VADER's scores for one text, exactly as written (no normalisation)."""
    scores = _analyzer().polarity_scores(text)
    return Sentiment(
        compound=scores["compound"], pos=scores["pos"], neu=scores["neu"], neg=scores["neg"]
    )


def score_many(texts: Iterable[str]) -> list[Sentiment]:
    return [score(text) for text in texts]


# Languages a scorer here can read. Provisional: VADER's English only (issue 13 brings
# scorers for more); an unknown language goes to VADER too, so emoji-only posts score.
_READABLE = frozenset({"en", None})


def score_in(text: str, lang: str | None, neutral: Collection[str] = ()) -> Sentiment | None:
    """The sentiment of `text` in `lang`, or None when no scorer here reads that language.

    `neutral`: words that never carry sentiment (the watch terms, the brand's name):
    a product called "Gift" is not a present.
    """
    if lang not in _READABLE:
        return None
    for word in neutral:
        if word:
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", text, flags=re.IGNORECASE)
    return score(text)
