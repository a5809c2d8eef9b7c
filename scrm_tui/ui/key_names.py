"""Key names as Textual knows them: what [keys] may say, checked and written the way
Textual reports a key press."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from textual.keys import KEY_ALIASES, KEY_NAME_REPLACEMENTS, REPLACED_KEYS, Keys, key_to_character

from scrm_tui.core import sanitize

# In the order Textual writes them in a key's name (sorted: "ctrl+shift+up").
MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")


class KeyNameError(ValueError):
    """A key name Textual would never report, so a binding to it could never fire."""


@cache
def _named_keys() -> frozenset[str]:
    """Keys that have a name rather than a character: enter, f5, pageup, space…"""
    names = {key.value.rpartition("+")[2] for key in Keys}
    names |= {alias.rpartition("+")[2] for key in KEY_ALIASES for alias in [key, *KEY_ALIASES[key]]}
    return frozenset(name for name in names if not name.startswith("<") and len(name) > 1)


def _char_key(char: str) -> str:
    """The name Textual gives the key that types `char` ("?" is question_mark)."""
    if char.isalnum():
        return char
    try:
        name = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return char
    return KEY_NAME_REPLACEMENTS.get(name, name)


def _char_of(name: str) -> str | None:
    """The character a key name types ("slash" is "/"), if it is one."""
    char = key_to_character(REPLACED_KEYS.get(name, name))
    if char is not None and len(char) == 1 and char.isprintable() and not char.isspace():
        return char
    return None


def key_name(key: str) -> str:
    """One key as Textual names it when pressed: modifiers in its order, a character by
    its name ("ctrl+?" is ctrl+question_mark, "shift+r" is R); KeyNameError says what
    is wrong with a name it would never report."""
    key = key.strip()
    if not key:
        raise KeyNameError("an empty key name (commas separate keys; the , key is 'comma')")
    if len(key) == 1:
        return _base(key)
    if " " in key:
        raise KeyNameError(f"{_quote(key)}: one key per name (Textual has no key sequences)")
    *mods, base = key.split("+")
    if not base or "" in mods:
        raise KeyNameError(
            f"{_quote(key)}: a key is missing after a + (the + key is 'plus', the , key 'comma')"
        )
    for mod in mods:
        if mod not in MODIFIERS:
            raise KeyNameError(
                f"{_quote(key)}: {_quote(mod)} is not a modifier Textual knows "
                f"({', '.join(MODIFIERS)}){did_you_mean(mod, MODIFIERS)}"
            )
    if len(set(mods)) != len(mods):
        raise KeyNameError(f"{_quote(key)}: a modifier is given twice")
    base = _base(base, whole=key)
    if mods == ["shift"] and len(base) == 1 and base.islower():
        return base.upper()  # Textual reports Shift+r as "R"
    return "+".join([*sorted(mods), base])


def _base(name: str, whole: str | None = None) -> str:
    """The key itself, without modifiers, as Textual names it."""
    if len(name) == 1:
        if not name.isprintable() or name.isspace():
            raise KeyNameError(f"{_quote(whole or name)}: write that key's name (e.g. 'space')")
        return _char_key(name)
    if name in _named_keys():
        return name
    char = _char_of(name)
    if char is not None:
        return _char_key(char)
    known = [*_named_keys(), *(_char_key(chr(c)) for c in range(0x21, 0x7F))]
    return _raise_unknown(name, whole, known)


def _raise_unknown(name: str, whole: str | None, known: Iterable[str]) -> str:
    where = f"{_quote(whole)}: " if whole and whole != name else ""
    raise KeyNameError(
        f"{where}{_quote(name)} is not a key name Textual knows{did_you_mean(name, known)}"
    )


def key_list(keys: str) -> list[str]:
    """Every key of "r, ctrl+r" as Textual names it (KeyNameError for a bad one)."""
    if re.search(r"\+\s*,", keys):
        raise KeyNameError(f"{_quote(keys)}: commas separate keys; the , key is 'comma'")
    return [key_name(key) for key in keys.split(",")]


def written(key: str) -> str:
    """A key as one writes it in [keys]: "?" rather than question_mark."""
    char = _char_of(key)
    return char if char is not None and char != "," else key


def _quote(text: str) -> str:
    return repr(sanitize.for_message(text))


def did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if not close:
        close = [k for k in known if k.lower() == name.lower()][:1]
    return f" (did you mean {close[0]!r}?)" if close else ""
