"""[watch] terms and [watch.competitors], checked as the filter language reads them."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from scrm_tui.core import sanitize
from scrm_tui.core.config.located import _File
from scrm_tui.core.config.model import BRAND_SET, Competitor, ConfigError


def _watch_terms(terms: str | None, file: _File) -> str | None:
    if terms is None:
        return None
    from scrm_tui.core.watch import WatchError, parse_watch

    try:
        parse_watch(terms)
    except WatchError as error:
        raise ConfigError(f"{file.where('terms', 'watch')}: 'watch.terms': {error}") from None
    return terms


def _competitors(table: Any, file: _File) -> tuple[Competitor, ...]:
    """[watch.competitors]: `name = "terms"`, each checked as [watch] terms are."""
    if table is None:
        return ()
    if not isinstance(table, dict):
        raise ConfigError(
            f"{file.where('competitors', 'watch')}: 'watch.competitors' must be a table of "
            'name = "terms", like [watch.competitors] harrier = "harrier OR #harrierapp"'
        )
    from scrm_tui.core.watch import WatchError, parse_watch

    found: list[Competitor] = []
    for name, terms in table.items():
        shown = sanitize.for_message(name, 40)
        line = file.line_in("watch", f"competitors.{name}")
        where = f"{file.source}, line {line}" if line else file.at_header("watch")
        key = f"'watch.competitors.{shown}'"
        if not isinstance(terms, str):
            raise ConfigError(f'{where}: {key} must be watch terms in quotes, like "harrier"')
        problem = _competitor_name_problem(name, found)
        if problem:
            raise ConfigError(f"{where}: {key}: {problem}")
        try:
            parse_watch(terms)
        except WatchError as error:
            raise ConfigError(f"{where}: {key}: {error}") from None
        found.append(Competitor(name.strip(), terms))
    return tuple(found)


def _competitor_name_problem(name: str, before: Sequence[Competitor]) -> str | None:
    """Why a competitor cannot have this name (it is written in filters: `watch:NAME`)."""
    if not name.strip():
        return "the name is empty"
    if any(unicodedata.category(char)[0] == "C" for char in name):
        return "the name holds a control character"
    if '"' in name or len(name.strip()) > 40:
        return 'a name is at most 40 characters, without "'
    if name.strip().casefold() == BRAND_SET:
        return f"'{BRAND_SET}' is the brand's own set (watch:{BRAND_SET}); choose another name"
    if any(c.key == name.strip().casefold() for c in before):
        return "another competitor has this name (names are matched in any case)"
    return None
