"""Where scrm keeps its files by default (XDG directories through platformdirs)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_state_path

APP = "scrm"


def data_dir() -> Path:
    return user_data_path(APP, appauthor=False)


def config_dir() -> Path:
    return user_config_path(APP, appauthor=False)


def state_dir() -> Path:
    """Sessions and other things to keep between runs that are not data (mode 0700)."""
    return user_state_path(APP, appauthor=False)


def default_db() -> Path:
    return data_dir() / "scrm.db"


def default_config() -> Path:
    return config_dir() / "config.toml"
