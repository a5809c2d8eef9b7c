"""[views], [keys] and [sales]: named filters, key bindings, phrases and domains, checked."""

from __future__ import annotations

import re
from typing import Any

from scrm_tui.core import sanitize
from scrm_tui.core.config.located import _File
from scrm_tui.core.config.model import ConfigError, KeySetting
from scrm_tui.core.leads import phrase_problem
from scrm_tui.core.views import View, filter_problem, name_problem


def _views(table: Any, file: _File) -> tuple[View, ...]:
    """[views]: each `name = "filter"` a view the whole team gets, in the file's order."""
    if not isinstance(table, dict):
        raise ConfigError(f"{file.where('views')}: [views] must be a table")
    views = []
    seen: set[str] = set()
    for name, source in table.items():
        where = f"{file.where(name, 'views')}: 'views.{sanitize.for_message(name)}'"
        if not isinstance(source, str):
            raise ConfigError(f'{where} must be a filter in quotes, like "ch:hn is:unread"')
        problem = name_problem(name) or filter_problem(source)
        if not problem and name.casefold() in seen:
            problem = "another view has this name (names are matched in any case)"
        if problem:
            raise ConfigError(f"{where}: {problem}")
        seen.add(name.casefold())
        views.append(View(name, source.strip()))
    return tuple(views)


def _phrases(
    key: str, value: list[Any] | None, default: tuple[str, ...], file: _File
) -> tuple[str, ...]:
    """[sales] intent / questions: a list of phrases (the defaults when absent)."""
    if value is None:
        return default
    where = f"{file.where(key, 'sales')}: 'sales.{key}'"
    phrases = []
    for item in value:
        if not isinstance(item, str):
            raise ConfigError(f'{where} must be a list of phrases in quotes, like ["pricing"]')
        problem = phrase_problem(item)
        if problem:
            raise ConfigError(f"{where}: {sanitize.for_message(item)!r} {problem}")
        phrases.append(" ".join(item.split()))
    return tuple(phrases)


def _domains(value: list[Any] | None, file: _File) -> tuple[str, ...]:
    """[sales] utm_domains: host names (example.com also covers www.example.com)."""
    if value is None:
        return ()
    where = f"{file.where('utm_domains', 'sales')}: 'sales.utm_domains'"
    domains = []
    for item in value:
        host = item.strip().lower().rstrip(".") if isinstance(item, str) else ""
        if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", host):
            shown = sanitize.for_message(str(item))
            raise ConfigError(f'{where}: {shown!r} is not a domain (e.g. "kestrel.app")')
        domains.append(host)
    return tuple(domains)


def _keys(table: Any, file: _File, prefix: str = "") -> tuple[KeySetting, ...]:
    """[keys] as written: `inbox.reply = "ctrl+r"` is a table in TOML ({inbox: {reply:
    …}}), so the binding id is the path to each string."""
    if not isinstance(table, dict):
        raise ConfigError(f"{file.where('keys')}: [keys] must be a table")
    settings: list[KeySetting] = []
    for name, value in table.items():
        binding = f"{prefix}{name}"
        if isinstance(value, dict):
            settings += _keys(value, file, f"{binding}.")
            continue
        line = file.line_in("keys", binding)
        where = f"{file.source}, line {line}" if line else file.at_header("keys")
        if not isinstance(value, str):
            raise ConfigError(
                f"{where}: 'keys.{sanitize.for_message(binding)}' must be a string of key "
                'names, e.g. "ctrl+r" (or "r,f5" for two keys)'
            )
        settings.append(KeySetting(binding, value, where, line or 0))
    return tuple(sorted(settings, key=lambda setting: setting.line))
