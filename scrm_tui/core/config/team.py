"""[team] and [teams], [[rules]]: agents, hours, time zone, webhooks and rules, checked."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scrm_tui.core import sanitize
from scrm_tui.core.business_hours import BusinessHours, HoursError, parse_hours
from scrm_tui.core.config.durations import parse_duration
from scrm_tui.core.config.located import _File
from scrm_tui.core.config.model import HOOK_KINDS, MAX_AGENT_NAME, ConfigError, HookSpec, Team

if TYPE_CHECKING:
    from scrm_tui.core.rules import Rule


def _timezone(name: str | None, file: _File) -> str | None:
    if name is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only when a file names one

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{file.where('timezone', 'team')}: 'team.timezone' is "
            f'{sanitize.for_message(name)!r}, not a time zone (e.g. "Europe/Berlin", '
            '"America/New_York", "UTC")'
        ) from None
    return name


def _team_hours(spec: str | None, file: _File) -> BusinessHours | None:
    if spec is None:
        return None
    try:
        return parse_hours(spec)
    except HoursError as error:
        raise ConfigError(f"{file.where('hours', 'team')}: 'team.hours': {error}") from None


def _day_start(hour: int | None, file: _File) -> int:
    if hour is None:
        return 9
    if not 0 <= hour <= 23:
        raise ConfigError(
            f"{file.where('day_start', 'team')}: 'team.day_start' is {hour}; it must be an "
            "hour from 0 to 23"
        )
    return hour


def _agents(names: object, file: _File) -> tuple[str, ...]:
    """`[team] agents`: names as `--agent` takes them, each once."""
    if names is None:
        return ()
    where = file.where("agents", "team")
    if not isinstance(names, list):
        raise ConfigError(
            f'{where}: \'team.agents\' must be a list of names, like agents = ["kate", "dana"]'
        )
    for index, name in enumerate(names, start=1):
        if not isinstance(name, str) or not name.strip():
            shown = repr(name) if isinstance(name, str) else sanitize.for_message(name)
            raise ConfigError(
                f"{where}: 'team.agents' item {index} is {shown}; "
                'it must be a name, like agents = ["kate", "dana"]'
            )
        if any(unicodedata.category(char)[0] == "C" for char in name):
            raise ConfigError(
                f"{where}: 'team.agents' item {index} ({sanitize.for_message(name)!r}) holds a "
                "control character"
            )
        if len(name.strip()) > MAX_AGENT_NAME:
            raise ConfigError(
                f"{where}: 'team.agents' item {index} is longer than {MAX_AGENT_NAME} characters"
            )
    return tuple(dict.fromkeys(name.strip() for name in names))


def _rules(
    tables: object, file: _File, agents: Sequence[str], teams: Sequence[str]
) -> tuple[Rule, ...]:
    """`[[rules]]`, each checked; a bad one is a ConfigError at the line of its mistake."""
    if tables is None:
        return ()
    if not isinstance(tables, list):
        raise ConfigError(
            f"{file.at_header('rules')}: rules are written [[rules]] (two brackets), one "
            "table per rule"
        )
    from scrm_tui.core.rules import RuleError, parse_rule  # only for a config with rules

    rules: list[Rule] = []
    for index, table in enumerate(tables):
        try:
            rule = parse_rule(
                table, index + 1, agents=agents, teams=teams, durations=parse_duration
            )
        except RuleError as error:
            raise ConfigError(f"{file.in_item('rules', index, error.key)}: {error}") from None
        if any(other.name == rule.name for other in rules):
            raise ConfigError(
                f"{file.in_item('rules', index, 'name')}: two rules are named "
                f"{sanitize.for_message(rule.name)!r}; each needs its own name (the history "
                "names the rule that acted)"
            )
        rules.append(rule)
    return tuple(rules)


_HOOK_KEYS = ("kind", "name", "url", "url_env", "secret", "secret_env")


def _teams(table: Any, file: _File) -> tuple[Team, ...]:
    if not isinstance(table, dict):
        raise ConfigError(f"{file.where('teams')}: [teams] must be a table")
    teams = []
    for name, spec in table.items():
        where = file.at_header(f"teams.{name}")
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: [teams.{name}] must be a table")
        for key in spec:
            if key not in ("description", "webhooks"):
                file.unknown(where, f"teams.{name}.{key}", ("description", "webhooks"))
        listed = file.tables(where, f"teams.{name}.webhooks", spec.get("webhooks", []))
        hooks = []
        for index, hook in enumerate(listed):
            if not isinstance(hook, dict):
                raise ConfigError(f"{where}: each webhook of team '{name}' must be a table")
            kind = hook.get("kind")
            if kind not in HOOK_KINDS:
                raise ConfigError(
                    f"{where}: webhook {index + 1} of team '{name}' needs kind = "
                    f"{' | '.join(repr(k) for k in HOOK_KINDS)}"
                )
            for key in hook:
                if key not in _HOOK_KEYS:
                    file.unknown(where, f"teams.{name}.webhooks[{index + 1}].{key}", _HOOK_KEYS)
            hook = {k: v for k, v in hook.items() if k in _HOOK_KEYS}
            if not all(isinstance(v, str) for v in hook.values()):
                raise ConfigError(
                    f"{where}: webhook {index + 1} of team '{name}': values must be strings"
                )
            hook_name = hook.get("name") or (kind if index == 0 else f"{kind}-{index + 1}")
            settings = {k: v for k, v in hook.items() if k not in ("kind", "name")}
            hooks.append(HookSpec(name=hook_name, kind=kind, settings=settings))
        names = [h.name for h in hooks]
        if len(set(names)) != len(names):
            raise ConfigError(f"{where}: two webhooks of team '{name}' share a name")
        description = spec.get("description", "")
        if not isinstance(description, str):
            raise ConfigError(f"{where}: 'teams.{name}.description' must be a string")
        teams.append(Team(name, description, tuple(hooks)))
    return tuple(teams)
