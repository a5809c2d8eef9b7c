"""Load the configuration file and settle who the agent is."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from scrm_tui.core.config import Config, ConfigError, parse_config
from scrm_tui.core.locations import default_config, default_db, state_dir
from scrm_tui.service.credentials import Credentials, exposed_config, resolve


def load_config(path: Path | None) -> Config:
    """Read `path`, or the default file if it exists; a missing default is fine."""
    explicit = path is not None
    path = path or default_config()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"{path}: no such file") from None
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read ({error})") from None
    return parse_config(text, str(path))


def agent_name(config: Config) -> str:
    if config.agent:
        return config.agent
    if os.environ.get("SCRM_AGENT"):
        return os.environ["SCRM_AGENT"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "agent"


def database_path(config: Config, override: Path | str | None) -> Path | str:
    """Where the database is: --db, else [store] url, else the config's db, else the XDG
    default file. A postgresql:// URL is a str, a file a Path."""
    return override or config.store_url or config.db or default_db()


def database_label(target: Path | str) -> str:
    """The database as a title shows it: a file's name, a server's URL without its
    password."""
    from scrm_tui.store.pg.url import is_url, redacted

    if is_url(target):
        return redacted(str(target))
    return Path(target).name


def credentials(config: Config) -> Credentials:
    """The accounts and webhooks this process may use (from the config and $SCRM_*)."""
    return resolve(config, os.environ, state_dir())


def config_warnings(config: Config) -> list[str]:
    """Things about the configuration a person should fix (not errors): settings scrm
    ignored, and a file holding secrets that others can read."""
    warnings = list(config.warnings)
    if config.source:
        exposed = exposed_config(Path(config.source), config)
        if exposed:
            warnings.append(exposed)
    return warnings
