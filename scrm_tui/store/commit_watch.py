"""Noticing a commit by any process without a clock: a thread that sleeps until the
database's write-ahead log is written, and wakes the inbox only when its change mark moved."""

from __future__ import annotations

import contextlib
import os
import select
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from scrm_tui.store.live import MARK

_MARK = f"SELECT {MARK}"
# A commit is written to the -wal (which wakes the thread) a moment before it is
# published in the -shm's index (which wakes nothing): a look in between sees the mark
# as it was. So after each write the mark is looked at again a few times (s after it).
RECHECKS = (0.005, 0.05, 0.5)


class Watch:
    """What tells an inbox that a commit may have moved its change mark, on either engine
    (Database.commit_watch): a thread that calls `on_change` (from itself) and runs
    `_run` until close(). This file's watch on SQLite, a LISTEN on PostgreSQL
    (store/pg/listen.py)."""

    def __init__(self, agent: str, on_change: Callable[[], object], name: str) -> None:
        self.agent = agent
        self.on_change = on_change
        self.how = ""  # how it learns of commits ("inotify", "polling", "listen"), once started
        self.error: BaseException | None = None  # what stopped the thread, if anything did
        self.trouble: str | None = None  # why the database is out of reach now; None: it is not
        self._stop = threading.Event()
        self._wake_r, self._wake_w = os.pipe()  # written by close(): select() returns
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop the thread (it ends within one wait) and let go of its file handles."""
        self._stop.set()
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        raise NotImplementedError


class CommitWatch(Watch):
    """Calls `on_change` (from its own thread) once when started, and then after each
    commit that moves the change mark of `agent`'s inbox (store/live.py): a heartbeat or
    a lease renewed by another process wakes the thread for one small read, never the
    inbox. On Linux the thread sleeps in inotify until the -wal file is written (every
    commit in WAL mode writes it); elsewhere, or when inotify is refused (its limits
    reached), it looks at `PRAGMA data_version` every `every` seconds (microseconds,
    off the event loop) and reads the mark only when that moved."""

    def __init__(
        self,
        path: Path,
        agent: str,
        on_change: Callable[[], object],
        *,
        every: float = 0.5,
        settle: float = 0.0,
    ) -> None:
        super().__init__(agent, on_change, "scrm-commit-watch")
        self.path = path.resolve()  # SQLite names the -wal after the file, links followed
        self.every = every
        self.settle = settle  # seconds of polling before inotify is loaded (see _waits)

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            self.error = error
            self.on_change()  # the inbox looks, and finds this watch gone (alive)
            return
        try:
            last: tuple[object, ...] | None = None
            version = None  # PRAGMA data_version when the mark was last read
            for _ in self._waits(conn):
                try:
                    # Every row read (list): a statement left open would keep its
                    # snapshot, and the thread would look at the file as it was.
                    [(now,)] = list(conn.execute("PRAGMA data_version"))
                    if now == version:
                        # Nothing committed since the last look (most looks again of
                        # RECHECKS): the mark's pages need not be read again.
                        continue
                    [found] = list(conn.execute(_MARK, {"agent": self.agent}))
                    mark, version = tuple(found), now
                except sqlite3.Error:
                    mark, version = None, None  # unreadable now (a migration's lock)
                if mark is None or mark != last:
                    last = mark
                    self.on_change()
        except Exception as error:  # reported through `alive` and `error`, not lost
            self.error = error
            self.on_change()
        finally:
            conn.close()

    def _waits(self, conn: sqlite3.Connection) -> Iterator[None]:
        """Yields now, then each time a commit may have landed, until close(). (The
        watch is set before the first look: a commit in between is not lost.)"""
        if self.settle > 0:
            # Loading inotify (ctypes, and a look for the C library in a process of its
            # own) would compete with the inbox's first frame: poll until it is up.
            self.how = "polling"
            yield
            yield from self._polling(conn, until=time.monotonic() + self.settle)
            if self._stop.is_set():
                return
        watched = self._inotify()
        self.how = "polling" if watched is None else "inotify"
        yield
        yield from watched if watched is not None else self._polling(conn)

    def _inotify(self) -> Iterator[None] | None:
        """The -wal file's writes, by way of its folder (a checkpoint may remove and make
        it again), or None where inotify is not to be had."""
        if not sys.platform.startswith("linux"):
            return None
        try:
            from inotify_simple import INotify, flags
        except ImportError:
            return None
        try:
            notify = INotify()
        except OSError:
            return None
        try:
            mask = flags.MODIFY | flags.CREATE | flags.MOVED_TO
            notify.add_watch(self.path.parent, mask)
        except OSError:
            notify.close()
            return None
        return self._events(notify, f"{self.path.name}-wal")

    def _events(self, notify: object, wal: str) -> Iterator[None]:
        from inotify_simple import INotify

        assert isinstance(notify, INotify)
        fds = [notify.fileno(), self._wake_r]
        again: list[float] = []
        with notify:
            while not self._stop.is_set():
                ready, _, _ = select.select(fds, [], [], again.pop(0) if again else None)
                if self._wake_r in ready:
                    return
                if not ready:
                    yield  # a look again after a write (see RECHECKS)
                    continue
                # Every event queued so far is read before the mark is: a commit after
                # this read queues another.
                if any(event.name == wal for event in notify.read(timeout=0)):
                    again = list(RECHECKS)
                    yield

    def _polling(self, conn: sqlite3.Connection, until: float | None = None) -> Iterator[None]:
        version = None
        while not self._stop.wait(self.every):
            if until is not None and time.monotonic() >= until:
                return
            [(now,)] = list(conn.execute("PRAGMA data_version"))
            if now != version:
                version = now
                yield
