"""Why a PostgreSQL server is out of reach, said one way everywhere (store/pg/advice.reason):
libpq's preambles (the address, what it was doing) go, the reason stays."""

from __future__ import annotations

import psycopg
import pytest

from scrm_tui.store.pg.advice import reason


@pytest.mark.parametrize(
    ("said", "why"),
    [
        (
            'connection failed: connection to server at "127.0.0.1", port 5999 failed: '
            "Connection refused\n\tIs the server running on that host and accepting TCP/IP "
            "connections?",
            "Connection refused",
        ),
        (
            "consuming input failed: server closed the connection unexpectedly\n\tThis "
            "probably means the server terminated abnormally",
            "server closed the connection unexpectedly",
        ),
        (
            "sending query and params failed: could not send data to server: Broken pipe",
            "could not send data to server: Broken pipe",
        ),
        (
            "terminating connection due to administrator command",
            "terminating connection due to administrator command",
        ),
        (
            'connection to server on socket "/tmp/.s.PGSQL.5432" failed: FATAL:  database '
            '"nope" does not exist',
            'database "nope" does not exist',
        ),
        ("", "OperationalError"),
    ],
)
def test_the_reason_is_what_is_left_of_the_drivers_first_line(said: str, why: str) -> None:
    assert reason(psycopg.OperationalError(said)) == why
