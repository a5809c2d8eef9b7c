"""Unexpected errors (bugs) written with their tracebacks to a file the user can send us."""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path

from scrm_tui.core.locations import state_dir

LOG_NAME = "errors.log"


def record_bug(error: BaseException, where: str, folder: Path | None = None) -> Path | None:
    """Append `error`'s traceback to errors.log in the state folder; returns the file,
    or None when it cannot be written (the bug is then only in what the user saw)."""
    path = (folder or state_dir()) / LOG_NAME
    when = time.strftime("%Y-%m-%d %H:%M:%S")
    text = "".join(traceback.format_exception(error))
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # 0600: a traceback can quote a mention or a customer's name.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as log:
            log.write(f"--- {when} in {where}\n{text}\n")
    except OSError:
        return None
    return path
