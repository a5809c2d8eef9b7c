"""Settings: the typed model and its TOML parser (reading the file is the caller's job)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Config:
    agent: str | None = None
    """Name recorded on every action you take (default: $SCRM_AGENT, then your login)."""
    db: Path | None = None
    """Database file (default: scrm.db in the XDG data directory)."""
    advance_on_done: bool = True
    """After `x` marks a mention done, move to the next one (as mutt's `resolve`)."""
    demo_interval: tuple[float, float] = (1.0, 5.0)
    """Seconds between two mentions of the demo stream: [shortest, longest]."""
    theme: str | None = None
    """A Textual theme name, e.g. "textual-dark", "nord", "gruvbox"."""
    match_auto: float = 95.0
    """Score (0-100) from which an author is linked to a customer without asking."""
    match_margin: float = 5.0
    """... and by how much the best customer must beat the second."""
    match_suggest: float = 60.0
    """Score from which a customer is suggested for an author (up to three)."""


EXAMPLE = """\
# scrm configuration (TOML). Every setting is optional.

# Name recorded on every action you take (default: $SCRM_AGENT, then your login).
# agent = "kate"

# Database file (default: scrm.db in the XDG data directory).
# db = "~/scrm/inbox.db"

[inbox]
# After `x` marks a mention done, move to the next one.
# advance_on_done = true

[demo]
# Seconds between two mentions of the demo stream: [shortest, longest].
# interval = [1.0, 5.0]

[ui]
# theme = "textual-dark"

[matching]
# An author is linked to a customer automatically only when the best score (0-100)
# reaches `auto` and beats the next customer by `margin`; from `suggest` up, the
# best three are offered in the link pane (`l`).
# auto = 95
# margin = 5
# suggest = 60
"""

_SECTIONS: dict[str, set[str]] = {
    "": {"agent", "db", "inbox", "demo", "ui", "matching"},
    "inbox": {"advance_on_done"},
    "demo": {"interval"},
    "ui": {"theme"},
    "matching": {"auto", "margin", "suggest"},
}


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _where(source: str, text: str, key: str) -> str:
    line = _line_of(text, key)
    return f"{source}, line {line}" if line else source


def parse_config(text: str, source: str = "config") -> Config:
    import tomllib  # only when there is a file to read: keeps start-up lean

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: {error}") from None

    for section, allowed in _SECTIONS.items():
        table: Any = data.get(section, {}) if section else data
        if not isinstance(table, dict):
            raise ConfigError(f"{_where(source, text, section)}: [{section}] must be a table")
        for key in table:
            if key not in allowed:
                name = f"{section}.{key}" if section else key
                known = ", ".join(sorted(allowed - set(_SECTIONS)))
                raise ConfigError(
                    f"{_where(source, text, key)}: unknown setting '{name}' (known: {known})"
                )

    def get(section: str, key: str, kind: type | tuple[type, ...]) -> Any:
        table = data.get(section, {}) if section else data
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            name = f"{section}.{key}" if section else key
            raise ConfigError(f"{_where(source, text, key)}: '{name}' has the wrong type")
        return value

    config = Config()
    agent = get("", "agent", str)
    db = get("", "db", str)
    advance = get("inbox", "advance_on_done", bool)
    interval = get("demo", "interval", list)
    theme = get("ui", "theme", str)
    limits: dict[str, float] = {}
    for key, default in (
        ("auto", config.match_auto),
        ("margin", config.match_margin),
        ("suggest", config.match_suggest),
    ):
        value = get("matching", key, (int, float))
        if value is not None and not 0 <= value <= 100:
            raise ConfigError(
                f"{_where(source, text, key)}: 'matching.{key}' must be between 0 and 100"
            )
        limits[key] = default if value is None else float(value)
    if limits["suggest"] > limits["auto"]:
        raise ConfigError(
            f"{_where(source, text, 'suggest')}: 'matching.suggest' must not exceed 'matching.auto'"
        )
    if interval is not None and (
        len(interval) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in interval)
        or not 0 < interval[0] <= interval[1]
    ):
        raise ConfigError(
            f"{_where(source, text, 'interval')}: 'demo.interval' must be "
            "[shortest, longest] seconds, 0 < shortest <= longest"
        )
    return Config(
        agent=agent.strip() or None if agent is not None else None,
        db=Path(db).expanduser() if db else None,
        advance_on_done=config.advance_on_done if advance is None else advance,
        demo_interval=(float(interval[0]), float(interval[1]))
        if interval
        else config.demo_interval,
        theme=theme,
        match_auto=limits["auto"],
        match_margin=limits["margin"],
        match_suggest=limits["suggest"],
    )
