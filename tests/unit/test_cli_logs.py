"""What scrm's modules log reaches a command's stderr as one inert line; a bug's
traceback goes to errors.log, never to the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import logging
from scrm_tui.cli import logs

logs.install()
log = logging.getLogger("scrm_tui.service.collector")
log.warning("collector tick: %s", "out of reach \\x1b[31mred\\x1b[0m\\nsecond line")
try:
    raise ValueError("a source's own bug")
except ValueError:
    log.exception("source %s failed", "rss:alerts")
log.info("not said: below a warning")
"""


def test_a_warning_is_one_inert_line_and_a_bugs_traceback_goes_to_errors_log(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, check=True
    )
    lines = done.stderr.splitlines()
    assert len(lines) == 2, done.stderr
    assert lines[0].startswith("scrm: collector tick: out of reach ")
    assert "\x1b" not in done.stderr and "second line" in lines[0]
    errors = tmp_path / "scrm" / "errors.log"
    assert lines[1] == f"scrm: source rss:alerts failed (a bug: its traceback is in {errors})"
    assert "Traceback" not in done.stderr
    filed = errors.read_text(encoding="utf-8")
    assert "Traceback" in filed and "ValueError: a source's own bug" in filed
