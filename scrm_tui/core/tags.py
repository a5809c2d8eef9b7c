"""Tags: what makes one valid, and the `+add -remove toggle` edits typed after `t`."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from scrm_tui.core import sanitize

MAX_TAG = 32  # characters: a tag is a short word, shown on a row next to the text
# Besides letters and digits (any script): joiners people use inside one word.
JOINERS = "-_./"


class TagError(ValueError):
    """A tag or an edit that cannot be used; the message names it and where."""


def check_tag(text: str) -> str:
    """The tag as stored (lower case, NFC), or a TagError saying what is wrong and where.

    A tag is one word: letters and digits of any script, and `- _ . /` inside it.
    `#` is left to hashtags, `:` to filter keys, a leading `+`/`-` to edits.
    """
    tag = unicodedata.normalize("NFC", text).lower()
    shown = sanitize.for_message(text)
    if not tag:
        raise TagError("a tag cannot be empty")
    if len(tag) > MAX_TAG:
        raise TagError(f"tag '{shown}' is {len(tag)} characters long; at most {MAX_TAG}")
    for position, char in enumerate(tag, start=1):
        if char.isalnum() or (char in JOINERS and position > 1):
            continue
        if unicodedata.category(char).startswith("M") and position > 1:
            continue  # a combining accent belongs to the letter before it
        if char.isspace():
            what = "a space"
        elif unicodedata.category(char)[0] in "CZ":
            what = f"a control or invisible character (U+{ord(char):04X})"
        else:
            what = f"'{char}'"
        if position == 1 and char in JOINERS:
            raise TagError(f"tag '{shown}' must start with a letter or digit")
        raise TagError(
            f"tag '{shown}' has {what} at position {position}; a tag is one word: "
            f"letters, digits and {' '.join(JOINERS)}"
        )
    return tag


def check_tags(texts: Iterable[str]) -> tuple[str, ...]:
    """Several tags, checked, without repeats, in the order given."""
    return tuple(dict.fromkeys(check_tag(text) for text in texts))


@dataclass(frozen=True)
class TagEdit:
    """`+billing -spam vip`: add billing, remove spam, toggle vip (on a selection:
    added to all unless all have it already, then removed from all)."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    toggle: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.add or self.remove or self.toggle)


def parse_edit(text: str) -> TagEdit:
    """Words separated by spaces or commas: `+tag` adds, `-tag` removes, `tag` toggles.
    A bad word is a TagError naming the word and its position in `text`."""
    add: list[str] = []
    remove: list[str] = []
    toggle: list[str] = []
    position = 0
    for word in text.replace(",", " ").split(" "):
        start = position + 1
        position += len(word) + 1
        if not word:
            continue
        sign, name = (word[0], word[1:]) if word[0] in "+-" else ("", word)
        try:
            tag = check_tag(name)
        except TagError as error:
            raise TagError(f"column {start}: {error}") from None
        for bucket in (add, remove, toggle):
            if tag in bucket:
                bucket.remove(tag)  # the last word about a tag wins
        {"+": add, "-": remove, "": toggle}[sign].append(tag)
    return TagEdit(tuple(add), tuple(remove), tuple(toggle))
