"""Ctrl+C or TERM stops a long command between two of its writes, and it says so."""

from __future__ import annotations

import asyncio


class StoppedBySignals:
    """Ctrl+C or a plain kill (TERM) cancels the running task, so that a command stops
    between two of its writes and says so; `by` lists the signals that came."""

    SIGNALS = ("SIGINT", "SIGTERM")

    def __init__(self) -> None:
        import signal

        self.by: list[int] = []
        self._task = asyncio.current_task()
        self._loop = asyncio.get_running_loop()
        self._signals = [getattr(signal, name) for name in self.SIGNALS]
        for signum in self._signals:
            self._loop.add_signal_handler(signum, self._stop, signum)

    def _stop(self, signum: int) -> None:
        self.by.append(signum)
        if self._task is not None:
            self._task.cancel()

    def close(self) -> None:
        for signum in self._signals:
            self._loop.remove_signal_handler(signum)
