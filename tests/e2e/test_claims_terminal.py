"""Two agents in two real terminals on one database (tmux: tests/support/terminal.py): each sees
the other's claim within a second, is asked before answering over it, and a reply sent
meanwhile holds the second one; a claim ends when its holder is killed, idles or quits."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.fakes.loopback import Loopback, _scrm_config
from tests.support.terminal import Terminal, header_count, scrm_command

CLAIM_SEEN_S = 1.0  # another terminal shows a claim, or its end, within this
# A killed holder's claim ends with the next sweep (1 s) and poll, not its 30 s TTL.
FREED_AFTER_KILL_S = 5.0


def ingest(db: Path, count: int) -> None:
    records = [
        {
            "channel": "mastodon",
            "id": str(n),
            "text": f"Kestrel sync broken {n}",
            "created_at": f"2026-11-20T10:{n:02d}:00Z",
            "author": {"handle": f"user{n}@example.social", "name": f"User {n}"},
        }
        for n in range(1, count + 1)
    ]
    subprocess.run(
        [sys.executable, "-m", "scrm_tui", "--db", str(db), "ingest", "-"],
        input="\n".join(json.dumps(r) for r in records),
        text=True,
        check=True,
        capture_output=True,
    )


def claims(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute("SELECT agent, kind FROM claims ORDER BY agent"))


def top_row(screen: str) -> str:
    return screen.splitlines()[1]


def claimed_here(screen: str) -> bool:
    """Another agent's claim shows on the top row or in the reading pane."""
    return "✎" in top_row(screen) or "it now" in screen


def write_and_send(terminal: Terminal, text: str, window: str | None = None) -> None:
    """Type into the open composer, wait until it shows, and press Ctrl+S."""
    terminal.keys(text, window=window)
    terminal.wait_text(text, window=window)
    terminal.keys("C-s", window=window)


def two_agents(terminal: Terminal, tmp_path: Path, db: Path, config: str) -> None:
    """ana in the first window, ben in window "b", both on `db`, both showing it."""
    path = tmp_path / "config.toml"
    path.write_text(config, encoding="utf-8")
    path.chmod(0o600)
    terminal.start(agent_command(tmp_path, db, "ana"), 100, 30, tmp_path)
    terminal.open_window("b", agent_command(tmp_path, db, "ben"))
    for window in (None, "b"):
        terminal.wait_for(lambda s: header_count(s) is not None, window=window)


def test_two_agents_never_answer_one_person_twice_by_accident(
    terminal: Terminal, tmp_path: Path
) -> None:
    db = tmp_path / "team.db"
    ingest(db, 2)
    with Loopback(lenient=True) as server:
        two_agents(terminal, tmp_path, db, _scrm_config(server))

        # ana opens the composer: ben's row and pane show it within a second.
        terminal.keys("r")
        terminal.wait_text("Reply to user2@example.social")
        claimed = time.monotonic()
        terminal.wait_for(lambda _: claims(db) == [("ana", "reply")], timeout=5)
        screen = terminal.wait_for(
            lambda s: "✎ ana, " in top_row(s) and "answering it now" in s,
            timeout=CLAIM_SEEN_S,
            window="b",
        )
        assert time.monotonic() - claimed <= CLAIM_SEEN_S
        assert "Kestrel sync broken 2" in top_row(screen)
        assert "✎" not in terminal.screen()  # ana's own claim is no warning to her

        # ben opens it too: told who is answering, he goes on.
        terminal.keys("r", window="b")
        terminal.wait_text("ana is answering this (since", window="b")
        terminal.keys("Enter", window="b")
        terminal.wait_text("Reply to user2@example.social", window="b")

        # ana sends first; ben's send is held and shows her reply; he sends anyway.
        write_and_send(terminal, "Thanks, on it")
        terminal.wait_for(lambda _: server.count("mastodon") == 1, timeout=10)
        write_and_send(terminal, "Fixed for you", window="b")
        screen = terminal.wait_text("Not sent: another answer went out", window="b")
        assert "ana · a reply ·" in screen
        assert "@user2@example.social Thanks, on it" in screen
        assert server.count("mastodon") == 1
        terminal.keys("s", window="b")
        terminal.wait_for(lambda _: server.count("mastodon") == 2, timeout=10)
        assert [p["text"] for p in server.posts("mastodon")] == [
            "@user2@example.social Thanks, on it",
            "@user2@example.social Fixed for you",
        ]
        terminal.wait_for(lambda _: claims(db) == [], timeout=5)

        # The next mention: ben's reply is held again, and this time he discards his.
        terminal.keys("j")
        terminal.wait_text("2/2")
        terminal.keys("j", window="b")
        terminal.wait_text("2/2", window="b")
        terminal.keys("r", window="b")
        terminal.wait_text("Reply to user1@example.social", window="b")
        terminal.keys("r")
        terminal.wait_text("ben is answering this", timeout=5)
        terminal.keys("y")
        terminal.wait_text("Reply to user1@example.social")
        write_and_send(terminal, "All good now")
        terminal.wait_for(lambda _: server.count("mastodon") == 3, timeout=10)
        write_and_send(terminal, "Looking into it", window="b")
        terminal.wait_text("Not sent: another answer went out", window="b")
        terminal.keys("d", window="b")
        terminal.wait_text("Your reply is discarded: ana answered first", window="b")
        assert server.count("mastodon") == 3
        for window in (None, "b"):
            terminal.keys("q", window=window)
            terminal.wait_for(lambda _, w=window: terminal.exited(w), timeout=10)


