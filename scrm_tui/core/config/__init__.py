"""Settings: the typed model and its TOML parser (reading the file is the caller's job).

A package by job: `model` (the dataclasses, limits and defaults), `parse` (parse_config)
over one reader per table (`sources`, `team`, `watching`, `lists`, `weights`,
`durations`), `located` (where a key is written, for messages), `example` (the file
`scrm init` writes). Every name importers use stays importable from here.
"""

from scrm_tui.core.config.durations import parse_duration
from scrm_tui.core.config.example import EXAMPLE
from scrm_tui.core.config.model import (
    BRAND_SET,
    DEFAULT_CLAIM_IDLE_S,
    DEFAULT_RESPONSE_SLA_S,
    DEFAULT_SLA_S,
    HOOK_KINDS,
    MAX_AGENT_NAME,
    MIN_CLAIM_IDLE_S,
    MIN_DEMO_INTERVAL_S,
    MIN_INTERVAL_S,
    MIN_SLA_S,
    NETWORK_KEYS,
    SECRET_KEYS,
    SOURCE_DEFAULTS,
    SOURCE_KEYS,
    SOURCE_KINDS,
    THEMES,
    VISIBILITIES,
    Competitor,
    Config,
    ConfigError,
    HookSpec,
    KeySetting,
    SourceConfig,
    Team,
)
from scrm_tui.core.config.parse import parse_config

__all__ = [
    "BRAND_SET",
    "DEFAULT_CLAIM_IDLE_S",
    "DEFAULT_RESPONSE_SLA_S",
    "DEFAULT_SLA_S",
    "EXAMPLE",
    "HOOK_KINDS",
    "MAX_AGENT_NAME",
    "MIN_CLAIM_IDLE_S",
    "MIN_DEMO_INTERVAL_S",
    "MIN_INTERVAL_S",
    "MIN_SLA_S",
    "NETWORK_KEYS",
    "SECRET_KEYS",
    "SOURCE_DEFAULTS",
    "SOURCE_KEYS",
    "SOURCE_KINDS",
    "THEMES",
    "VISIBILITIES",
    "Competitor",
    "Config",
    "ConfigError",
    "HookSpec",
    "KeySetting",
    "SourceConfig",
    "Team",
    "parse_config",
    "parse_duration",
]
