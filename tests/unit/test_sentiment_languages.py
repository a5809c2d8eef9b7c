"""Sentiment read only where a scorer can read the language, on sentences of our own."""

from __future__ import annotations

import statistics

import pytest

from scrm_tui.core.models import SentimentLabel
from scrm_tui.enrich.sentiment import SCORED_LANGUAGES, score, score_in
from tests.data import vader_groundtruth


def label(text: str, lang: str | None) -> SentimentLabel | None:
    scored = score_in(text, lang)
    return scored.label if scored is not None else None


def test_the_scored_languages_are_those_that_met_the_targets() -> None:
    # bench/sentiment_languages.py: French and Portuguese passed on XLM-T; German,
    # Spanish, Italian, Arabic and Hindi did not with any offline scorer tried.
    assert frozenset({"en", "fr", "pt"}) == SCORED_LANGUAGES


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Thanks, the new release is brilliant!", "en", SentimentLabel.POSITIVE),
        ("Sync broke again, this is awful", "en", SentimentLabel.NEGATIVE),
        ("The update shipped on Tuesday.", "en", SentimentLabel.NEUTRAL),
        ("Merci beaucoup, excellent travail", "fr", SentimentLabel.POSITIVE),
        ("C'est une catastrophe, je suis très déçu", "fr", SentimentLabel.NEGATIVE),
        ("Service client horrible, je suis furieux", "fr", SentimentLabel.NEGATIVE),
        ("Ce n'est pas bon", "fr", SentimentLabel.NEGATIVE),
        ("La mise à jour est arrivée.", "fr", SentimentLabel.NEUTRAL),
        ("Obrigado, vocês são incríveis", "pt", SentimentLabel.POSITIVE),
        ("O aplicativo é horrível", "pt", SentimentLabel.NEGATIVE),
        ("Que droga, o app travou de novo", "pt", SentimentLabel.NEGATIVE),
        ("A atualização chegou.", "pt", SentimentLabel.NEUTRAL),
    ],
)
def test_each_scored_language_reads_its_own_words(
    text: str, lang: str, expected: SentimentLabel
) -> None:
    assert label(text, lang) is expected


def test_emoji_count_in_portuguese_too() -> None:
    assert label("Chegou hoje 😍😍", "pt") is SentimentLabel.POSITIVE
    assert label("Chegou hoje 😭", "pt") is SentimentLabel.NEGATIVE


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Das ist einfach großartig, danke!", "de"),  # German: no scorer met the targets
        ("Es una aplicación horrible", "es"),
        ("同期がまた壊れた", "ja"),
        ("Thanks, the new release is brilliant!", None),  # language unknown
        ("", None),
    ],
)
def test_a_language_no_scorer_reads_is_unscored(text: str, lang: str | None) -> None:
    assert score_in(text, lang) is None


def test_a_region_or_case_in_the_code_does_not_lose_the_language() -> None:
    assert label("O aplicativo é horrível", "pt-BR") is SentimentLabel.NEGATIVE
    assert label("Merci beaucoup, excellent travail", "FR") is SentimentLabel.POSITIVE
    assert label("Sync broke again, this is awful", "en_GB") is SentimentLabel.NEGATIVE


def test_english_is_vader_exactly() -> None:
    for _, _, text in vader_groundtruth.load()[:300]:
        assert score_in(text, "en") == score(text)


def test_english_correlation_with_human_ratings_holds() -> None:
    rows = vader_groundtruth.load()
    ours = [score_in(text, "en") for _, _, text in rows]
    assert all(s is not None for s in ours)
    r = statistics.correlation([mean for _, mean, _ in rows], [s.compound for s in ours if s])
    assert r >= 0.87, f"Pearson r = {r:.4f}"


def test_hostile_text_scores_without_harm() -> None:
    # A flood of emoji once held an ingest worker for minutes (VADER spells each one
    # out, in time quadratic in the words); only the first ones count now.
    for text in ("", "\x1b[31mgood\x1b[0m", "\u202egood", "a" * 100_000, "😍😡" * 50_000):
        for lang in ("en", "fr", "pt"):
            assert score_in(text, lang) is not None
    assert label("great " + "😍" * 50_000, "en") is SentimentLabel.POSITIVE
