"""A real PostgreSQL server for the tests: Debian's (or any) binaries, a data folder under
/tmp, a free port on 127.0.0.1, and a template database with scrm's schema from which
each test gets a fresh database in a fraction of a second. Stopped at the end."""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

TEMPLATE = "scrm_template"
INSTALL = "PostgreSQL's server is needed by the tests: apt install postgresql (.ci/run does)"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, or Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    folders = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(folders[-1]).parent if folders else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """One running server: `url(name)` reaches database `name` on it."""

    folder: Path
    port: int
    bindir: Path
    user: str | None  # the system user it runs as (root may not run PostgreSQL)

    def url(self, database: str) -> str:
        return f"postgresql://scrm@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.encode())

    def fresh(self) -> str:
        """A new database holding scrm's schema and nothing else; its URL."""
        name = "t_" + uuid.uuid4().hex[:16]
        self.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY FILE_COPY")
        return self.url(name)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    def pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self._run("pg_ctl", "-D", str(self.folder / "data"), *args)

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=300 -c shared_buffers=32MB"
        )
        done = self.pg_ctl("-o", options, "-l", str(self.folder / "log"), "-w", "start")
        if done.returncode != 0:
            log = (self.folder / "log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"PostgreSQL did not start: {done.stderr}\n{log}")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-m", mode, "-w", "stop")


def _owner() -> str | None:
    """Who runs the server: PostgreSQL refuses root, so root hands it to `postgres`."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root with no `postgres` user to run PostgreSQL as")


@contextmanager
def running() -> Iterator[Server]:
    """A server with the template database ready, stopped and removed afterwards."""
    bindir = binaries()
    if bindir is None:
        raise RuntimeError(INSTALL)
    folder = Path(tempfile.mkdtemp(prefix="scrm-pg-"))
    user = _owner()
    if user:
        shutil.chown(folder, user)
    server = Server(folder, _free_port(), bindir, user)
    # Stops the server and removes its folder once this process is gone, however it
    # goes (a kill, xdist interrupting a worker): its own session, woken by the pipe's end.
    reaper = subprocess.Popen(
        [sys.executable, "-c", _REAPER, str(folder), str(bindir / "pg_ctl"), user or ""],
        stdin=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        init = server._run(
            "initdb", "-D", str(folder / "data"), "-U", "scrm", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8", "-N",
        )  # fmt: skip
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed: {init.stderr}")
        server.start()
        server.admin(f"CREATE DATABASE {TEMPLATE}")
        asyncio.run(_create_schema(server.url(TEMPLATE)))
        yield server
    finally:
        server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
        if reaper.stdin is not None:
            reaper.stdin.close()
        reaper.wait(timeout=30)


_REAPER = """
import shutil, subprocess, sys
folder, pg_ctl, user = sys.argv[1:4]
sys.stdin.buffer.read()
command = [pg_ctl, "-D", folder + "/data", "-m", "immediate", "-w", "stop"]
subprocess.run((["runuser", "-u", user, "--"] if user else []) + command, capture_output=True)
shutil.rmtree(folder, ignore_errors=True)
"""


async def _create_schema(url: str) -> None:
    from scrm_tui.store.db import Database

    db = await Database.open(url)
    await db.close()
