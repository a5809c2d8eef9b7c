"""Why a PostgreSQL server could not be used, in words that say what to do next (never
quoting the password: only the server's reason and the redacted URL are shown)."""

from __future__ import annotations

import re

# libpq's reason (after its "connection to server at ... failed: FATAL:" preamble) →
# what a person does about it. First match wins.
_ADVICE: tuple[tuple[str, str], ...] = (
    (
        r"password authentication failed|authentication failed",
        "check the user and its password (in ~/.pgpass, $PGPASSWORD or the URL)",
    ),
    (
        r"no password supplied",
        "the server wants a password: put it in ~/.pgpass (chmod 600) or $PGPASSWORD",
    ),
    (
        r"role .* does not exist",
        "create the role on the server: sudo -u postgres createuser --pwprompt NAME",
    ),
    (
        r"database .* does not exist",
        "create it on the server: sudo -u postgres createdb --owner USER NAME",
    ),
    (
        r"no pg_hba\.conf entry|rejects connection",
        "the server refuses this machine or user: add a line for it to the server's "
        "pg_hba.conf and reload PostgreSQL",
    ),
    (
        r"connection refused|no such file or directory",
        "is PostgreSQL running, on that host and port, listening there (listen_addresses)?",
    ),
    (
        r"resolve host|could not translate host name|name or service not known",
        "check the host name in the URL",
    ),
    (r"timeout expired|timed out", "the server did not answer: check the host, port and firewall"),
    (r"too many connections|remaining connection slots", "the server is full: try again later"),
    (
        r"starting up|shutting down|in recovery",
        "the server is starting or stopping: try again in a moment",
    ),
    (
        r"permission denied for database",
        "the user may not connect to that database: GRANT CONNECT to it",
    ),
    (
        r"invalid .*connection option|invalid URI|invalid (integer|connection)",
        "check the URL: postgresql://user@host:port/database",
    ),
    (r"ssl", "check the URL's sslmode and the server's SSL settings"),
)

_PREAMBLE = re.compile(
    r"^(connection failed: )?(connection to server (at|on) .*? failed: )?"
    # What libpq was doing when a connection in use was cut ("consuming input failed:
    # server closed the connection unexpectedly"): the cut is the reason.
    r"((consuming input|sending query( and params)?|flushing data|receiving data) failed: )?"
    r"(FATAL: +)?",
    re.IGNORECASE,
)


def reason(error: BaseException) -> str:
    """The server's or libpq's reason, without the preamble that repeats the address or
    says what libpq was doing: how the store says why a server is out of reach, whether
    it could not connect or lost a connection it had."""
    text = str(error).strip()
    first = text.splitlines()[0].strip() if text else type(error).__name__
    return _PREAMBLE.sub("", first).strip() or first


def advice(why: str) -> str:
    """What to do about `why` (a reason as `reason` gives it), or "" when unknown."""
    for pattern, what in _ADVICE:
        if re.search(pattern, why, re.IGNORECASE):
            return what
    return ""


def in_words(shown_url: str, error: BaseException) -> str:
    """`cannot connect to URL: REASON; WHAT TO DO`, for a URL already redacted."""
    why = reason(error)
    todo = advice(why)
    return f"cannot connect to {shown_url}: {why}" + (f"; {todo}" if todo else "")
