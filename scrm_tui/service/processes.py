"""Who a process is ("host:pid") and whether one named so is gone, for claims and leases
that another scrm process on the same host may take over at once."""

from __future__ import annotations

import os
import socket
from pathlib import Path


def process_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def gone_here(holder: str) -> bool:
    """True when `holder` ran on this host and its process has exited.

    Another host's process cannot be checked (its lease or claim has to run out), nor
    can this process be gone. A killed process whose parent has not reaped it yet (a
    zombie: tmux, a shell) still answers kill(pid, 0), so /proc is asked too."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process: alive
        return False
    return _zombie(int(pid))


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc (macOS): kill() said it exists
    # "pid (comm) state ...": comm may hold spaces and parentheses, the state follows
    # the last ")".
    return stat[stat.rfind(")") + 2 : stat.rfind(")") + 3] == "Z"
