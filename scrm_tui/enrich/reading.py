"""What ingest learns of each mention's text: its language, then its sentiment in it."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from scrm_tui.core.models import MentionIn, NewMention, Sentiment
from scrm_tui.core.records import flatten, shown_text
from scrm_tui.enrich import language, sentiment


def neutral_words(matched: str | None, terms: Collection[str]) -> tuple[str, ...]:
    """The words that say nothing of a post's language or mood: the watch terms (and
    the one the post `matched`), which name the brand."""
    matched = (matched or "").strip('"')
    if not matched or matched[0] in "#@":  # tags and handles are never read as words
        return tuple(terms)
    return (*terms, matched)


def read_text(
    text: str, declared: str | None, matched: str | None, terms: Collection[str] = ()
) -> tuple[language.Language, Sentiment | None]:
    """The language of `text` (as declared, else detected) and its sentiment in it."""
    neutral = neutral_words(matched, terms)
    found = language.detect(text, declared, neutral)
    return found, sentiment.score_in(text, scored_as(found), neutral)


def scored_as(found: language.Language) -> str | None:
    """The language a post's sentiment is read in: its own, or English at a guess.

    A post too short or too unsure to call its language, whose best guess is English
    ("I love it, wonderful!": en 0.42), is read by VADER, which knows only English
    words: 325 of the 427 of VADER's own English tweets the detector cannot call.
    Any other unknown stays unscored (sentiment.score_in).
    """
    return found.code or ("en" if found.guess == "en" else None)


def read(mention: MentionIn, terms: Collection[str] = ()) -> NewMention:
    """One mention as a row to store: read on the text that is stored and shown."""
    found, scores = read_text(shown_text(mention.text), mention.lang, mention.matched, terms)
    return flatten(mention, scores, (found.code, found.confidence, found.source))


def read_many(mentions: Sequence[MentionIn], terms: Collection[str] = ()) -> list[NewMention]:
    """Each mention as a row to store, read as `read` reads it, a batch at a time.

    Every language first, then every sentiment: fastText's model and a lexicon each
    stay in the processor's caches through the batch. Reading post by post, each
    pushed the other out: 15-25 µs more a post (bench/reading_ab.py).
    """
    texts = [shown_text(m.text) for m in mentions]
    neutral = [neutral_words(m.matched, terms) for m in mentions]
    found = [
        language.detect(text, m.lang, words)
        for text, m, words in zip(texts, mentions, neutral, strict=True)
    ]
    scores = [
        sentiment.score_in(text, scored_as(lang), words)
        for text, lang, words in zip(texts, found, neutral, strict=True)
    ]
    return [
        flatten(m, score, (lang.code, lang.confidence, lang.source))
        for m, score, lang in zip(mentions, scores, found, strict=True)
    ]
