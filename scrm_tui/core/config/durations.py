"""Durations ("90s", "4h", "1h30m") and the settings made of them: SLAs, claim idle, backfill."""

from __future__ import annotations

import re
from typing import Any

from scrm_tui.core.config.located import _File
from scrm_tui.core.config.model import (
    DEFAULT_CLAIM_IDLE_S,
    DEFAULT_SLA_S,
    MIN_CLAIM_IDLE_S,
    MIN_SLA_S,
    ConfigError,
)


def _claim_idle(value: str | float | None, file: _File) -> float:
    if value is None:
        return DEFAULT_CLAIM_IDLE_S
    return _duration(
        value,
        "team.claim_idle",
        file.where("claim_idle", "team"),
        '"10m" or "90s"',
        MIN_CLAIM_IDLE_S,
    )


def _backfill(value: str | None, file: _File) -> float:
    if value is None:
        return 24 * 3600.0
    return _duration(value, "watch.backfill", file.where("backfill", "watch"), '"24h" or "3d"')


def _duration(value: object, name: str, where: str, example: str, minimum: float = 0.0) -> float:
    """A duration setting in seconds, at least `minimum`; else a ConfigError saying so."""
    try:
        seconds = parse_duration(str(value)) if isinstance(value, (str, int, float)) else -1.0
    except ValueError:
        seconds = -1.0
    if seconds < 0 or isinstance(value, bool):
        raise ConfigError(f"{where}: '{name}' must be a duration like {example}, not {value!r}")
    if seconds < minimum:
        raise ConfigError(
            f"{where}: '{name}' is {value!r}; it must be at least {_seconds(minimum)}"
        )
    return seconds


def _seconds(value: float) -> str:
    return f"{value:g}s"


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str) -> float:
    """ "90s", "30m", "4h", "2d" (or "1h30m") in seconds."""
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smhd])", value.strip().lower())
    joined = "".join(f"{n}{u}" for n, u in parts)
    if not parts or joined != re.sub(r"\s+", "", value.strip().lower()):
        raise ValueError(value)
    return sum(float(n) * _UNITS[u] for n, u in parts)


def _sla(table: Any, file: _File) -> dict[str, float]:
    sla = dict(DEFAULT_SLA_S)
    if table is None:
        return sla
    where = file.where("sla", "escalation")
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: 'escalation.sla' must be a table like {{ P1 = \"1h\" }}")
    for priority, value in table.items():
        if priority not in sla:
            raise ConfigError(
                f"{where}: 'escalation.sla' has unknown priority '{priority}' "
                f"(known: {', '.join(sla)})"
            )
        # An SLA of nothing would make every escalation late the moment it is made.
        sla[priority] = _duration(
            value, f"escalation.sla.{priority}", where, '"30m", "4h" or "2d"', MIN_SLA_S
        )
    return sla
