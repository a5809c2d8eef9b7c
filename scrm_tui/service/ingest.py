"""`scrm ingest`: read mentions from JSON Lines, keep the good lines, name the bad ones."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from scrm_tui.core.models import MentionIn, Sentiment
from scrm_tui.core.records import RecordError, parse_mention
from scrm_tui.enrich.sentiment import ParallelScorer
from scrm_tui.service.inbox import Inbox, IngestResult

BATCH_SIZE = 1000


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class IngestReport:
    lines: int = 0
    stored: int = 0
    duplicates: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_line(raw: bytes | str, number: int) -> MentionIn | LineError | None:
    """One line of input: a mention, an error naming the line, or None if blank."""
    if isinstance(raw, bytes):
        # Bytes that are not UTF-8 become U+FFFD: the rest of the post is kept.
        raw = raw.decode("utf-8", errors="replace")
    text = raw.strip()
    if not text:
        return None
    if number == 1 and text.startswith("\ufeff"):
        text = text[1:]
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as error:
        return LineError(number, f"not valid JSON ({error.msg} at column {error.colno})")
    except RecursionError:
        return LineError(number, "not valid JSON (nested too deeply)")
    try:
        # Lone surrogates can only come from \ud800-\udfff escapes in the JSON text.
        return parse_mention(obj, repair="\\ud" in text or "\\uD" in text)
    except RecordError as error:
        return LineError(number, str(error))


def parse_lines(lines: Iterable[bytes | str]) -> Iterator[MentionIn | LineError]:
    for number, raw in enumerate(lines, start=1):
        parsed = parse_line(raw, number)
        if parsed is not None:
            yield parsed


async def ingest_stream(
    inbox: Inbox,
    stream: BinaryIO | Iterable[bytes],
    *,
    batch_size: int = BATCH_SIZE,
    on_error: Callable[[LineError], None] | None = None,
    on_progress: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Store every good line, one transaction per batch; report each bad line.

    Lines are read as they come, so `-` can be a pipe from a collector and memory
    stays flat on files of any size. Past the first batch, sentiment is scored in
    worker processes while this process parses the next batch and writes the last:
    a large file is limited by VADER on the other cores, not by the sum of the steps.
    """
    report = IngestReport()
    batch: list[MentionIn] = []
    scorer: ParallelScorer | None = None
    inflight: deque[tuple[list[MentionIn], list[MentionIn], asyncio.Future[list[Sentiment]]]]
    inflight = deque()

    # Looking up which lines are already stored saves scoring them again, but costs
    # a query per batch on the busiest core. ON CONFLICT keeps the store exact either
    # way, so the lookup runs only while duplicates are actually turning up.
    check_known = True

    def record(result: IngestResult) -> None:
        nonlocal check_known
        report.stored += len(result.stored)
        report.duplicates += result.duplicates
        check_known = result.duplicates > 0
        if on_progress is not None:
            on_progress(report)

    writing: asyncio.Future[IngestResult] | None = None

    async def finish_oldest() -> None:
        # Writes stay in order (one at a time) but run while the next batch is parsed.
        nonlocal writing
        offered, fresh, scores = inflight.popleft()
        ready = await scores
        if writing is not None:
            record(await writing)
        writing = asyncio.ensure_future(inbox.store_scored(offered, fresh, ready))

    async def flush() -> None:
        nonlocal scorer
        offered = list(batch)
        batch.clear()
        if scorer is None and report.lines <= batch_size:
            record(await inbox.ingest(offered))  # a small input: no worker processes
            return
        if scorer is None:
            scorer = ParallelScorer()
        fresh = await inbox.unseen(offered) if check_known else offered
        future = asyncio.ensure_future(scorer.score([m.text for m in fresh]))
        inflight.append((offered, fresh, future))
        while len(inflight) > scorer.workers:
            await finish_oldest()

    try:
        for number, raw in enumerate(stream, start=1):
            report.lines = number
            parsed = parse_line(raw, number)
            if parsed is None:
                continue
            if isinstance(parsed, LineError):
                report.errors.append(parsed)
                if on_error is not None:
                    on_error(parsed)
                continue
            batch.append(parsed)
            if len(batch) >= batch_size:
                await flush()
        if batch:
            await flush()
        while inflight:
            await finish_oldest()
        if writing is not None:
            record(await writing)
            writing = None
    finally:
        for _, _, future in inflight:
            future.cancel()
        if writing is not None:
            # Interrupted: let the batch being written commit (or fail) as a whole.
            await asyncio.gather(writing, return_exceptions=True)
        if scorer is not None:
            scorer.close()
    return report
