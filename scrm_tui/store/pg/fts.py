"""The FTS5 expressions our filter makes (core/query.fts_expression: quoted terms, a
`*` for a prefix, AND, OR, NOT and parentheses) as PostgreSQL tsquery text, each term
split and folded into words as FTS5 does, from the same tables as scrm_tsvector (fts.sql):
both are written by tools/fts5_chars.py from what SQLite's tokenizer answers."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

_TOKEN = re.compile(
    r'\s*(?:(?P<term>"(?:[^"]|"")*")(?P<star>\*)?|(?P<op>AND|OR|NOT)\b|(?P<p>[()]))'
)
# A lexeme no mention holds (`#` splits words): what a term without words becomes, as
# FTS5 finds nothing for it (and NOT it leaves every row).
_NOTHING = "'#'"
_LONGEST = 2047  # bytes of a word PostgreSQL's tsvector holds (longer ones are not kept)


@functools.cache
def _tables() -> tuple[re.Pattern[str], dict[int, str]]:
    """FTS5's separators (one regular expression) and folded characters."""
    data = json.loads((Path(__file__).with_name("fts5_chars.json")).read_text("utf-8"))
    spans = "".join(
        f"{_escape(a)}-{_escape(b)}" if a != b else _escape(a) for a, b in data["separators"]
    )
    return re.compile(f"[{spans}]+"), {ord(k): v for k, v in data["fold"].items()}


def _escape(c: int) -> str:
    return f"\\u{c:04x}" if c <= 0xFFFF else f"\\U{c:08x}"


def words(text: str) -> list[str]:
    """The words FTS5 (and scrm_tsvector) makes of `text`, folded."""
    separators, fold = _tables()
    return [w for w in separators.split(text.translate(fold)) if w]


def tsquery(fts5: str) -> str:
    """`"kestrel"* AND ("late delivery" OR "refund"*)` →
    `'kestrel':* & ( ('late' <-> 'delivery') | 'refund':* )`."""
    pieces: list[str] = []
    pos = 0
    text = fts5.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"not an FTS5 expression of ours: {fts5!r}")
        pos = m.end()
        if m["term"]:
            pieces.append(_term(m["term"][1:-1].replace('""', '"'), bool(m["star"])))
        elif m["op"]:
            pieces.append({"AND": "&", "OR": "|", "NOT": "& !"}[m["op"]])
        else:
            pieces.append(m["p"])
    return " ".join(pieces)


def _term(term: str, prefix: bool) -> str:
    found = words(term)
    if not found or any(len(w.encode()) > _LONGEST for w in found):
        return _NOTHING
    # A word never holds a quote or a backslash (both split words): no escaping needed.
    quoted = [f"'{w}'" for w in found]
    if prefix:
        quoted[-1] += ":*"
    return quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")"
