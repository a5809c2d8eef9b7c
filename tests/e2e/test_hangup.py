"""A terminal that goes away without a hang-up signal (an SSH link that died) ends
scrm, rather than leaving it spinning on a dead tty and holding the collector lease."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scrm_tui.ui.app_clock import terminal_gone

pytestmark = pytest.mark.xdist_group("subprocess")


class Fd:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def fileno(self) -> int:
        return self.fd


def test_a_closed_terminal_is_noticed() -> None:
    master, slave = os.openpty()
    try:
        assert not terminal_gone(Fd(slave))
        os.close(master)
        assert terminal_gone(Fd(slave))
    finally:
        os.close(slave)


def test_scrm_quits_when_its_terminal_is_gone(tmp_path: Path) -> None:
    master, slave = os.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    app = subprocess.Popen(
        [sys.executable, "-m", "scrm_tui", "--db", str(tmp_path / "gone.db")],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**env, "TERM": "xterm-256color"},
        start_new_session=True,  # no controlling terminal: no SIGHUP will come
    )
    os.close(slave)
    try:
        screen = b""
        deadline = time.monotonic() + 30
        while b"mentions" not in screen:  # the inbox is up
            left = deadline - time.monotonic()
            assert left > 0 and select.select([master], [], [], left)[0], screen[-400:]
            screen += os.read(master, 65536)
        os.close(master)
        assert app.wait(timeout=20) == 1  # gone within a couple of checks, not spinning
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
