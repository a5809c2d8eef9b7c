"""Matching authors in worker processes, one per core: each opens the shared index in the
database file itself, so none builds anything before it starts."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import resource_tracker
from pathlib import Path

from scrm_tui.enrich.gc_pause import paused
from scrm_tui.enrich.match_model import Weights
from scrm_tui.enrich.matching import Matcher, Thresholds
from scrm_tui.enrich.shared_index import SharedIndex, indexed_all
from scrm_tui.store.linking import AuthorInfo, MatchOutcome
from scrm_tui.store.match_index import CustomerRecord, IndexedCustomer, MatchIndexReader

_matcher: Matcher | None = None  # this worker's, over its own read connection

# How far backlog work (indexing customers, re-matching authors) yields the cores: an
# inbox, a collector and the import or ingest that asked for it come first.
NICE = 10


def _open(path: str, thresholds: Thresholds, parent: int, weights: str | None = None) -> None:
    global _matcher
    # The parent's pid comes from the parent: one killed while this worker was still
    # starting has already handed it to init, and os.getppid() here would be init's.
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    _background()
    _matcher = Matcher(
        thresholds=thresholds,
        index=SharedIndex(MatchIndexReader(path)),
        weights=Weights.from_json(weights) if weights else None,
    )


def _background() -> None:
    """This worker at NICE at least, whoever started it: `scrm catch-up` is there
    already, an import, an ingest or `scrm watch` doing the backlog itself is not."""
    with contextlib.suppress(OSError):
        os.nice(max(NICE - os.nice(0), 0))


def _end_with(parent: int) -> None:
    """End this worker once the process that started it is gone (killed, not closed):
    an idle worker would otherwise wait for work forever."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def decide(
    matcher: Matcher, authors: Sequence[AuthorInfo], rejected: dict[int, set[int]]
) -> list[MatchOutcome]:
    """What the matcher makes of each author, rejected customers left out; the index's
    lookups that repeat from author to author are read once for the batch."""
    outcomes = []
    with paused(), matcher.index.remembering():
        matcher.ask_ahead((a.channel, a.handle, a.display_name) for a in authors)
        for author in authors:
            result = matcher.match(
                author.channel,
                author.handle,
                author.display_name,
                rejected.get(author.id, ()),
                url=author.url,
                proven=author.proven,
            )
            outcomes.append(
                MatchOutcome(
                    author.id,
                    result.decision,
                    tuple((c.customer_id, c.score, c.fields) for c in result.candidates),
                    tuple(c.probability for c in result.candidates),
                    result.candidates[0].evidence if result.candidates else "",
                )
            )
    return outcomes


def _decide_here(
    authors: Sequence[AuthorInfo], rejected: dict[int, set[int]]
) -> list[MatchOutcome]:
    assert _matcher is not None, "the pool's initializer opens the matcher"
    return decide(_matcher, authors, rejected)


def _track_resources() -> None:
    """Start multiprocessing's resource tracker with a real stderr to hand it: under the
    TUI, sys.stderr is Textual's capture, whose file descriptor is not one, and starting
    the tracker from a worker process's launch would fail."""
    stderr = sys.stderr
    try:
        stderr.fileno()
        usable = stderr.fileno() >= 0
    except (OSError, ValueError, AttributeError):
        usable = False
    if not usable and sys.__stderr__ is not None:
        sys.stderr = sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = stderr


class MatchPool:
    """`workers` processes matching pages of authors; close() ends them."""

    def __init__(
        self, path: Path | str, thresholds: Thresholds, workers: int, weights: Weights | None = None
    ) -> None:
        self.workers = workers
        _track_resources()
        # spawn, not fork: the parent runs aiosqlite threads and an event loop.
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_open,
            initargs=(
                str(path),
                thresholds,
                os.getpid(),
                weights.to_json() if weights is not None else None,
            ),
        )

    async def decide(
        self, authors: Sequence[AuthorInfo], rejected: dict[int, set[int]]
    ) -> list[MatchOutcome]:
        """The outcomes of `authors` in their order, matched in slices across the workers."""
        loop = asyncio.get_running_loop()
        size = max(1, -(-len(authors) // (self.workers * 4)))
        slices = [authors[i : i + size] for i in range(0, len(authors), size)]
        done = await asyncio.gather(
            *(
                loop.run_in_executor(
                    self._pool,
                    _decide_here,
                    list(part),
                    {a.id: rejected[a.id] for a in part if a.id in rejected},
                )
                for part in slices
            )
        )
        return [outcome for part in done for outcome in part]

    async def indexed(self, records: Sequence[CustomerRecord]) -> list[IndexedCustomer]:
        """What `records` put in the shared index, prepared in slices across the workers."""
        loop = asyncio.get_running_loop()
        size = max(1, -(-len(records) // self.workers))
        done = await asyncio.gather(
            *(
                loop.run_in_executor(self._pool, indexed_all, list(records[i : i + size]))
                for i in range(0, len(records), size)
            )
        )
        return [row for part in done for row in part]

    def close(self, *, wait: bool = True) -> None:
        """End the workers: waiting for them after a finished job, not after a cancel."""
        self._pool.shutdown(wait=wait, cancel_futures=True)
