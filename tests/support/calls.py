"""A callback that counts its calls, made from another thread (a commit watch's), with a
way to wait for the nth call or for what it was called about."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Calls:
    """on_change, counted, with a way to wait for the nth call (it comes on a thread)."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()

    def __call__(self) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def wait_for(self, count: int) -> None:
        self.wait_until(lambda: self.count >= count)

    def wait_until(self, done: Callable[[], bool]) -> None:
        """Until `done()` holds, looked at after each call (a watch sets what it tells,
        then calls)."""
        with self._changed:
            assert self._changed.wait_for(done, timeout=60)
