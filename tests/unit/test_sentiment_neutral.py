"""Watch terms and the brand's own name never carry sentiment, in any scored language."""

from __future__ import annotations

import pytest

from scrm_tui.core.models import SentimentLabel
from scrm_tui.enrich.sentiment import score_in


def label(text: str, lang: str, neutral: tuple[str, ...] = ()) -> SentimentLabel:
    scored = score_in(text, lang, neutral)
    assert scored is not None
    return scored.label


@pytest.mark.parametrize(
    ("text", "lang", "brand", "read_alone"),
    [
        # "Gift", a German brand (Gift = poison), in an English post: VADER reads "gift".
        ("Just tried the new Gift app", "en", "Gift", SentimentLabel.POSITIVE),
        # "Bitter", a product, whatever its taste.
        ("Bitter is back in stock", "en", "Bitter", SentimentLabel.NEGATIVE),
        # "Joy", a product name, not a feeling.
        ("Joy keeps crashing", "en", "Joy", SentimentLabel.POSITIVE),
        # Dior's "Poison" in French.
        ("J'ai acheté Poison hier", "fr", "Poison", SentimentLabel.NEGATIVE),
        # "Alegria" (joy), a show's name in Portuguese.
        ("Comprei ingressos para Alegria", "pt", "Alegria", SentimentLabel.POSITIVE),
    ],
)
def test_a_brand_word_alone_carries_nothing(
    text: str, lang: str, brand: str, read_alone: SentimentLabel
) -> None:
    assert label(text, lang) is read_alone  # what the lexicon alone would store
    assert label(text, lang, (brand,)) is SentimentLabel.NEUTRAL
    assert label(text, lang, (brand.lower(),)) is SentimentLabel.NEUTRAL
    assert label(text.upper(), lang, (brand,)) is SentimentLabel.NEUTRAL


def test_the_brand_nothing_does_not_negate_what_follows() -> None:
    # VADER takes "nothing" for a negation: "Nothing Phone is great" reads negative.
    assert label("Nothing Phone is great", "en") is SentimentLabel.NEGATIVE
    assert label("Nothing Phone is great", "en", ("Nothing",)) is SentimentLabel.POSITIVE
    assert label("#Nothing phone is great", "en", ("nothing",)) is SentimentLabel.POSITIVE


def test_multi_word_terms_go_whole_across_spaces() -> None:
    assert label("The Nothing   Phone is great", "en", ("Nothing Phone",)) is (
        SentimentLabel.POSITIVE
    )
    assert label("Nothing\nPhone is great", "en", ("nothing phone",)) is SentimentLabel.POSITIVE


def test_only_whole_words_are_neutral() -> None:
    # "Joyful" and "enjoy" are not the product "Joy"; "Nothingness" is not "Nothing".
    assert label("What a joyful day", "en", ("Joy",)) is SentimentLabel.POSITIVE
    assert label("We enjoy it", "en", ("Joy",)) is SentimentLabel.POSITIVE
    assert label("Nothingness is great", "en", ("Nothing",)) is SentimentLabel.POSITIVE


def test_terms_with_symbols_are_taken_literally() -> None:
    assert label("C++ is great", "en", ("C++", "a.b", "(", "", "  ")) is SentimentLabel.POSITIVE
    assert label("Kestrel 2.0 is awful", "en", ("Kestrel 2.0",)) is SentimentLabel.NEGATIVE
