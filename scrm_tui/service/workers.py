"""A pool of worker processes for CPU-heavy steps, falling back to a thread.

VADER and JSON parsing are pure Python and hold the GIL, so threads cannot run them
beside the process that writes to SQLite; processes can. Workers are spawned, not
forked: the parent has SQLite threads running, and a fork would copy their locks.
Workers end with their parent, even one killed with -9, and leave Ctrl+C to it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from scrm_tui.service.processes import die_with_parent

T = TypeVar("T")


def _start_worker(parent: int) -> None:
    """Each worker's first step: it dies with `parent`, and a Ctrl+C in the terminal
    (sent to the whole process group) is the parent's to handle, not a traceback here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


class WorkerPool:
    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 2
        self._pool: Executor | None = None
        self._broken = False

    def _executor(self) -> Executor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        return self._pool

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in a worker process (`fn` must be a module-level function)."""
        if not self._broken:
            loop = asyncio.get_running_loop()
            try:
                return await loop.run_in_executor(self._executor(), fn, *args)
            except BrokenProcessPool:
                # Workers could not start (e.g. the main program cannot be
                # re-imported): slower, but the work goes on in this process.
                self._broken = True
        return await asyncio.to_thread(fn, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
