"""Sentiment with VADER on the raw text (case, punctuation and emoji are signal)."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from typing import TYPE_CHECKING

from scrm_tui.core.models import Sentiment

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    # Importing VADER and loading its lexicon cost ~40 ms: do it on first use, not
    # at import, so the inbox paints without it.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def score(text: str) -> Sentiment:
    """VADER's scores for one text, exactly as written (no normalisation)."""
    scores = _analyzer().polarity_scores(text)
    return Sentiment(
        compound=scores["compound"], pos=scores["pos"], neu=scores["neu"], neg=scores["neg"]
    )


def score_many(texts: Iterable[str]) -> list[Sentiment]:
    return [score(text) for text in texts]


def _score_tuples(texts: list[str]) -> list[tuple[float, float, float, float]]:
    # Runs in a worker process: plain tuples pickle faster than dataclasses.
    analyzer = _analyzer()
    out = []
    for text in texts:
        s = analyzer.polarity_scores(text)
        out.append((s["compound"], s["pos"], s["neu"], s["neg"]))
    return out


class ParallelScorer:
    """Scores batches in worker processes, so a big ingest uses every core.

    VADER is pure Python and holds the GIL; a thread would not run it beside the
    parsing and writing. One core is left to the process that parses and writes.
    Workers are spawned, not forked: the parent has SQLite threads running.
    """

    def __init__(self, workers: int | None = None):
        cores = os.cpu_count() or 2
        self.workers = workers or max(1, cores - 1)
        self._pool: Executor | None = None
        self._broken = False

    def _executor(self) -> Executor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool

    async def score(self, texts: Sequence[str]) -> list[Sentiment]:
        if self._broken:
            return await asyncio.to_thread(score_many, texts)
        loop = asyncio.get_running_loop()
        try:
            rows = await loop.run_in_executor(self._executor(), _score_tuples, list(texts))
        except BrokenProcessPool:
            # Workers could not start (e.g. the main program cannot be re-imported):
            # slower, but the ingest goes on in this process.
            self._broken = True
            return await asyncio.to_thread(score_many, texts)
        return [Sentiment(compound=c, pos=p, neu=n, neg=g) for c, p, n, g in rows]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
