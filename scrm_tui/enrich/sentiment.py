"""Sentiment with VADER on the raw text (case, punctuation and emoji are signal)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from scrm_tui.core.models import Sentiment


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    # Loading the lexicon costs ~30 ms: do it on first use, not at import.
    return SentimentIntensityAnalyzer()


def score(text: str) -> Sentiment:
    """VADER's scores for one text, exactly as written (no normalisation)."""
    scores = _analyzer().polarity_scores(text)
    return Sentiment(
        compound=scores["compound"], pos=scores["pos"], neu=scores["neu"], neg=scores["neg"]
    )


def score_many(texts: Iterable[str]) -> list[Sentiment]:
    return [score(text) for text in texts]
