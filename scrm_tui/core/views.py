"""Saved views: a name for a filter, the team's (from the config) or an agent's own."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrm_tui.core.query import QueryError, parse

MAX_NAME = 24  # cells enough to tell views apart in a one-line bar
KEYED = 9  # keys 1-9 jump to the first nine views


@dataclass(frozen=True)
class View:
    name: str
    filter: str  # as typed after `/`
    mine: bool = False  # saved by this agent (theirs to delete); else the team's, from the config


def name_problem(name: str) -> str | None:
    """Why `name` cannot name a view, or None."""
    if not name.strip():
        return "a view needs a name"
    if len(name) > MAX_NAME:
        return f"a view's name is at most {MAX_NAME} characters"
    if not all(char.isprintable() for char in name):
        return "a view's name cannot hold control or invisible characters"
    return None


def filter_problem(source: str) -> str | None:
    """Why `source` is not a filter (what is wrong and where), or None."""
    try:
        parse(source)
    except QueryError as error:
        return f"column {error_column(error, source)}: {error}"
    return None


def error_column(error: QueryError, source: str) -> int:
    """Where in `source` (1-based) what `parse` refused begins."""
    position = getattr(error, "position", None)
    if isinstance(position, int):
        return position + 1
    # A QueryError without a position: every refusal is of one term, so it is the first
    # term refused on its own.
    for term in re.finditer(r"\S+", source):
        try:
            parse(term.group())
        except QueryError:
            return term.start() + 1
    return 1
