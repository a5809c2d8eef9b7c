"""Headless commands print nothing a terminal would obey: names from a config (feeds,
teams, webhooks) and from an imported file (column names) are made inert first."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import termios
from pathlib import Path

from scrm_tui.core.query import Query
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.settings import credentials, load_config
from tests.conftest import mention
from tests.e2e.test_cli import scrm
from tests.support import hostile

# One name of each kind of trouble: a title change, a screen clear, a hyperlink, a
# C1 CSI and a bidi override, written as TOML escapes.
TOML_HOSTILE = (
    "\\u001b]0;pwned\\u0007\\u001b[2J\\u001b]8;;https://evil.example\\u001b\\\\x\\u009b31m\\u202e"
)
CONFIG = f"""
[watch]
terms = "kestrel"

[sources.rss]
feeds = [{{ name = "news{TOML_HOSTILE}", url = "http://127.0.0.1:9/feed.xml" }}]

[teams."billing{TOML_HOSTILE}"]
[[teams."billing{TOML_HOSTILE}".webhooks]]
kind = "json"
name = "hook{TOML_HOSTILE}"
url_env = "SCRM_TEST_HOOK"
"""
ENV = {"SCRM_TEST_HOOK": "http://127.0.0.1:9/hook"}


def assert_inert(result: subprocess.CompletedProcess[str], *must_say: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    for stream in (result.stdout, result.stderr):
        assert hostile.is_terminal_safe(stream), repr(stream)
    for words in must_say:
        assert words in result.stdout + result.stderr, result.stdout + result.stderr


async def test_config_names_reach_no_terminal_raw(tmp_path: Path, db_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text(CONFIG, encoding="utf-8")
    config_file.chmod(0o600)
    os.environ.update(ENV)  # for credentials() here; the commands get ENV themselves
    try:
        config = load_config(config_file)
        [team] = config.teams
        async with await Inbox.open(db_path, "tester") as inbox:
            inbox.configure(config, credentials(config))
            await inbox.ingest([mention(1, "kestrel charged me twice")])
            [row] = await inbox.page_older(Query(), None, 1)
            await inbox.escalations.escalate(row.id, team.name, "P2", "double charge")
    finally:
        for name in ENV:
            os.environ.pop(name)
    args = ("--db", str(db_path), "--config", str(config_file))
    assert_inert(scrm(*args, "outbox", "--all", env=ENV), "billing")
    assert_inert(scrm(*args, "outbox", "send", env=ENV), "billing")
    assert_inert(scrm(*args, "escalations", "--all", env=ENV), "billing", "double charge")
    assert_inert(scrm(*args, "watch", "--once", env=ENV), "rss:news")
    assert_inert(scrm(*args, "sources", env=ENV), "rss:news")


def on_a_terminal(args: list[str]) -> str:
    """What a command prints to a real pseudo-terminal (its stdout is a tty)."""
    leader, follower = pty.openpty()
    attributes = termios.tcgetattr(follower)
    attributes[1] &= ~termios.OPOST  # the bytes as written: no LF -> CRLF
    termios.tcsetattr(follower, termios.TCSANOW, attributes)
    process = subprocess.Popen(
        [sys.executable, "-m", "scrm_tui", *args], stdout=follower, stderr=follower
    )
    os.close(follower)
    out = b""
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            assert ready, "the command printed nothing for 60 s"
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the command ended and closed the terminal
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(leader)
        assert process.wait(timeout=60) == 0, out
    return out.decode("utf-8")


def test_imported_names_reach_no_terminal_raw(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    evil = hostile.ESCAPES["osc 0 title"] + hostile.CONTROLS["c1 csi"] + "\u202e"
    people = tmp_path / "people.csv"
    people.write_text(
        f'name,mastodon,"{evil}"\nKate,"kate{evil}@x.social","value {evil}"\n', encoding="utf-8"
    )
    assert scrm("--db", str(db), "customers", "import", str(people)).returncode == 0
    # The same handle again, for someone else: the warning quotes both.
    again = tmp_path / "again.csv"
    again.write_text(
        f'name,email,mastodon\nOther{evil},o@x.se,"kate{evil}@x.social"\n', encoding="utf-8"
    )
    assert_inert(scrm("--db", str(db), "customers", "import", str(again)), "already belongs")
    for fmt in ("csv", "jsonl"):
        shown = on_a_terminal(["--db", str(db), "export", "customers", "--format", fmt])
        assert "Kate" in shown and "pwned" in shown
        assert hostile.is_terminal_safe(shown), repr(shown)
