"""The writers' turnstile: processes that write one database take its write lock in turn.

SQLite lets whoever asks first when the write lock frees take it, and its busy handler
sleeps up to 100 ms between asks: a writer waiting behind a long job (`scrm catch-up`)
can sleep past the moment the lock frees, then find the job's next transaction begun.
Every writer here queues at a file lock beside the database before it asks for the
write lock and holds it until it has the write lock: a job whose transaction ends while
another process waits cannot begin its next one before that process has written.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

# How often a waiter asks again (for the turnstile, then for the write lock): short, so
# that it is in soon after the lock frees; each ask is a system call or a hop to the
# connection's thread.
RETRY_S = 0.002


def turnstile_path(database: Path) -> Path:
    return Path(f"{database}-writers")


def opened_to_read(path: Path) -> int | None:
    """The turnstile's file opened for reading only, or None if this account cannot."""
    try:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None


class TurnstileTimeout(TimeoutError):
    """The turnstile stayed taken until the deadline."""


class Turnstile:
    """The file lock `<database>-writers`; one per Database (flock locks belong to an
    open file, so two Databases in one process queue at it too)."""

    def __init__(self, path: Path, mode: int) -> None:
        self.path = turnstile_path(path)
        self.mode = mode
        self._fd: int | None = None

    def _open(self) -> int | None:
        if self._fd is None:
            fd: int | None
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except PermissionError:
                # Another account's file, or a restored one, that we may only read: an
                # flock needs no write access, so we queue with the others all the same.
                fd = opened_to_read(self.path)
                if fd is None:
                    return None  # unreadable too: `scrm doctor` says so
            except OSError:
                return None  # a folder we cannot write in: no write gets further anyway
            with contextlib.suppress(OSError):
                if os.fstat(fd).st_uid == os.getuid():
                    os.fchmod(fd, self.mode)  # as the database's own files
            self._fd = fd
        return self._fd

    @contextlib.asynccontextmanager
    async def passing(self, deadline: float) -> AsyncIterator[None]:
        """Wait for the turnstile (until `deadline`, a time.monotonic()), hold it for the
        body (which takes the write lock), then let the next one through. The lock is
        asked for without blocking, so a task cancelled while it waits holds nothing."""
        fd = self._open()
        if fd is None:
            yield
            return
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TurnstileTimeout from None
                await asyncio.sleep(RETRY_S)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
