"""Names and handles as the matcher reads them: folded, cut into words, their nicknames."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from scrm_tui.core import networks
from scrm_tui.core.handles import handle_key
from scrm_tui.enrich.matching.wordlists import _HONORIFICS, _LEGAL, _NICKNAME_LINES, _TRANSLIT

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_LETTERS = re.compile(r"[^\W\d_]+")
_ALNUM = re.compile(r"[^\W_]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_BRACKETED = re.compile(r"[(\[{][^)\]}]*[)\]}]")
_PRONOUNS = re.compile(
    r"\b(?:she|he|they|xe|ze|it|any)\s*/\s*(?:her|hers|him|his|they|them|theirs|xem|zir|its|all)\b",
    re.IGNORECASE,
)
# "Kate Lindqvist | PM @ Brightline", "Aaron Hale · PhD student": the name comes first.
_TAGLINE = re.compile(r"\s+(?:[|·•—–@/:]|-|::)\s+|\s*\|\s*")


def fold(text: str) -> str:
    """Case-folded, with diacritics dropped: "Zoë Ångström" -> "zoe angstrom".

    Invisible characters go too, so that a zero-width space or a bidi override inside a
    word ("Ka\u200bte") does not cut it in two; control characters become spaces.
    """
    text = _CONTROLS.sub(" ", _INVISIBLE.sub("", text)).casefold().translate(_TRANSLIT)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean_display_name(name: str) -> str:
    """The name part of a display name: no emoji, pronouns, brackets or tagline."""
    name = _BRACKETED.sub(" ", name)
    name = _PRONOUNS.sub(" ", name)
    head = _TAGLINE.split(name, maxsplit=1)[0]
    return head if _LETTERS.search(head) else name


def name_tokens(name: str | None) -> tuple[str, ...]:
    """Folded words of a person's name, honorifics and emoji gone: "Dr. Kate L. 🌻" -> kate, l."""
    if not name:
        return ()
    words = _LETTERS.findall(fold(clean_display_name(name)))
    kept = [w for w in words if w not in _HONORIFICS]
    return tuple(kept or words)


def _name_variants(name: str) -> tuple[tuple[str, ...], ...]:
    """The words of a name, then other ways to cut it: El-Masri as one word, van den Berg too."""
    tokens = name_tokens(name)
    if not tokens:
        return ()
    variants = [tokens]
    merged = tuple(
        "".join(_LETTERS.findall(part))
        for part in fold(clean_display_name(name)).split()
        if _LETTERS.search(part) and "".join(_LETTERS.findall(part)) not in _HONORIFICS
    )
    if merged and merged not in variants:
        variants.append(merged)
    if len(tokens) >= 3:
        variants.append((tokens[0], "".join(tokens[1:])))
    return tuple(variants)


def handle_core(channel: str, handle: str) -> str:
    """The part of a handle a person chose: no instance, no domain suffix (each
    network's record says how: core.networks `chosen`)."""
    key = handle_key(channel, handle.strip())
    network = networks.find(channel)
    return network.chosen(key) if network is not None else key


def _compact(text: str) -> str:
    return "".join(_ALNUM.findall(fold(text)))


def _letters(compact: str) -> str:
    return "".join(_LETTERS.findall(compact))


def _handle_words(channel: str, handle: str) -> tuple[str, ...]:
    """Words in a handle, split at punctuation, digits and camelCase: JohnSmythArch -> 3 words."""
    raw = handle.strip().lstrip("@")
    network = networks.find(channel)
    if network is not None:
        raw = network.wordy(raw)  # no instance, no `u/`, no hosting domain
    return tuple(_LETTERS.findall(fold(_CAMEL.sub(" ", raw))))


def _company_keys(name: str) -> tuple[str, ...]:
    """Compact forms of a company name: with and without "& Co", "GmbH", "AB" and the like."""
    words = _LETTERS.findall(fold(name.replace("&", " and ")))
    # "S.r.l." and "K.K." arrive as single letters: join runs of them back into one word.
    joined: list[str] = []
    for word in words:
        if len(word) == 1 and joined and joined[-1].isalpha() and len(joined[-1]) <= 3:
            joined[-1] += word
        else:
            joined.append(word)
    full = "".join(joined)
    core = "".join(w for w in joined if w not in _LEGAL)
    return tuple(sorted({k for k in (full, core) if len(k) >= 4}))


@lru_cache(maxsize=1)
def _nickname_table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for line in _NICKNAME_LINES:
        names = line.split()
        formal, short = names[0], names[1:]
        pairs = [(formal, s) for s in short] + [(a, b) for a in short for b in short if a != b]
        for a, b in pairs:
            table.setdefault(a, set()).add(b)
            table.setdefault(b, set()).add(a)
    return {name: frozenset(others) for name, others in table.items()}


def nicknames(name: str) -> frozenset[str]:
    """Given names equivalent to `name` (folded): kate -> katherine, katie, ..."""
    return _nickname_table().get(name, frozenset())


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
