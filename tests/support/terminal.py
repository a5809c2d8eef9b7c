"""A real terminal for end-to-end tests: a private tmux server, keys in, screens out.

Each test runs its own tmux server (a private socket), so tests can run in parallel
and never touch the developer's sessions. The server has `set-clipboard on`, so an
OSC 52 clipboard write that reached the terminal would show up as a paste buffer,
and a window-title escape would show up as the pane title.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

STARTUP_TIMEOUT = 30.0


class Terminal:
    def __init__(self, socket: str, env: dict[str, str]):
        self.socket = socket
        self.env = env

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=False,
            env=self.env,
            timeout=30,
        )
        if check and done.returncode != 0:
            # What tmux said, not only its exit status: a failure under load is then
            # one that can be read and mended.
            raise AssertionError(
                f"tmux {' '.join(args[:2])} exited {done.returncode}: "
                f"{done.stderr.strip() or done.stdout.strip() or '(nothing said)'}"
            )
        return done

    def start(self, command: str, width: int, height: int, folder: Path) -> None:
        # Options go in a config read at start: set afterwards, tmux recalculates the
        # size of a window without clients and falls back to 80x24.
        config = folder / "tmux.conf"
        config.write_text(
            f"set -g default-size {width}x{height}\n"
            "set -g set-clipboard on\n"
            "set -g remain-on-exit on\n"
        )
        self.tmux(
            "-f",
            str(config),
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            str(width),
            "-y",
            str(height),
            command,
        )

    def open_window(self, name: str, command: str) -> None:
        """Another window of the same size, as a person opens another tmux pane."""
        # "t:" is the session: a bare "t" is matched against window names first, and
        # window 0 named after a command starting with t (tmux renames it as the
        # program runs) made it "create window failed: index 0 in use".
        self.tmux("new-window", "-d", "-t", "t:", "-n", name, command)

    @staticmethod
    def _target(window: str | None) -> str:
        return f"t:{window}" if window else "t"

    def keys(self, *keys: str, window: str | None = None) -> None:
        self.tmux("send-keys", "-t", self._target(window), *keys)

    def write(self, text: str, window: str | None = None) -> None:
        """Bytes to the app in one write, as a fast typist's keys arrive together."""
        self.tmux("send-keys", "-l", "-t", self._target(window), text)

    def screen(self, window: str | None = None) -> str:
        return self.tmux("capture-pane", "-p", "-t", self._target(window)).stdout

    def scrollback(self, window: str | None = None) -> str:
        """The screen and what scrolled off its top (tmux prints "Pane is dead" on a
        line of its own when the program ends, which can push a line off)."""
        return self.tmux("capture-pane", "-p", "-S", "-", "-t", self._target(window)).stdout

    def pid(self, window: str | None = None) -> int:
        return int(self.tmux("display", "-p", "-t", self._target(window), "#{pane_pid}").stdout)

    def wait_for(
        self,
        predicate,
        timeout: float = STARTUP_TIMEOUT,
        window: str | None = None,
        explain=None,
    ) -> str:
        """Poll the screen until `predicate(screen)` holds; return that screen. On
        failure, `explain()` adds what the screen cannot show (a database, a server)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen(window)
            if predicate(screen):
                return screen
            if time.monotonic() > deadline:
                size = self.tmux(
                    "display", "-p", "-t", self._target(window), "#{pane_width}x#{pane_height}"
                )
                more = f"\n{explain()}" if explain is not None else ""
                raise AssertionError(
                    f"screen never matched; pane {size.stdout.strip()}; last screen:\n{screen}"
                    + more
                )
            time.sleep(0.05)  # polling interval of the wait, not a synchronisation guess

    def wait_text(
        self, text: str, timeout: float = STARTUP_TIMEOUT, window: str | None = None
    ) -> str:
        return self.wait_for(lambda screen: text in screen, timeout, window)

    def title(self, window: str | None = None) -> str:
        """The pane title: an OSC 0/2 escape that reached the terminal changes it."""
        return self.tmux("display", "-p", "-t", self._target(window), "#{pane_title}").stdout

    def foreign_escapes(self, window: str | None = None) -> list[str]:
        """Escape sequences on screen other than the colours tmux itself reports.

        capture-pane -e re-encodes what is drawn as SGR (colour) sequences only, so
        anything else, or a raw ESC in the plain capture, came from the app's text."""
        plain = self.screen(window)
        styled = self.tmux("capture-pane", "-p", "-e", "-t", self._target(window)).stdout
        found = re.findall(r"\x1b[^\[]|\x1b\[[0-9;:]*[^0-9;:m]", styled)
        return found + (["raw ESC in the plain capture"] if "\x1b" in plain else [])

    def exited(self, window: str | None = None) -> bool:
        dead = self.tmux("display", "-p", "-t", self._target(window), "#{pane_dead}")
        return dead.stdout.strip() == "1"


def scrm_command(*args: str) -> str:
    return shlex.join([sys.executable, "-m", "scrm_tui", *args])


def header_count(screen: str) -> int | None:
    """The mention count in the header line, once it is known."""
    match = re.search(r"([\d,]+) mentions", screen.splitlines()[0])
    return int(match.group(1).replace(",", "")) if match else None


def position(screen: str) -> tuple[int, int] | None:
    """The cursor's place in the list, `12/1,523` at the end of the header line."""
    match = re.search(r"([\d,]+)/([\d,]+)\s*$", screen.splitlines()[0])
    if match is None:
        return None
    at, total = (int(group.replace(",", "")) for group in match.groups())
    return at, total
