"""A login cached on disk for every scrm process of one account on one service: private
(0600), keyed by service and account, and renewed by one process at a time."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from scrm_tui.core.outgoing import TransientError

log = logging.getLogger(__name__)

# How long a process waits for another one that is logging in (each request it makes
# has its own deadline): past this the other one is stuck, and this poll tries later.
LOCK_WAIT_S = 60.0
_LOCK_POLL_S = 0.05
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def session_path(state_dir: Path, network: str, service: str, account: str) -> Path:
    """Where `account`'s session on `service` is kept: one file per service and
    account, so a session is never offered to another service (its tokens would go
    with it) nor used as another account."""
    import hashlib  # here: its OpenSSL start-up is not for every start of the inbox

    account = account.strip().removeprefix("@").lower()
    key = hashlib.sha256(f"{service.rstrip('/').lower()}\n{account}".encode()).hexdigest()
    readable = _UNSAFE.sub("_", account)[:64] or "account"
    return state_dir / f"{network}-{readable}-{key[:12]}.json"


class SessionFile:
    """One account's cached session on one service.

    `read()` returns the fields saved by `write()`, or None when the file is missing,
    damaged, or was written for another account or service. `locked()` is held by
    whoever renews the session (a refresh or a new login), across processes, so that
    one token rotation seen by many processes costs one login: the others wait, then
    read what the first one saved.
    """

    def __init__(self, path: Path, *, service: str, account: str) -> None:
        self.path = path
        self._service = service.rstrip("/")
        self._account = account.strip().removeprefix("@").lower()

    def read(self) -> dict[str, str] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        owner = data.get("identifier")
        if owner is None:  # written by something else: trust it if it names us
            names = {str(data.get("handle", "")).lower(), str(data.get("did", "")).lower()}
            owner = self._account if self._account in names or "@" in self._account else None
        if str(owner).lower() != self._account:
            return None  # another account's session: never act as it
        service = data.get("service")
        if service is not None and str(service).rstrip("/") != self._service:
            return None  # another service's: its tokens are not to be sent here
        return {str(k): v for k, v in data.items() if isinstance(v, str)}

    def write(self, fields: dict[str, str]) -> None:
        data = {"identifier": self._account, "service": self._service, **fields}
        try:
            _write_private(self.path, json.dumps(data, indent=1))
        except OSError as err:
            # The call can still go on; the next process will just log in again.
            log.warning("could not save the session to %s: %s", self.path, err.strerror)

    @contextlib.asynccontextmanager
    async def locked(self) -> AsyncIterator[None]:
        """Hold the session's lock file (an flock, freed by the OS if we die)."""
        lock = self.path.with_name(self.path.name + ".lock")
        try:
            lock.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as err:
            # No lock where the session cannot be saved either: go on alone.
            log.warning("could not open %s: %s", lock, err.strerror)
            yield
            return
        try:
            await _acquire(handle, lock)
            yield
        finally:
            os.close(handle)  # closing the descriptor releases the lock


async def _acquire(handle: int, lock: Path) -> None:
    """Take the lock without blocking the event loop: try, and wait a little between
    tries, until another process holding it lets go."""
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as err:
            if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
        if time.monotonic() >= deadline:
            raise TransientError(
                f"another scrm process has been logging in for over {LOCK_WAIT_S:g} s "
                f"(it holds {lock.name})"
            )
        await asyncio.sleep(_LOCK_POLL_S)


def _write_private(path: Path, text: str) -> None:
    """Replace `path` atomically with a file only its owner can read (0600)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
