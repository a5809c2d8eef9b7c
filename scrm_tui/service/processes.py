"""Who a process is ("host:pid"; "host:pid:start" for an agent's session) and whether
one named so is gone, for claims and leases that another scrm process on the same host
may take over at once; and helper processes that end with the process that started them."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_CHECK_S = 1.0


def process_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def session_id() -> str:
    """This process as "host:pid:start" (start: when it began, epoch ms), for rows that
    say who is at work: a later process that reuses the pid is not taken for this one."""
    started = _started_ms(os.getpid()) or int(time.time() * 1000)
    return f"{process_id()}:{started}"


def session_gone(holder: str) -> bool:
    """True when `holder` ("host:pid:start", or "host:pid") ran on this host and that
    process is no longer running: its pid is gone, or belongs to a later process.
    Another host's process cannot be checked: its heartbeat has to run out."""
    if holder.count(":") < 2:
        return gone_here(holder)  # the two-part form
    process, _, start = holder.rpartition(":")
    if not on_this_host(holder) or not start.isdigit():
        return False
    return not alive_here(process, int(start))


def on_this_host(holder: str) -> bool:
    """Whether `holder` ("host:pid" or "host:pid:start") names a process on this host."""
    process = holder if holder.count(":") < 2 else holder.rpartition(":")[0]
    return process.rpartition(":")[0] == socket.gethostname()


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


def alive_here(holder: str, since_ms: int) -> bool:
    """True when `holder` runs on this host and its process has been running since
    `since_ms` at least (a process started later only reuses the pid)."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or gone_here(holder):
        return False
    started = _started_ms(int(pid))
    # /proc gives the boot time to the second: allow that much.
    return started is None or started <= since_ms + 1000


def _started_ms(pid: int) -> int | None:
    """When a process started (epoch ms), where /proc says; None where it cannot."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = Path("/proc/stat").read_text()
    except OSError:
        return None
    booted = next((line.split()[1] for line in boot.splitlines() if line.startswith("btime")), None)
    fields = stat[stat.rfind(")") + 2 :].split()  # from field 3 (state) on
    if booted is None or len(fields) < 20 or not fields[19].isdigit():
        return None
    ticks = int(fields[19])  # field 22: start time, in clock ticks after boot
    return int((int(booted) + ticks / os.sysconf("SC_CLK_TCK")) * 1000)


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc (macOS): kill() said it exists
    # "pid (comm) state ...": comm may hold spaces and parentheses, the state follows
    # the last ")".
    return stat[stat.rfind(")") + 2 : stat.rfind(")") + 3] == "Z"


def die_with_parent(parent: int) -> None:
    """In a helper process: end when `parent` ends, however it ends (kill -9 included).

    On Linux the kernel sends SIGKILL the moment the parent dies (PR_SET_PDEATHSIG).
    Everywhere, a thread also watches for the parent to change: that covers other
    systems and a parent that died before prctl took effect. A helper holds nothing
    to save (it only reads), so it may end at any moment.
    """
    if sys.platform.startswith("linux"):
        import ctypes  # here: only a helper process needs it, not every start-up

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)
