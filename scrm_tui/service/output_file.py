"""Where `scrm export -o` may write: a new or ordinary file, written whole or not at all;
never the database or its journals, never through a link or into a pipe."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from scrm_tui.core import sanitize

# SQLite keeps these beside the database while it is open (WAL) or writing (rollback).
DATABASE_FILES = ("", "-wal", "-shm", "-journal", "-writers")
_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "is a directory",
    errno.EROFS: "read-only file system",
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large",
}


class OutputError(Exception):
    """The export cannot go to this file; the message says why, safe to print."""


def _shown(path: Path) -> str:
    return sanitize.for_message(str(path), 300)


def _reason(output: Path, error: OSError) -> str:
    if error.errno == errno.ENOENT:
        return f"no folder {_shown(output.parent)}"
    if error.errno == errno.ENOTDIR:
        return f"{_shown(output.parent)} is not a folder"
    reason = _REASONS.get(error.errno or 0) or (error.strerror or str(error)).lower()
    return reason


def check(output: Path, db: Path | str) -> None:
    """Raise OutputError unless writing `output` would only ever replace an ordinary
    file that is not the database (by path, however written, or by inode: a hard link)."""
    try:
        here = os.lstat(output)
    except FileNotFoundError:
        here = None
    except OSError as error:
        raise OutputError(f"cannot write {_shown(output)}: {_reason(output, error)}") from None
    real = os.path.realpath(output)
    try:
        target = os.stat(output) if here is not None else None
    except OSError:
        target = None  # a dangling link: refused below as a link
    for suffix in DATABASE_FILES if isinstance(db, Path) else ():  # a server has no file
        other = Path(f"{db}{suffix}")
        same = real == os.path.realpath(other)
        if not same and target is not None:
            with contextlib.suppress(OSError):
                theirs = os.stat(other)
                same = (theirs.st_dev, theirs.st_ino) == (target.st_dev, target.st_ino)
        if same:
            what = "the database" if not suffix else f"the database's {suffix[1:]} file"
            raise OutputError(
                f"{_shown(output)} is {what} ({_shown(Path(db))}): export to another file"
            )
    if here is None:
        return
    mode = here.st_mode
    if stat.S_ISLNK(mode):
        raise OutputError(
            f"{_shown(output)} is a symbolic link: not replaced (give the file's own path)"
        )
    if stat.S_ISDIR(mode):
        raise OutputError(f"cannot write {_shown(output)}: is a directory")
    if stat.S_ISFIFO(mode):
        raise OutputError(
            f"{_shown(output)} is a named pipe: not replaced (leave out -o to write to "
            "standard output, and pipe that)"
        )
    if not stat.S_ISREG(mode):
        raise OutputError(f"{_shown(output)} is not an ordinary file: not replaced")


@contextlib.contextmanager
def written_whole(output: Path) -> Iterator[TextIO]:
    """A text file that becomes `output` only once everything is written: a temporary
    file beside it, renamed at the end and removed on any error or interrupt.

    A new export is readable only by you (it holds what customers wrote and who they
    are); a file it replaces keeps its permissions.
    """
    try:
        before: int | None = stat.S_IMODE(os.stat(output).st_mode)
    except FileNotFoundError:
        before = None
    except OSError as error:
        raise OutputError(f"cannot write {_shown(output)}: {_reason(output, error)}") from None
    try:
        # mkstemp: a fresh name, O_EXCL, mode 0600, never through a link.
        fd, name = tempfile.mkstemp(
            prefix=f".{output.name}.", suffix=".partial", dir=output.parent or "."
        )
    except OSError as error:
        raise OutputError(f"cannot write {_shown(output)}: {_reason(output, error)}") from None
    temp = Path(name)
    try:
        if before is not None:
            os.fchmod(fd, before)
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())  # the rename must not land before the data
        os.replace(temp, output)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {_shown(output)}: {_reason(output, error)}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
