"""Read the demo corpus: the posts, names and notes in tools/demo_corpus, kept as plain text.

A .json file is read as it is (`data`). A .txt file is either one text (`text`), or
sections, each under a line `@@ KEY` (`bank`, `nested`, `pairs`). A KEY with slashes
(`de/bug`) nests; a KEY that comes again adds to the texts already under it. A section
holds exactly the lines between its header and the next one: read back, they are the
very strings the generator was written with.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent.parent / "demo_corpus"
HEADER = "@@ "


def text(name: str) -> str:
    """The whole of `name`.txt, but for the newline that ends the file."""
    return (CORPUS / f"{name}.txt").read_text(encoding="utf-8").removesuffix("\n")


def sections(name: str) -> list[tuple[str, str]]:
    """(KEY, body) for each `@@ KEY` of `name`.txt, in the file's order."""
    found: list[tuple[str, list[str]]] = []
    for line in text(name).split("\n"):  # only \n: a U+2028 inside a post stays in it
        if line.startswith(HEADER):
            found.append((line[len(HEADER) :], []))
        elif found:
            found[-1][1].append(line)
        else:
            raise ValueError(f"{name}.txt: text before the first {HEADER.strip()} header")
    return [(key, "\n".join(body)) for key, body in found]


def _place(into: dict[str, Any], key: str) -> tuple[dict[str, Any], str]:
    *outer, last = key.split("/")
    for part in outer:
        into = into.setdefault(part, {})
    return into, last


def bank(name: str, parse: Callable[[str], list[str]]) -> dict[str, Any]:
    """Texts by key (nested by /), each section parsed with `parse` (L or B)."""
    found: dict[str, Any] = {}
    for key, body in sections(name):
        into, last = _place(found, key)
        into[last] = into.get(last, []) + parse(body)
    return found


def nested(name: str) -> dict[str, Any]:
    """Each section's body as it is, by key (nested by /)."""
    found: dict[str, Any] = {}
    for key, body in sections(name):
        into, last = _place(found, key)
        into[last] = body
    return found


def pairs(name: str) -> dict[str, list[tuple[str, str]]]:
    """For `@@ A/B` sections: by A, each (B, body) in the file's order."""
    found: dict[str, list[tuple[str, str]]] = {}
    for key, body in sections(name):
        outer, inner = key.split("/")
        found.setdefault(outer, []).append((inner, body))
    return found


def data(name: str) -> Any:
    """`name`.json, as it is."""
    return json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
