"""Read customer files (CSV, JSON, JSON Lines) into records that know their line.

Whole-file problems (not UTF-8, no `name` column, not JSON) raise FileProblem with
advice; a bad row becomes a RowProblem naming its line, and the rest goes on.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrm_tui.core import sanitize
from scrm_tui.core.records import JSON_DECODER, RecordError, decode_json, json_problem

FORMATS = ("csv", "json", "jsonl")
_DELIMITERS = (",", ";", "\t")
# The longest CSV cell read (Python's csv stops at 128 KB, and the rows after a cell
# over its limit cannot be trusted to line up): long notes are common, 8 MB is not.
CELL_LIMIT = 8 * 1024 * 1024


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


Record = tuple[int, dict[str, Any]]  # (line where the record starts, its fields)


def detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "tsv", "txt"):
        return "csv"
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix == "json":
        return "json" if text.lstrip().startswith("[") else "jsonl"
    start = text.lstrip()[:1]
    return "json" if start == "[" else "jsonl" if start == "{" else "csv"


def decode(data: bytes, name: str) -> str:
    """UTF-8 (a byte-order mark is fine); anything else is refused, naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise FileProblem(
            f"{name} is not UTF-8: line {line} has the byte 0x{byte:02X} "
            "(perhaps Latin-1 or Windows-1252). Save it as UTF-8 and import again."
        ) from None


def read_records(path: Path, fmt: str | None = None) -> Iterator[Record | RowProblem]:
    """Every record of the file with its line, or a problem for a row that has none."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FileProblem(f"cannot read {path}: {error.strerror}") from None
    name = sanitize.for_message(str(path), 200)
    text = decode(data, name)
    fmt = fmt or detect_format(path, text)
    if fmt == "csv":
        return _csv(text, name)
    if fmt == "jsonl":
        return _jsonl(text)
    if fmt == "json":
        return _json_array(text, name)
    raise FileProblem(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")


def _column(header: str) -> str:
    return "_".join(header.strip().lower().split())


def _delimiter(first_line: str) -> str:
    # The header line decides: whichever separator splits it most (outside quotes).
    counts = {d: 0 for d in _DELIMITERS}
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(_DELIMITERS, key=lambda d: counts[d])


def _csv(text: str, name: str) -> Iterator[Record | RowProblem]:
    if csv.field_size_limit() < CELL_LIMIT:
        csv.field_size_limit(CELL_LIMIT)
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem(f"{name} is empty") from None
    columns = [_column(h) for h in header]
    if "name" not in columns:
        raise FileProblem(f"{name}: the header has no 'name' column (found: {', '.join(columns)})")
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise FileProblem(f"{name}: the header repeats {', '.join(repeated)}")
    return _csv_rows(reader, columns)


def _csv_rows(reader: Any, columns: list[str]) -> Iterator[Record | RowProblem]:
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RowProblem(start, f"not valid CSV ({error})")
            return
        line = reader.line_num  # a quoted cell may span lines
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(columns):
            yield RowProblem(start, f"{len(cells)} cells but the header has {len(columns)}")
            continue
        yield start, {c: v for c, v in zip(columns, cells, strict=False) if c}


def _jsonl(text: str) -> Iterator[Record | RowProblem]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = decode_json(line)
        except RecordError as error:
            yield RowProblem(number, str(error))
            continue
        if not isinstance(obj, dict):
            yield RowProblem(number, f"expected a JSON object, got {type(obj).__name__}")
            continue
        yield number, obj


def _json_array(text: str, name: str) -> Iterator[Record | RowProblem]:
    """Walk a JSON array element by element, so each keeps the line it starts on."""
    decoder = JSON_DECODER
    position = text.index("[") + 1 if "[" in text else 0
    if position == 0:
        raise FileProblem(f"{name}: expected a JSON array of customer objects")
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text):
            raise FileProblem(f"{name}: the JSON array is not closed")
        if text[position] == "]":
            return
        line = text.count("\n", 0, position) + 1
        try:
            obj, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            # Nothing after a broken element can be trusted to line up.
            raise FileProblem(
                f"{name}: line {error.lineno}: not valid JSON ({error.msg})"
            ) from None
        except (ValueError, RecursionError) as error:
            # NaN, a number too long for Python, nesting too deep.
            raise FileProblem(f"{name}: line {line}: {json_problem(error)}") from None
        if isinstance(obj, dict):
            yield line, obj
        else:
            yield RowProblem(line, f"expected a JSON object, got {type(obj).__name__}")
