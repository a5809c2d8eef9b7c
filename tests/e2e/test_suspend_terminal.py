"""Ctrl+Z hands the terminal back to the shell, as in mutt, and `fg` brings the inbox
back as it was, with what arrived meanwhile (the real app in tmux, under a real shell);
`scrm watch` stops the same way, never holding up other agents' writes."""

from __future__ import annotations

import shlex
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_tmux import ingest, record
from tests.fakes.replay import Replay
from tests.support.terminal import Terminal, header_count, position, scrm_command

PROMPT = "shell> "


def at_prompt(screen: str) -> bool:
    lines = [line for line in screen.splitlines() if line.strip()]
    return bool(lines) and lines[-1].rstrip() == PROMPT.rstrip()


def test_ctrl_z_suspends_to_the_shell_and_fg_resumes(terminal: Terminal, tmp_path: Path) -> None:
    db = tmp_path / "suspend.db"
    ingest(db, [record(n, f"post number {n}") for n in range(30)])
    shell = f"env PS1={shlex.quote(PROMPT)} bash --norc --noprofile -i"
    terminal.start(shell, 100, 30, tmp_path)
    terminal.wait_for(at_prompt)
    terminal.write(scrm_command("--db", str(db)))
    terminal.keys("Enter")
    terminal.wait_for(lambda screen: position(screen) == (1, 30))

    terminal.keys("C-z")
    stopped = terminal.wait_for(lambda screen: "Stopped" in screen and at_prompt(screen))
    assert "30 mentions" not in stopped  # the shell's screen, not the inbox's

    # While it is stopped another process stores a mention.
    ingest(db, [record(99, "arrived while away", name="Late One")])
    terminal.write("fg")
    terminal.keys("Enter")
    back = terminal.wait_for(lambda screen: header_count(screen) == 31)
    assert "arrived while away" in back
    assert "post number 29" in back  # the whole inbox is drawn again, not only the change

    terminal.keys("j")  # keys still reach it
    terminal.wait_for(lambda screen: position(screen) is not None and position(screen)[0] == 3)

    terminal.keys("q")
    terminal.wait_for(lambda screen: at_prompt(screen) and "31 mentions" not in screen)


@pytest.fixture
def feeds() -> Iterator[Replay]:
    with Replay() as running:
        running.route("/feeds/alerts.xml", file="atom_google_alerts.xml")
        yield running


def test_ctrl_z_stops_scrm_watch_and_others_write_while_it_is_stopped(
    terminal: Terminal, tmp_path: Path, feeds: Replay
) -> None:
    """The shell's Ctrl+Z (a signal: `scrm watch` reads no keys) stops the collector
    between two writes, so the inbox that stores something meanwhile never waits
    behind it; `fg` resumes it and Ctrl+C still hands the lease over."""
    db = tmp_path / "watch.db"
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[watch]
terms = "apple OR slack"
backfill = "5000d"

[sources.rss]
feeds = [{{ name = "alerts", url = "{feeds.url("/feeds/alerts.xml")}" }}]
""",
        encoding="utf-8",
    )
    common = ["--db", str(db), "--config", str(config)]
    shell = f"env PS1={shlex.quote(PROMPT)} bash --norc --noprofile -i"
    terminal.start(shell, 100, 30, tmp_path)
    terminal.wait_for(at_prompt)
    terminal.write(scrm_command("watch", *common))
    terminal.keys("Enter")
    terminal.wait_for(lambda screen: "collecting: this process holds the lease" in screen)

    terminal.keys("C-z")
    terminal.wait_for(lambda screen: "Stopped" in screen and at_prompt(screen))
    ingest(db, [record(99, "stored while the watch is stopped")])  # fails if it waits

    terminal.write("fg")
    terminal.keys("Enter")
    terminal.wait_for(lambda screen: "scrm_tui watch" in screen.split("Stopped")[-1])
    terminal.keys("C-c")
    terminal.wait_for(lambda screen: "the lease is free for another collector" in screen)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM leases").fetchone()[0] == 0
        assert conn.execute(
            "SELECT count(*) FROM mentions WHERE text = 'stored while the watch is stopped'"
        ).fetchone() == (1,)
