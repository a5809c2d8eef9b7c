"""Noticing a commit by any process on PostgreSQL: a thread that LISTENs, on a connection of
its own, for the NOTIFY that every waking commit sends (store/pg/database.py), and that
reaches for the server again, with a growing pause, when it goes away."""

from __future__ import annotations

import select
from collections.abc import Callable

import psycopg

from scrm_tui.store.commit_watch import Watch
from scrm_tui.store.pg.advice import reason
from scrm_tui.store.pg.connection import REACH
from scrm_tui.store.pg.database import CHANNEL

# Seconds between two tries to reach a server that went away (the last one repeats): a
# restart is noticed within a fraction of a second, a long outage costs a try every 2 s.
RETRY = (0.1, 0.25, 0.5, 1.0, 2.0)


class CommitListener(Watch):
    """The PostgreSQL side of store/commit_watch.Watch: calls `on_change` (from its own
    thread) once when it reaches the server, after each waking commit by any process
    (heartbeats and lease renewals send no NOTIFY: they wake nothing), and when the
    server goes out of reach (`trouble` says why) or comes back. Back after an outage, the
    first call is the one look that finds what was committed while it was not listening."""

    def __init__(
        self,
        url: str,
        agent: str,  # every agent hears every commit: the inbox's look decides
        on_change: Callable[[], object],
        *,
        retry: tuple[float, ...] = RETRY,
    ) -> None:
        super().__init__(agent, on_change, "scrm-commit-listen")
        self.url = url
        self.retry = retry
        self.reached = 0  # how many times it reached the server (a test waits for the next)

    def _run(self) -> None:
        try:
            tries = 0
            while not self._stop.is_set():
                try:
                    conn = psycopg.connect(self.url, autocommit=True, **REACH)
                except psycopg.OperationalError as error:
                    self._lost(error)
                    self._stop.wait(self.retry[min(tries, len(self.retry) - 1)])
                    tries += 1
                    continue
                tries = 0
                try:
                    with conn:
                        self._listen(conn)
                except psycopg.OperationalError as error:
                    self._lost(error)
        except Exception as error:  # reported through `alive` and `error`, not lost
            self.error = error
            self.on_change()

    def _listen(self, conn: psycopg.Connection[object]) -> None:
        """Listen until close() or until the connection fails (OperationalError)."""
        conn.execute(f"LISTEN {CHANNEL}".encode())
        self.how = "listen"
        self.trouble = None
        self.reached += 1
        # A commit made while nobody listened (before start, or during an outage) sent
        # its NOTIFY to no one: the inbox looks once now and finds it.
        self.on_change()
        fds = [conn.fileno(), self._wake_r]
        while not self._stop.is_set():
            # What arrived with LISTEN's answer, then what the socket brings: a burst of
            # commits is one call (the inbox's look finds them all).
            if any(True for _ in conn.notifies(timeout=0)):
                self.on_change()
            ready, _, _ = select.select(fds, [], [])
            if self._wake_r in ready:
                return

    def _lost(self, error: psycopg.OperationalError) -> None:
        """The server went out of reach: said once per outage, then tried again."""
        if self.trouble is None:
            self.trouble = reason(error)
            self.on_change()
