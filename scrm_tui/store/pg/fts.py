"""The FTS5 expressions our filter makes (core/query.fts_expression: quoted terms, a
`*` for a prefix, AND, OR, NOT and parentheses) as PostgreSQL tsquery text, split into
words as scrm_tsvector (compat.sql) splits a mention: runs of letters and digits."""

from __future__ import annotations

import re

_WORDS = re.compile(r"[^\W_]+")
_TOKEN = re.compile(
    r'\s*(?:(?P<term>"(?:[^"]|"")*")(?P<star>\*)?|(?P<op>AND|OR|NOT)\b|(?P<p>[()]))'
)


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
    words = _WORDS.findall(term.lower())
    if not words:
        # FTS5 finds nothing for a term without letters or digits; neither does this.
        return "''"
    quoted = [f"'{w}'" for w in words]
    if prefix:
        quoted[-1] += ":*"
    return quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")"
