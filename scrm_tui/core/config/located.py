"""Where a key is written in the config's text (its line, for messages), and what was ignored."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from scrm_tui.core import sanitize
from scrm_tui.core.config.model import ConfigError


class _File:
    """The text being parsed: says where a key is and collects what was ignored."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.lines = text.splitlines()
        self.warnings: list[str] = []

    @staticmethod
    def tables(where: str, key: str, value: Any) -> list[Any]:
        """An array of tables (`[[key]]`): refused, naming `key`, when it is a plain value."""
        if not isinstance(value, list):
            raise ConfigError(f"{where}: '{key}' must be a list of tables ([[{key}]])")
        return value

    def line_of(self, key: str, section: str = "") -> int | None:
        """The line of `key = …` inside [section] (the top level for ""), else of its
        first `key =` anywhere (a key inside an inline table)."""
        current = ""
        # A key may be written bare or quoted ("billing & refunds" = ...).
        quoted = "|".join(re.escape(form) for form in (key, f'"{key}"', f"'{key}'"))
        pattern = re.compile(rf"^\s*(?:{quoted})\s*=")
        for number, line in enumerate(self.lines, 1):
            header = _HEADER.match(line)
            if header:
                current = header.group(1).replace(" ", "")
            elif current == section and pattern.match(line):
                return number
        for number, line in enumerate(self.lines, 1):
            if pattern.match(line):
                return number
        return None

    def header_line(self, section: str) -> int | None:
        """The line of the [section] (or [[section…]]) header that starts a table."""
        for number, line in enumerate(self.lines, 1):
            header = _HEADER.match(line)
            if header and re.match(
                rf"{re.escape(section)}(\.|$)", header.group(1).replace(" ", "")
            ):
                return number
        return None

    def where(self, key: str, section: str = "") -> str:
        line = self.line_of(key, section)
        return f"{self.source}, line {line}" if line else self.source

    def at_header(self, section: str) -> str:
        line = self.header_line(section)
        return f"{self.source}, line {line}" if line else self.source

    def line_in(self, section: str, dotted: str) -> int | None:
        """The line of `a.b = …` in [section], however it is written: as a dotted key,
        as a quoted one, or as `b = …` under a [section.a] header."""
        head, _, last = dotted.rpartition(".")
        tries = [(section, re.escape(dotted).replace(r"\.", r"\s*\.\s*"))]
        tries.append((section, re.escape(f'"{dotted}"')))
        if head:
            tries.append((f"{section}.{head}", re.escape(last)))
        for table, key in tries:
            current = ""
            for number, line in enumerate(self.lines, 1):
                header = _HEADER.match(line)
                if header:
                    current = header.group(1).replace(" ", "")
                elif current == table and re.match(rf"^\s*{key}\s*=", line):
                    return number
        return None

    def items(self, section: str) -> list[tuple[int, int]]:
        """The first and last line of each `[[section]]` table, in order (its own
        sub-tables, `[section.key]`, belong to it)."""
        opening = re.compile(rf"^\s*\[\[\s*{re.escape(section)}\s*\]\]")
        starts = [n for n, line in enumerate(self.lines, 1) if opening.match(line)]
        found = []
        for start in starts:
            end = len(self.lines)
            for number in range(start + 1, len(self.lines) + 1):
                header = _HEADER.match(self.lines[number - 1])
                if header and not header.group(1).replace(" ", "").startswith(f"{section}."):
                    end = number - 1
                    break
            found.append((start, end))
        return found

    def in_item(self, section: str, index: int, key: str | None) -> str:
        """Where `key` of the `index`th `[[section]]` table is written (`key = ...` or
        `[section.key]`), else the table's header; the `section =` line for an inline
        array of tables."""
        items = self.items(section)
        if index >= len(items):
            return self.where(section)
        start, end = items[index]
        if key is not None:
            setting = re.compile(rf"^\s*{re.escape(key)}\s*=")
            table = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\.\s*{re.escape(key)}\s*\]")
            for number in range(start, end + 1):
                line = self.lines[number - 1]
                if setting.match(line) or table.match(line):
                    return f"{self.source}, line {number}"
        return f"{self.source}, line {start}"

    def unknown(self, where: str, name: str, known: Iterable[str]) -> None:
        # A key is the file's text: shown inert, whatever it holds.
        self.warnings.append(
            f"{where}: unknown setting '{sanitize.for_message(name)}', ignored "
            f"(known: {', '.join(sorted(known))})"
        )


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]#]+?)\s*\]")
