"""[advocacy] and [priority]: tables of points, each value checked."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from scrm_tui.core import sanitize
from scrm_tui.core.advocacy import AdvocacyConfig
from scrm_tui.core.config.durations import _duration
from scrm_tui.core.config.located import _File
from scrm_tui.core.config.model import ConfigError
from scrm_tui.core.models import NETWORK_NAMES
from scrm_tui.core.priority import PriorityWeights


def _advocacy(table: Any, file: _File) -> AdvocacyConfig:
    """levels = { fan = 5, ... }, half_life = "30d", accounts = ["bluesky:kestrel.app"]."""
    if not isinstance(table, dict):
        raise ConfigError(f"{file.where('advocacy')}: [advocacy] must be a table")
    found = AdvocacyConfig()
    levels = found.levels
    if "levels" in table:
        spec = table["levels"]
        where = file.where("levels", "advocacy")
        if (
            not isinstance(spec, dict)
            or not spec
            or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
                for v in spec.values()
            )
        ):
            raise ConfigError(
                f"{where}: 'advocacy.levels' must be a table of names and points above 0, "
                "e.g. { fan = 5, advocate = 20, champion = 50 }"
            )
        levels = tuple(sorted(((str(k), float(v)) for k, v in spec.items()), key=lambda kv: kv[1]))
    half_life = found.half_life_s
    if "half_life" in table:
        half_life = _duration(
            table["half_life"],
            "advocacy.half_life",
            file.where("half_life", "advocacy"),
            '"30d" or "2w"',
            3600.0,
        )
    accounts: list[tuple[str, str]] = []
    for entry in table.get("accounts", []) if isinstance(table.get("accounts", []), list) else [0]:
        network, _, handle = str(entry).partition(":") if isinstance(entry, str) else ("", "", "")
        if network not in NETWORK_NAMES or not handle.strip():
            raise ConfigError(
                f"{file.where('accounts', 'advocacy')}: 'advocacy.accounts' holds "
                f"{sanitize.for_message(str(entry))!r}; each must be NETWORK:HANDLE, e.g. "
                '"bluesky:kestrel.app"'
            )
        accounts.append((network, handle.strip()))
    return AdvocacyConfig(levels, half_life, tuple(accounts))


def _number(table: dict[str, Any], key: str, where: str, low: float, high: float) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(
            f"{where}: 'priority.{sanitize.for_message(key)}' is {value!r}; it must be a "
            f"number from {low:g} to {high:g}"
        )
    return float(value)


def _priority(table: Any, file: _File) -> PriorityWeights | None:
    """[priority]: the points each input may add (together at most 100), the decay per
    day, and the tiers' shares. Absent: the weights the database already holds."""
    if not table:
        return None  # nothing set (the example config's empty table): the database's
    if not isinstance(table, dict):
        raise ConfigError(f"{file.at_header('priority')}: [priority] must be a table")
    defaults = PriorityWeights()
    found: dict[str, Any] = {}
    for key in (*PriorityWeights.INPUTS, "recency"):
        value = _number(table, key, file.where(key, "priority"), 0, 100)
        if value is not None:
            found[key] = value
    half = table.get("value_half")
    if half is not None:
        if isinstance(half, bool) or not isinstance(half, (int, float)) or half <= 0:
            raise ConfigError(
                f"{file.where('value_half', 'priority')}: 'priority.value_half' is {half!r}; "
                "it must be an amount above 0"
            )
        found["value_half"] = float(half)
    other = _number(table, "other_tier", file.where("other_tier", "priority"), 0, 1)
    if other is not None:
        found["other_tier"] = other
    tiers = table.get("tiers")
    if tiers is not None:
        where = file.at_header("priority.tiers")
        if not isinstance(tiers, dict):
            raise ConfigError(f"{where}: 'priority.tiers' must be a table of tier = share")
        shares = {}
        for name, share in tiers.items():
            if (
                isinstance(share, bool)
                or not isinstance(share, (int, float))
                or not 0 <= share <= 1
            ):
                raise ConfigError(
                    f"{file.where(name, 'priority.tiers')}: tier "
                    f"{sanitize.for_message(name)!r} has share {share!r}; it must be a number "
                    "from 0 to 1 (its part of the tier points)"
                )
            shares[name.strip().lower()] = float(share)
        found["tiers"] = shares
    weights = PriorityWeights(**{**_fields_of(defaults), **found})
    total = sum(getattr(weights, key) for key in PriorityWeights.INPUTS)
    if total > 100:
        raise ConfigError(
            f"{file.at_header('priority')}: the [priority] points add up to {total:g}; "
            f"{' + '.join(PriorityWeights.INPUTS)} must be at most 100, so that a priority "
            "reads as a share"
        )
    return weights


def _fields_of(weights: PriorityWeights) -> dict[str, Any]:
    return {f.name: getattr(weights, f.name) for f in fields(weights)}
