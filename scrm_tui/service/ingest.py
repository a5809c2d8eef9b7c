"""`scrm ingest`: read mentions from JSON Lines, keep the good lines, name the bad ones."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import stat
import threading
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, NamedTuple

from scrm_tui.core.models import MentionIn, NewMention
from scrm_tui.core.records import (
    TEXT_LIMIT,
    RecordError,
    decode_json,
    parse_mention,
)
from scrm_tui.enrich.reading import read_many
from scrm_tui.service.inbox import Inbox, IngestResult
from scrm_tui.service.inbox.storing import StoredThenFailed
from scrm_tui.service.workers import WorkerPool
from scrm_tui.store.mentions import existing_ids_now

# Lines per batch, and per write transaction: large batches share the index and
# full-text pages they touch, so a big file writes each page fewer times.
BATCH_SIZE = 10_000
# Batches queued for the workers beyond one each, so no worker waits for this
# process between batches (bench at 1M rows: 0.90-0.92x bare VADER on 2 cores).
QUEUED = 2
# The longest line read: a longer one is a bad line, skipped without being held in
# memory. Far above any post (GitHub's 65,536 characters are at most 256 KB).
MAX_LINE_BYTES = 8 * 1024 * 1024
# A batch also ends at this many bytes, so a file of long lines is held a few lines
# at a time rather than 10,000 of them.
BATCH_BYTES = 16 * 1024 * 1024


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
    cut: int = 0  # good lines whose text is over TEXT_LIMIT: stored cut, kept whole aside
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class TooLong(NamedTuple):
    """A line over MAX_LINE_BYTES, in place of its text (which was never kept)."""

    size: int


Line = bytes | str | TooLong


def parse_line(raw: Line, number: int) -> MentionIn | LineError | None:
    """One line of input: a mention, an error naming the line, or None if blank."""
    if isinstance(raw, TooLong):
        return LineError(
            number, f"longer than {MAX_LINE_BYTES // 2**20} MB ({raw.size:,} bytes): skipped"
        )
    # Lone surrogates in bytes can only come from \ud800-\udfff escapes in the JSON
    # text; a str from a caller may hold them as they are.
    repair = isinstance(raw, str)
    if isinstance(raw, bytes):
        # Bytes that are not UTF-8 become U+FFFD: the rest of the post is kept.
        raw = raw.decode("utf-8", errors="replace")
    text = raw.strip()
    if not text:
        return None
    if number == 1 and text.startswith("\ufeff"):
        text = text[1:]
    try:
        obj = decode_json(text)
        return parse_mention(obj, repair=repair or "\\ud" in text or "\\uD" in text)
    except RecordError as error:
        return LineError(number, str(error))


def parse_lines(lines: Iterable[Line]) -> Iterator[MentionIn | LineError]:
    for number, raw in enumerate(lines, start=1):
        parsed = parse_line(raw, number)
        if parsed is not None:
            yield parsed


def bounded_lines(
    stream: BinaryIO | Iterable[bytes], limit: int = MAX_LINE_BYTES
) -> Iterator[Line]:
    """The lines of `stream`, each a TooLong instead when it is over `limit` bytes:
    the rest of such a line is read past in pieces, never held whole."""
    readline = getattr(stream, "readline", None)
    if readline is None:  # an in-memory iterable: its lines are already held
        for raw in stream:
            yield raw if len(raw) <= limit else TooLong(len(raw))
        return
    while raw := readline(limit + 1):
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield raw
            continue
        size = len(raw)
        while piece := readline(2**20):
            size += len(piece)
            if piece.endswith(b"\n"):
                break
        yield TooLong(size)


def _cut(mentions: list[MentionIn]) -> int:
    return sum(1 for m in mentions if len(m.text) > TEXT_LIMIT)


def _size(raw: Line) -> int:
    return raw.size if isinstance(raw, TooLong) else len(raw)


@dataclass
class Prepared:
    """One batch after a worker has been through it."""

    rows: list[NewMention]
    errors: list[LineError]
    offered: int  # good lines in the batch, stored or not
    cut: int = 0  # good lines whose text is over TEXT_LIMIT


def prepare_batch(
    db_path: str, first_line: int, lines: list[Line], terms: tuple[str, ...] = ()
) -> Prepared:
    """In a worker process: parse and validate a batch, leave out what the database
    already holds (so an ingest run twice scores nothing twice), read the rest (its
    language and sentiment, with the watch `terms` taken as no word of either)."""
    mentions: list[MentionIn] = []
    errors: list[LineError] = []
    for offset, raw in enumerate(lines):
        parsed = parse_line(raw, first_line + offset)
        if isinstance(parsed, LineError):
            errors.append(parsed)
        elif parsed is not None:
            mentions.append(parsed)
    keys = [(str(m.channel), m.external_id) for m in mentions]
    seen = existing_ids_now(db_path, keys)
    fresh = []
    for mention, key in zip(mentions, keys, strict=True):
        if key not in seen:
            seen.add(key)
            fresh.append(mention)
    rows = read_many(fresh, terms)
    return Prepared(rows, errors, offered=len(mentions), cut=_cut(mentions))


PAUSE = 0.2  # seconds a pipe may be quiet before what it sent so far is stored


def _full(lines: list[Line], batch_size: int, batch_bytes: int) -> int:
    """How many of `lines` make the first full batch (by lines or by bytes); 0 if
    they are not a full batch yet."""
    total = 0
    for count, raw in enumerate(lines[:batch_size], start=1):
        total += _size(raw)
        if total >= batch_bytes:
            return count
    return batch_size if len(lines) >= batch_size else 0


async def _read(
    stream: BinaryIO | Iterable[bytes], batch_size: int, batch_bytes: int
) -> AsyncIterator[tuple[list[Line], bool]]:
    """Groups of input lines, each with whether the input has gone quiet after it.

    A regular file is read straight through, as fast as it comes. A pipe or a
    terminal is read by a thread, so lines that trickle in are stored within
    PAUSE seconds instead of waiting for a full batch or the end of the input.
    Either way no line over MAX_LINE_BYTES is held, nor more than about two
    batches of lines or bytes.
    """
    try:
        regular = stat.S_ISREG(os.fstat(stream.fileno()).st_mode)  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        regular = True  # an in-memory iterable: nothing to wait for
    if regular:
        group: list[Line] = []
        size = 0
        for raw in bounded_lines(stream):
            group.append(raw)
            size += _size(raw)
            if len(group) >= batch_size or size >= batch_bytes:
                yield group, False
                group, size = [], 0
        if group:
            yield group, True
        return

    loop = asyncio.get_running_loop()
    # The thread reads a duplicate of the descriptor through a reader of its own. Left
    # blocked in a read when the ingest ends early (the database gone, Ctrl+C on a quiet
    # pipe), it would hold sys.stdin's lock, and Python aborts at exit when it takes it
    # ("could not acquire lock for <stdin> at interpreter shutdown").
    own = open(os.dup(stream.fileno()), "rb")  # type: ignore[union-attr]  # noqa: SIM115
    room = threading.Condition()  # guards pending/ended/stopped; the reader waits on it
    pending: list[Line] = []
    held = 0  # bytes in pending
    ended = stopped = False
    wake = asyncio.Event()

    def pump() -> None:
        nonlocal ended, held
        try:
            for raw in bounded_lines(own):
                with room:
                    # Backpressure: never hold more than two batches in memory.
                    while (
                        len(pending) >= 2 * batch_size or held >= 2 * batch_bytes
                    ) and not stopped:
                        room.wait()
                    if stopped:
                        return
                    pending.append(raw)
                    held += _size(raw)
                    full = len(pending) == batch_size or held >= batch_bytes
                if full:
                    loop.call_soon_threadsafe(wake.set)
        finally:
            own.close()
            with room:
                ended = True
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits
                loop.call_soon_threadsafe(wake.set)

    reader = threading.Thread(target=pump, name="scrm-ingest-reader", daemon=True)
    reader.start()
    try:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), PAUSE)
            wake.clear()
            with room:
                taken = pending[:]
                pending.clear()
                held = 0
                done = ended
                room.notify_all()
            if taken:
                yield taken, not _full(taken, batch_size, batch_bytes)
            if done:
                with room:
                    rest = pending[:]
                if rest:
                    yield rest, True
                return
    finally:
        with room:
            stopped = True
            room.notify_all()


async def ingest_stream(
    inbox: Inbox,
    stream: BinaryIO | Iterable[bytes],
    *,
    batch_size: int = BATCH_SIZE,
    batch_bytes: int = BATCH_BYTES,
    on_error: Callable[[LineError], None] | None = None,
    on_progress: Callable[[IngestReport], None] | None = None,
    report: IngestReport | None = None,
) -> IngestReport:
    """Store every good line, one transaction per batch; report each bad line.

    Lines are read as they come, so `-` can be a pipe from a collector and memory
    stays flat on files of any size. An input of one batch is handled right here.
    Beyond that, worker processes parse, check and score batches on every core while
    this process only writes, in order: a big file is limited by VADER, not by the
    sum of the steps. `report`, if given, is filled as batches commit, so a caller
    that cancels the ingest still knows what was stored.
    """
    report = report if report is not None else IngestReport()
    pool: WorkerPool | None = None
    inflight: deque[asyncio.Future[Prepared]] = deque()
    writing: asyncio.Future[IngestResult] | None = None

    def record(result: IngestResult) -> None:
        report.stored += len(result.stored)
        report.duplicates += result.duplicates
        if on_progress is not None:
            on_progress(report)

    async def taken(stored: Awaitable[IngestResult]) -> None:
        """`stored`'s batch counted, also when it was committed and what followed the
        commit failed (the report must say every row that is in the database)."""
        try:
            result = await stored
        except StoredThenFailed as error:
            record(error.result)
            raise
        record(result)

    def note(errors: list[LineError]) -> None:
        for error in errors:
            report.errors.append(error)
            if on_error is not None:
                on_error(error)

    async def finish_oldest() -> None:
        # Batches are written one at a time and in order, while later ones are
        # still being prepared; errors are reported in line order.
        nonlocal writing
        prepared = await inflight.popleft()
        note(prepared.errors)
        report.cut += prepared.cut
        if writing is not None:
            done, writing = writing, None
            await taken(done)
        writing = asyncio.ensure_future(inbox.store(prepared.rows, offered=prepared.offered))

    async def drain() -> None:
        """Everything handed to the workers is written, in order."""
        nonlocal writing
        while inflight:
            await finish_oldest()
        if writing is not None:
            done, writing = writing, None
            await taken(done)

    async def handle_here(first_line: int, lines: list[Line]) -> None:
        mentions: list[MentionIn] = []
        for offset, raw in enumerate(lines):
            parsed = parse_line(raw, first_line + offset)
            if isinstance(parsed, LineError):
                note([parsed])
            elif parsed is not None:
                mentions.append(parsed)
        report.cut += _cut(mentions)
        await taken(inbox.ingest(mentions))

    batch: list[Line] = []
    first_line = 1
    try:
        async for lines, paused in _read(stream, batch_size, batch_bytes):
            batch.extend(lines)
            report.lines += len(lines)
            while full := _full(batch, batch_size, batch_bytes):
                if pool is None:
                    pool = WorkerPool()
                chunk, batch = batch[:full], batch[full:]
                job = pool.run(
                    prepare_batch, str(inbox.db.target), first_line, chunk, inbox.watch_words
                )
                inflight.append(asyncio.ensure_future(job))
                first_line += len(chunk)
                while len(inflight) > pool.workers + QUEUED:
                    await finish_oldest()
            if paused and batch:
                # The end, or a pipe that went quiet: store what came so far rather
                # than wait for a full batch (after everything before it, in order).
                await drain()
                await handle_here(first_line, batch)
                first_line += len(batch)
                batch = []
        await drain()
    finally:
        for future in inflight:
            future.cancel()
        if writing is not None:
            # Interrupted: let the batch being written commit (or fail) as a whole, and
            # count it if it did.
            (outcome,) = await asyncio.gather(writing, return_exceptions=True)
            if isinstance(outcome, IngestResult):
                record(outcome)
            elif isinstance(outcome, StoredThenFailed):
                record(outcome.result)
        if pool is not None:
            pool.close()
    return report
