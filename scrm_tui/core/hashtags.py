"""Hashtags: which ones a text carries, written the way the networks recognise them."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A hashtag is `#` and word characters with at least one letter (`#123` is an issue
# number, not a tag), not glued to a word, a slash or a `#` before it: `page#part` in
# a URL and `C#` are not hashtags. Mastodon and Bluesky recognise the same shape.
_BODY = r"\w*[^\W\d_]\w*"
_IN_TEXT = re.compile(rf"(?<![\w/&#])#({_BODY})")
_WHOLE = re.compile(_BODY)
# Far beyond any network's own limit; a longer one is not a tag anyone typed.
MAX_LENGTH = 100


def normal(tag: str) -> str:
    """How a hashtag is stored and compared: networks treat #Kestrel as #kestrel."""
    return tag.lower()


def is_hashtag(body: str) -> bool:
    """Whether `body` (without its `#`) is a hashtag."""
    return len(body) <= MAX_LENGTH and _WHOLE.fullmatch(body) is not None


def of(text: str, declared: Iterable[str] = ()) -> tuple[str, ...]:
    """The distinct hashtags of a text, normalised, plus those the network declared
    for it (a Mastodon status's `tags`, a Bluesky post's tag facets)."""
    found: dict[str, None] = {}
    if "#" in text:  # most posts carry none: skip the scan
        found.update(dict.fromkeys(normal(m.group(1)) for m in _IN_TEXT.finditer(text)))
    for tag in declared:
        body = tag.removeprefix("#")
        if is_hashtag(body):
            found[normal(body)] = None
    return tuple(tag for tag in found if len(tag) <= MAX_LENGTH)
