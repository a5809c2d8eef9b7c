"""Keys and links in a real terminal: your [keys] from the config file, a plain
address as an OSC 8 hyperlink, a stranger's hostile one as nothing but inert text,
and `y` copying with OSC 52."""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from scrm_tui.core import sanitize
from tests.support.terminal import Terminal, position, scrm_command

pytestmark = pytest.mark.xdist_group("subprocess")

ESC, BEL = "\x1b", "\x07"
GOOD = "https://good.example/@kate/113054817361234567"
PROFILE = "https://good.example/@kate"
HOSTILE = [
    f"https://good.example/{ESC}]8;;https://evil.example{ESC}\\click",
    f"https://good.example/a{BEL}{ESC}]0;pwned{BEL}",
    "https://good.example/a\x9c\x9d0;pwned\x9c",
    "https://good.example/a b",
    "javascript:alert(document.cookie)",
]
OSC = re.compile(rb"\x1b\](.*?)(?:\x1b\\|\x07)", re.S)


def ingest(db: Path) -> int:
    """The good post (newest), then one post per hostile address, its author's profile
    the same address."""
    records = [
        {
            "channel": "mastodon",
            "id": str(n),
            "text": f"post {n}",
            "created_at": f"2026-11-20T10:{59 - n:02d}:00Z",
            "url": url,
            "author": {"handle": f"user{n}@good.example", "url": profile},
        }
        for n, (url, profile) in enumerate([(GOOD, PROFILE), *((u, u) for u in HOSTILE)])
    ]
    subprocess.run(
        [sys.executable, "-m", "scrm_tui", "--db", str(db), "ingest", "-"],
        input="\n".join(json.dumps(r) for r in records),
        text=True,
        check=True,
        capture_output=True,
    )
    return len(records)


class Pty:
    """scrm on a pseudo-terminal of its own: every byte it writes, exactly."""

    def __init__(self, db: Path, width: int = 120, height: int = 30) -> None:
        self.leader, follower = os.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrm_tui", "--db", str(db)],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env={**env, "TERM": "xterm-256color"},
            start_new_session=True,
        )
        os.close(follower)
        self.output = b""

    def read_until(self, *wanted: bytes, since: int = 0, timeout: float = 30) -> None:
        """Read until each of `wanted` has been written (after byte `since`)."""
        deadline = time.monotonic() + timeout
        while not all(w in self.output[since:] for w in wanted):
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {wanted!r}; last output: {self.output[-600:]!r}"
            if select.select([self.leader], [], [], left)[0]:
                self.output += os.read(self.leader, 65536)

    def press(self, key: str) -> None:
        os.write(self.leader, key.encode())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=20)
        os.close(self.leader)


def test_only_a_plain_address_reaches_the_terminal_as_a_link(tmp_path: Path) -> None:
    db = tmp_path / "links.db"
    total = ingest(db)
    app = Pty(db)
    try:
        app.read_until(f"1/{total}".encode(), GOOD.encode())
        for at, url in enumerate(HOSTILE, 2):  # each hostile post in the reading pane
            since = len(app.output)
            app.press("j")
            app.read_until(f"{at}/{total}".encode(), sanitize.inline(url).encode(), since=since)
        app.press("q")
        app.process.wait(timeout=20)
    finally:
        app.close()
    out = app.output
    targets = set()
    for body in OSC.findall(out):
        if body.startswith(b"22;"):
            continue  # Textual's own: the mouse pointer's shape
        assert body.startswith(b"8;"), f"an OSC other than a link reached the terminal: {body!r}"
        targets.add(body.split(b";", 2)[2])
    # The post and the profile are links; an OSC 8 with no target ends one.
    assert targets == {GOOD.encode(), PROFILE.encode(), b""}
    # Outside those sequences: no bell, no C1 control a terminal would obey.
    text = OSC.sub(b"", out).decode("utf-8", "replace")
    assert BEL not in text and not re.search("[\x80-\x9f]", text)
    assert "␛]0;pwned␇" in text  # the hostile address is there, as visible text


def test_y_puts_the_link_on_the_terminals_clipboard(terminal: Terminal, tmp_path: Path) -> None:
    """tmux (set-clipboard on) keeps what an OSC 52 write sends as a paste buffer."""
    db = tmp_path / "copy.db"
    total = ingest(db)
    terminal.start(scrm_command("--db", str(db)), 120, 30, tmp_path)
    terminal.wait_for(lambda s: position(s) == (1, total))
    title = terminal.title()
    terminal.keys("y")
    terminal.wait_text("Link copied")
    assert terminal.tmux("show-buffer").stdout == GOOD
    for at, url in enumerate(HOSTILE, 2):
        terminal.keys("j")
        terminal.wait_for(
            lambda s, at=at, url=url: position(s) == (at, total) and sanitize.inline(url) in s
        )
        assert terminal.foreign_escapes() == []
        assert terminal.title() == title
    terminal.keys("y")  # on the last: javascript:
    terminal.wait_text("Nothing copied")
    # Still the one buffer, still the good address.
    assert terminal.tmux("list-buffers").stdout.count("\n") == 1
    assert terminal.tmux("show-buffer").stdout == GOOD
    terminal.keys("q")
    terminal.wait_for(lambda _: terminal.exited(), timeout=10)


def test_keys_from_the_config_file_are_the_keys_in_force(
    terminal: Terminal, tmp_path: Path
) -> None:
    db = tmp_path / "keys.db"
    total = ingest(db)
    config = tmp_path / "config.toml"
    config.write_text('[keys]\ninbox.done = "d"\nlist.down = "ctrl+n"\n', encoding="utf-8")
    config.chmod(0o600)
    terminal.start(scrm_command("--config", str(config), "--db", str(db)), 120, 30, tmp_path)
    terminal.wait_for(lambda s: position(s) == (1, total))
    terminal.keys("C-n")
    terminal.wait_for(lambda s: position(s) == (2, total))
    terminal.keys("x", "j", "d")  # x and j do nothing now; d marks done and moves on
    screen = terminal.wait_for(lambda s: position(s) == (3, total))
    assert screen.splitlines()[2].startswith("✓")
    assert sum(line.startswith("✓") for line in screen.splitlines()) == 1
    assert "d Done/reopen" in screen.splitlines()[-1]  # the footer
