"""A statement's values quoted into its text, as psycopg's client-side binding does it,
with the text split at its placeholders once per statement rather than once per call."""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from psycopg.abc import AdaptContext
from psycopg.adapt import Transformer

# What quotes one value as SQL: the connection's own adapters
# (psycopg.adapt.Transformer.as_literal, what psycopg's ClientCursor uses).
Quote = Callable[[Any], bytes]


def literal(conn: AdaptContext) -> Quote:
    """How `conn` (a psycopg connection, either kind) quotes one value as SQL."""
    return Transformer.from_context(conn).as_literal


_PLACEHOLDER = re.compile(r"%%|%s|%\((\w+)\)s")


@functools.lru_cache(maxsize=4096)
def split(sql: str) -> tuple[tuple[bytes, ...], tuple[str | None, ...]]:
    """`sql`'s text between its placeholders (one more piece than placeholders, a `%%`
    read as the `%` it stands for) and each placeholder's name (None: positional).
    psycopg itself caches this only for statements under 4 KB and 50 values, and the
    match index's reads and the store's many-row inserts are longer: it split them with a
    regular expression on every call (about 1 µs a placeholder, 650 µs for 512)."""
    pieces: list[bytes] = []
    names: list[str | None] = []
    current: list[str] = []
    at = 0
    for found in _PLACEHOLDER.finditer(sql):
        current.append(sql[at : found.start()])
        if found.group() == "%%":
            current.append("%")
        else:
            pieces.append("".join(current).encode())
            names.append(found.group(1))
            current = []
        at = found.end()
    current.append(sql[at:])
    pieces.append("".join(current).encode())
    return tuple(pieces), tuple(names)


def quoted(sql: str, values: Sequence[Any] | Mapping[str, Any] | None, quote: Quote) -> bytes:
    """`sql` with `values` quoted in (by position, or by name), ready to send with no
    parameters; as it is when there are none (psycopg sends such a statement untouched).
    A value missing, or one too many, is sqlite3's ProgrammingError, as SQLite says it."""
    if values is None:
        return sql.encode()
    pieces, names = split(sql)
    if isinstance(values, Mapping):
        try:
            ordered = [values[name] for name in names if name is not None]
        except KeyError as missing:
            raise sqlite3.ProgrammingError(f"no value for the parameter {missing}") from None
    else:
        ordered = list(values)
    return row(pieces, ordered, quote)


def row(pieces: tuple[bytes, ...], values: Sequence[Any], quote: Quote) -> bytes:
    """`pieces` (split()'s) with `values` quoted between them: NULL for None."""
    if len(values) != len(pieces) - 1:
        raise sqlite3.ProgrammingError(
            f"{len(values)} values supplied for {len(pieces) - 1} placeholders"
        )
    chunks = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        chunks.append(b"NULL" if value is None else quote(value))
        chunks.append(piece)
    return b"".join(chunks)
