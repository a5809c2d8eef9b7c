"""When a connection to a server that went away is tried again, and why it went away."""

from __future__ import annotations

import time

from scrm_tui.store.db import StoreUnavailable
from scrm_tui.store.pg.advice import reason

RETRY_MAX = 2.0  # s: the longest pause between two tries to reach a server that went away


class Reach:
    """The retry state one connection (async or not) keeps while its server is out of
    reach: each failed try doubles the pause before the next (0.1 s up to RETRY_MAX),
    so a thousand reads during a restart cost a few connection attempts, not a
    thousand; a success starts again from nothing."""

    def __init__(self) -> None:
        self.pause = 0.0  # s until the next try, doubled by each failed one
        self.retry_at = 0.0  # time.monotonic() before which no try is made
        self.why = ""  # why the server was out of reach at the last try

    def too_soon(self) -> bool:
        return time.monotonic() < self.retry_at

    def failed(self) -> None:
        self.pause = min(max(2 * self.pause, 0.1), RETRY_MAX)
        self.retry_at = time.monotonic() + self.pause

    def reached(self) -> None:
        self.pause = self.retry_at = 0.0

    def lost(self, error: BaseException | None) -> StoreUnavailable:
        """The server is out of reach: why, in words (never the URL's password)."""
        if error is not None:
            self.why = reason(error)
        why = f" ({self.why})" if self.why else ""
        return StoreUnavailable(f"the database is out of reach{why}")
