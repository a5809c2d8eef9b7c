"""Sentiment on the raw text (case, punctuation and emoji are signal), where a scorer can read it.

English goes to VADER; other languages to a scorer measured good enough for them
(`enrich/scorers.py`); any other language, or an unknown one, is unscored (None).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from scrm_tui.core.models import Sentiment
from scrm_tui.enrich.neutral import without
from scrm_tui.enrich.scorers import SCORERS

# The languages scored (ISO 639-1). Pinned by a test and checked by
# bench/sentiment_languages.py against what the scorers measure.
SCORED_LANGUAGES: frozenset[str] = frozenset(SCORERS)


def score(text: str) -> Sentiment:
    """VADER's scores for one English text, exactly as written (no normalisation)."""
    return SCORERS["en"].score(text)


def score_many(texts: Iterable[str]) -> list[Sentiment]:
    return [score(text) for text in texts]


def score_in(text: str, lang: str | None, neutral: Collection[str] = ()) -> Sentiment | None:
    """The text's sentiment read in `lang`, or None (unscored) when no scorer reads it.

    `lang` is ISO 639-1 ("de"; a region such as "pt-BR" is ignored) or None when
    unknown: unknown is unscored, since VADER on posts of unknown language scores far
    below its English figures (see the bench). `neutral` terms (the watch terms, the
    brand's own name) are taken out of the text first, whole words in any case.
    """
    if lang is None:
        return None
    # Ingest passes a bare code ("en"): found as it is, without taking the tag apart.
    scorer = SCORERS.get(lang) or SCORERS.get(_base_language(lang))
    if scorer is None:
        return None
    return scorer.score(without(text, neutral))


def _base_language(lang: str) -> str:
    return lang.strip().lower().replace("_", "-").split("-", 1)[0]
