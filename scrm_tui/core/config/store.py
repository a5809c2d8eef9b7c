"""[store] url: the PostgreSQL server a team shares, checked without ever quoting its password."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrm_tui.core.config.located import _File
from scrm_tui.core.config.model import ConfigError

SCHEMES = ("postgresql", "postgres")
FORM = "postgresql://user@host/database"


def _store_url(value: object, db_set: bool, file: _File) -> str | None:
    """The URL, or None when unset. A bad one names its key and line; the value itself
    is never repeated (it may hold a password)."""
    if value is None:
        return None
    where = file.where("url", "store")
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: 'store.url' must be a URL such as {FORM}")
    url = value.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        raise ConfigError(
            f"{where}: 'store.url' is not a URL that can be read (a port that is not a "
            f"number?); write it as {FORM}"
        ) from None
    if parts.scheme not in SCHEMES or not url.startswith(f"{parts.scheme}://"):
        raise ConfigError(
            f"{where}: 'store.url' must be a PostgreSQL URL ({FORM}); a SQLite file is "
            "set with the top-level 'db' key"
        )
    if not parts.path.strip("/"):
        raise ConfigError(f"{where}: 'store.url' names no database: write it as {FORM}")
    if db_set:
        file.warnings.append(f"{file.where('db')}: 'db' is ignored: 'store.url' is set")
    if parts.password is not None:
        file.warnings.append(
            f"{where}: 'store.url' holds a password; keep it in ~/.pgpass or $PGPASSWORD "
            "instead (README: A team across machines)"
        )
    return url