def test_a_claim_ends_when_its_holder_is_killed_sits_idle_or_quits(
    terminal: Terminal, tmp_path: Path
) -> None:
    db = tmp_path / "team.db"
    ingest(db, 2)
    with Loopback(lenient=True) as server:
        config = _scrm_config(server) + '\n[team]\nclaim_idle = "2s"\n'
        two_agents(terminal, tmp_path, db, config)

        # Idle: no key in ana's composer for 2 s and her claim goes; a key takes it back.
        terminal.keys("r")
        terminal.wait_for(lambda s: "✎ ana, " in top_row(s), timeout=5, window="b")
        terminal.wait_text("No key for 2 s: others no longer see you on this", timeout=10)
        terminal.wait_for(lambda s: not claimed_here(s), timeout=CLAIM_SEEN_S, window="b")
        assert claims(db) == []
        terminal.keys("x")
        terminal.wait_for(lambda s: "✎ ana, " in top_row(s), timeout=5, window="b")

        # A clean quit with the composer open: the claim ends with the process.
        terminal.keys("C-q")
        terminal.wait_for(lambda _: terminal.exited(), timeout=10)
        terminal.wait_for(lambda s: not claimed_here(s), timeout=CLAIM_SEEN_S, window="b")
        assert claims(db) == []

        # kill -9 of the claimer: no clean exit, its heartbeat still fresh; ben's
        # terminal sees the process is gone and the claim ends at once, not in 30 s.
        terminal.open_window("c", agent_command(tmp_path, db, "cleo"))
        terminal.wait_for(lambda s: header_count(s) is not None, window="c")
        terminal.keys("r", window="c")
        terminal.wait_text("Reply to user2@example.social", window="c")
        terminal.wait_for(lambda _: claims(db) == [("cleo", "reply")], timeout=5)
        terminal.wait_for(lambda s: "✎ cleo, " in top_row(s), timeout=5, window="b")
        os.kill(terminal.pid("c"), signal.SIGKILL)
        terminal.wait_for(lambda s: not claimed_here(s), timeout=FREED_AFTER_KILL_S, window="b")
        assert claims(db) == []
        terminal.keys("q", window="b")
        terminal.wait_for(lambda _: terminal.exited("b"), timeout=10)


def agent_command(tmp_path: Path, db: Path, agent: str) -> str:
    """scrm as `agent` (exec: the pane's process is scrm itself, so a kill reaches it)."""
    config = tmp_path / "config.toml"
    return "exec " + scrm_command("--db", str(db), "--config", str(config), "--agent", agent)
