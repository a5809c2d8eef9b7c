"""`scrm init`: the example config written whole or not at all, readable only by its owner."""

from __future__ import annotations

import os
from pathlib import Path

from scrm_tui.core.config import EXAMPLE


def write_example(path: Path, *, force: bool = False) -> None:
    """Write EXAMPLE to `path`, readable only by its owner (it will hold secrets).

    Without `force` an existing file is never touched (FileExistsError); with it the
    file is replaced through a temporary file, so a crash leaves the old one or the
    new one, never half of either.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = EXAMPLE.encode("utf-8")
    if not force:
        _write_new(path, data)
        return
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _write_new(temp, data)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
