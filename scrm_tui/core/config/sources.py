"""[sources.<network>]: each source's interval, kinds, terms and feeds, checked."""

from __future__ import annotations

from typing import Any

from scrm_tui.core import sanitize
from scrm_tui.core.config.durations import _duration, _seconds
from scrm_tui.core.config.located import _File
from scrm_tui.core.config.model import (
    MIN_INTERVAL_S,
    SOURCE_DEFAULTS,
    SOURCE_KEYS,
    SOURCE_KINDS,
    ConfigError,
    SourceConfig,
)


def _sources(table: Any, file: _File) -> dict[str, SourceConfig]:
    if not isinstance(table, dict):
        raise ConfigError(f"{file.where('sources')}: [sources] must be a table")
    found: dict[str, SourceConfig] = {}
    for name, spec in table.items():
        section = f"sources.{name}"
        where = file.at_header(section)
        if name not in SOURCE_DEFAULTS:
            file.warnings.append(
                f"{where}: unknown source [sources.{sanitize.for_message(name)}], ignored "
                f"(known: {', '.join(SOURCE_DEFAULTS)})"
            )
            continue
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: [sources.{name}] must be a table")
        allowed = {"interval", "enabled", "terms"} | SOURCE_KEYS[name]
        for key in spec:
            if key not in allowed:
                file.unknown(file.where(key, section), f"{section}.{key}", allowed)

        def strings(
            key: str, spec: dict[str, Any] = spec, where: str = where, name: str = name
        ) -> tuple[str, ...]:
            value = spec.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ConfigError(f"{where}: 'sources.{name}.{key}' must be a list of names")
            return tuple(v.lstrip("#").removeprefix("r/") for v in value)

        interval = SOURCE_DEFAULTS[name]
        if "interval" in spec:
            interval = _duration(
                spec["interval"],
                f"{section}.interval",
                file.where("interval", section),
                f'"2m" (the default is {_seconds(SOURCE_DEFAULTS[name])})',
                MIN_INTERVAL_S,
            )
        kinds = strings("kinds") or SOURCE_KINDS.get(name, ())[:1]
        for kind in kinds:
            if kind not in SOURCE_KINDS.get(name, ()):
                raise ConfigError(
                    f"{file.where('kinds', section)}: 'sources.{name}.kinds' has {kind!r} "
                    f"(known: {', '.join(SOURCE_KINDS.get(name, ()))})"
                )
        terms = spec.get("terms")
        if terms is not None:
            if not isinstance(terms, str):
                raise ConfigError(f"{where}: 'sources.{name}.terms' must be a string")
            from scrm_tui.core.watch import WatchError, parse_watch

            try:
                parse_watch(terms)
            except WatchError as error:
                raise ConfigError(f"{where}: 'sources.{name}.terms': {error}") from None
        feeds: list[tuple[str, str, bool]] = []
        for index, feed in enumerate(file.tables(where, f"{section}.feeds", spec.get("feeds", []))):
            if (
                not isinstance(feed, dict)
                or not isinstance(feed.get("url"), str)
                or not str(feed["url"]).startswith(("http://", "https://"))
            ):
                raise ConfigError(
                    f'{where}: feed {index + 1} needs url = "https://..." (and a name)'
                )
            for key in feed:
                if key not in _FEED_KEYS:
                    file.unknown(where, f"{section}.feeds[{index + 1}].{key}", _FEED_KEYS)
            if not isinstance(feed.get("filter", False), bool):
                raise ConfigError(
                    f"{where}: feed {index + 1}: 'filter' must be true or false, "
                    f"not {feed['filter']!r}"
                )
            url = str(feed["url"])
            label = str(feed.get("name") or url.split("/")[2])
            # Google Alerts already chose the posts for its own terms: keep them all.
            filtered = bool(feed.get("filter", "google.com/alerts" not in url))
            feeds.append((label, url, filtered))
        enabled = spec.get("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigError(f"{where}: 'sources.{name}.enabled' must be true or false")
        found[name] = SourceConfig(
            name=name,
            interval_s=interval,
            enabled=enabled,
            terms=terms,
            kinds=kinds,
            tags=strings("tags") if "tags" in SOURCE_KEYS[name] else (),
            subreddits=strings("subreddits") if "subreddits" in SOURCE_KEYS[name] else (),
            feeds=tuple(feeds),
            api_url=str(spec["api_url"]) if "api_url" in spec else None,
        )
    return found


_FEED_KEYS = ("name", "url", "filter")
