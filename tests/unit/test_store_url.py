"""Choosing PostgreSQL: --db and [store] url take a postgresql:// URL, a bad one is refused
naming its key, and no message, title or child command line ever shows the password."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from scrm_tui.cli.parser import build_parser
from scrm_tui.core.config import ConfigError, parse_config
from scrm_tui.service.settings import database_label, database_path
from scrm_tui.store.pg.advice import in_words
from scrm_tui.store.pg.url import redacted, without_password

URL = "postgresql://dana:s3cret@db.example.com:5433/scrm"


def test_db_flag_keeps_a_url_whole_and_a_path_as_a_path() -> None:
    args = build_parser().parse_args(["--db", URL, "sources"])
    assert args.db == URL  # a Path would have folded // into /
    args = build_parser().parse_args(["sources", "--db", "~/x/inbox.db"])
    assert args.db == Path("~/x/inbox.db")


def test_store_url_in_the_config_selects_postgresql_and_db_flag_wins() -> None:
    config = parse_config('[store]\nurl = "postgresql://scrm@db.example.com/scrm"\n')
    assert config.store_url == "postgresql://scrm@db.example.com/scrm"
    assert database_path(config, None) == "postgresql://scrm@db.example.com/scrm"
    assert database_path(config, Path("/tmp/a.db")) == Path("/tmp/a.db")
    assert config.warnings == ()


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ('"/srv/scrm/inbox.db"', "must be a PostgreSQL URL"),
        ('"mysql://u@h/db"', "must be a PostgreSQL URL"),
        ('"postgresql://dana:s3cret@db.example.com:port/scrm"', "port that is not a number"),
        ('"postgresql://dana:s3cret@db.example.com/"', "names no database"),
        ("5432", "must be a URL"),
        ('""', "must be a URL"),
    ],
)
def test_a_bad_store_url_names_its_line_and_key_never_its_password(value: str, said: str) -> None:
    text = f'agent = "dana"\n\n[store]\nurl = {value}\n'
    with pytest.raises(ConfigError) as refused:
        parse_config(text, "scrm.toml")
    message = str(refused.value)
    assert message.startswith("scrm.toml, line 4: 'store.url'")
    assert said in message
    assert "s3cret" not in message


def test_a_password_in_the_config_is_taken_with_a_warning_that_does_not_repeat_it() -> None:
    config = parse_config(f'db = "x.db"\n[store]\nurl = "{URL}"\n', "scrm.toml")
    assert config.store_url == URL
    assert config.warnings == (
        "scrm.toml, line 1: 'db' is ignored: 'store.url' is set",
        "scrm.toml, line 3: 'store.url' holds a password; keep it in ~/.pgpass or "
        "$PGPASSWORD instead (README: A team across machines)",
    )


def test_shown_urls_hide_the_password_even_when_the_port_is_unreadable() -> None:
    assert redacted(URL) == "postgresql://dana:***@db.example.com:5433/scrm"
    assert redacted("postgresql://dana:s3cret@h:abc/db") == "postgresql://dana:***@h:abc/db"
    assert redacted("postgresql://dana@h/db") == "postgresql://dana@h/db"
    assert database_label(URL) == "postgresql://dana:***@db.example.com:5433/scrm"
    assert database_label(Path("/srv/scrm/inbox.db")) == "inbox.db"


def test_a_child_process_gets_the_password_in_its_environment_not_its_arguments() -> None:
    url, env = without_password("postgresql://dana:s%40cret@db.example.com/scrm")
    assert url == "postgresql://dana@db.example.com/scrm"
    assert env is not None and env["PGPASSWORD"] == "s@cret"
    assert without_password("postgresql://dana@h/db") == ("postgresql://dana@h/db", None)


@pytest.mark.parametrize(
    ("libpq", "todo"),
    [
        (
            'connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  '
            'password authentication failed for user "dana"',
            'password authentication failed for user "dana"; check the user and its password',
        ),
        (
            'connection failed: connection to server at "10.0.0.5", port 5432 failed: '
            "Connection refused",
            "Connection refused; is PostgreSQL running",
        ),
        ('FATAL:  database "scrm" does not exist', "createdb --owner USER NAME"),
        ("FATAL:  no pg_hba.conf entry for host", "add a line for it to the server's pg_hba"),
        ("fe_sendauth: no password supplied", "put it in ~/.pgpass (chmod 600) or $PGPASSWORD"),
        ('invalid URI query parameter: "foo"', "check the URL: postgresql://"),
    ],
)
def test_a_connection_failure_says_what_to_do(libpq: str, todo: str) -> None:
    shown = redacted("postgresql://dana:s3cret@10.0.0.5/scrm")
    message = in_words(shown, psycopg.OperationalError(libpq))
    assert message.startswith("cannot connect to postgresql://dana:***@10.0.0.5/scrm: ")
    assert todo in message
    assert "s3cret" not in message and "connection to server" not in message
