"""Sentiment with VADER on the raw text (case, punctuation and emoji are signal)."""

from __future__ import annotations

from collections.abc import Iterable
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
