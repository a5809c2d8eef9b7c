"""PostgreSQL connection URLs: telling one from a path, and showing one without its password."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")


def is_url(target: object) -> bool:
    """Whether `target` (a --db value, a config's [store] url) names a PostgreSQL server."""
    return isinstance(target, str) and target.startswith(SCHEMES)


def redacted(url: str) -> str:
    """`url` as it may be shown or logged: the password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    # The netloc's text after the last @, as written: .port raises on a port that is not
    # a number, and the message that says so must still hide the password.
    host = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


def without_password(url: str) -> tuple[str, dict[str, str] | None]:
    """`url` without its password, and the environment that carries it instead
    ($PGPASSWORD, which libpq reads): for a process started with the URL on its command
    line, where `ps` would show it. (None: the environment as it is.)"""
    import os

    parts = urlsplit(url)
    if parts.password is None:
        return url, None
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    env = dict(os.environ, PGPASSWORD=unquote(parts.password))
    return urlunsplit(parts._replace(netloc=user + host)), env
