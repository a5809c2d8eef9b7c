"""A pool of worker processes for CPU-heavy steps, falling back to a thread.

VADER and JSON parsing are pure Python and hold the GIL, so threads cannot run them
beside the process that writes to SQLite; processes can. Workers are spawned, not
forked: the parent has SQLite threads running, and a fork would copy their locks.
Workers end with their parent, even one killed with -9, and leave Ctrl+C to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from scrm_tui.service.processes import die_with_parent

T = TypeVar("T")


def _start_worker(parent: int) -> None:
    """Each worker's first step: it dies with `parent`, and a Ctrl+C in the terminal
    (sent to the whole process group) is the parent's to handle, not a traceback here.
    The worker was born with SIGINT blocked (see _sigint_blocked): ignore, then unblock."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    die_with_parent(parent)


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Block SIGINT in this thread while it spawns workers. The mask is inherited
    through fork and exec, so a Ctrl+C while a worker is still starting Python waits
    for it to ignore the signal instead of killing it with a traceback (the standard
    library's resource tracker does the same); here the signal stays pending, for the
    handler, until the previous mask is back."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


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
                # Made first: making it starts multiprocessing's resource tracker, whose
                # launch unblocks SIGINT. The executor spawns a worker, if it needs one,
                # inside submit().
                executor = self._executor()
                with _sigint_blocked():
                    job = loop.run_in_executor(executor, fn, *args)
                return await job
            except BrokenProcessPool:
                # Workers could not start (e.g. the main program cannot be
                # re-imported): slower, but the work goes on in this process.
                self._broken = True
        return await asyncio.to_thread(fn, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
