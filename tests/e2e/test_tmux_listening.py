"""Listening as a team uses it, in real terminals: `scrm watch` in one tmux window, two
inboxes in others, all on one database. New mentions reach both inboxes without a key
and without moving anyone's selection; killing the collector hands polling to an inbox,
with no mention lost and none stored twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.fakes.replay import Replay, rss_feed
from tests.support.terminal import Terminal, header_count, scrm_command

FEED = "/feeds/kestrel.xml"


def serve(server: Replay, items: list[tuple[str, str, float]]) -> None:
    server.route(FEED, body=rss_feed(items), content_type="application/rss+xml")


def stored_ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT external_id FROM mentions ORDER BY external_id").fetchall()
    return [row[0] for row in rows]


def position(screen: str) -> str:
    """`3/4` from the header: where the selection is, mutt style."""
    head = screen.splitlines()[0].split()
    return next(word for word in head if "/" in word and word.replace("/", "").isdigit())


def test_watch_and_two_inboxes_see_the_same_mentions_and_survive_a_killed_collector(
    terminal: Terminal, tmp_path: Path
) -> None:
    db = tmp_path / "team.db"
    now = time.time()
    items = [
        ("k3", "Kestrel sync is down again", now - 600),
        ("k2", "Is Kestrel worth it?", now - 1200),
        ("k1", "Loving the Kestrel beta", now - 1800),
    ]
    with Replay() as server:
        serve(server, items)
        config = tmp_path / "config.toml"
        config.write_text(
            '[watch]\nterms = "kestrel"\n[sources.rss]\ninterval = "1s"\n'
            f'feeds = [{{ name = "news", url = "{server.url(FEED)}" }}]\n',
            encoding="utf-8",
        )
        common = ("--db", str(db), "--config", str(config))
        # exec: the pane's process is scrm itself, so a kill reaches it and no shell.
        terminal.start("exec " + scrm_command(*common, "watch"), 100, 30, tmp_path)
        terminal.wait_text("rss:news: 3 new")
        terminal.open_window("a", "exec " + scrm_command(*common, "--agent", "ana"))
        terminal.open_window("b", "exec " + scrm_command(*common, "--agent", "ben"))
        for window in ("a", "b"):
            terminal.wait_for(lambda s: header_count(s) == 3, window=window)
        # Ana reads the oldest mention; Ben stays at the top.
        terminal.keys("j", "j", window="a")
        terminal.wait_for(lambda s: position(s) == "3/3", window="a")

        # A new mention on the network: the collector stores it, both inboxes show it.
        items.insert(0, ("k4", "Kestrel outage in the EU", time.time()))
        serve(server, items)
        for window in ("a", "b"):
            terminal.wait_for(
                lambda s: "Kestrel outage in the EU" in s and header_count(s) == 4, window=window
            )
        # Nobody's selection moved: Ana still has the same mention, one row further down.
        a_after = terminal.wait_for(lambda s: position(s) == "4/4", window="a")
        assert "Loving the Kestrel beta" in a_after.split("─" * 10)[-1]
        # Ben was at the top: the new one shows above, his mention stays selected.
        terminal.wait_for(lambda s: position(s) == "2/4", window="b")

        # The collector is killed outright (no clean exit, the lease is left behind).
        os.kill(terminal.pid(), signal.SIGKILL)
        terminal.wait_for(lambda _: terminal.exited(), timeout=10)
        # One of the inboxes sees the holder is gone and polls: a mention posted now
        # still reaches both.
        items.insert(0, ("k5", "Kestrel is back up, thanks", time.time()))
        serve(server, items)
        for window in ("a", "b"):
            terminal.wait_for(
                lambda s: "Kestrel is back up" in s and header_count(s) == 5, window=window
            )
        report = subprocess.run(
            [sys.executable, "-m", "scrm_tui", *common, "sources"],
            capture_output=True,
            text=True,
            check=True,
        )
        collector = report.stdout.splitlines()[0]
        assert any(collector.endswith(f":{terminal.pid(w)}") for w in ("a", "b")), collector
        # No gap and no duplicate across the handover.
        assert stored_ids(db) == ["news:k1", "news:k2", "news:k3", "news:k4", "news:k5"]
        for window in ("a", "b"):
            terminal.keys("q", window=window)
