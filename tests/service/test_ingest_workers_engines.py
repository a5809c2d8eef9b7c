"""A big file's batches go to worker processes, which look up what is stored already on
the database's own engine: on PostgreSQL too (a URL, not a file, reaches them)."""

from __future__ import annotations

import json
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from scrm_tui.service.inbox import Inbox
from scrm_tui.service.ingest import ingest_stream
from scrm_tui.service.workers import WorkerPool
from tests.support.plain import rows

pytestmark = pytest.mark.both_engines


def _line(n: int) -> bytes:
    post = {
        "channel": "mastodon",
        "id": f"w-{n}",
        "text": f"Kestrel post {n}",
        "created_at": "2026-11-20T11:00:00Z",
        "author": {"handle": f"user{n}@example.social"},
    }
    return (json.dumps(post) + "\n").encode()


async def test_batches_in_workers_store_every_line_once_however_often_the_file_comes(
    inbox: Inbox, target: str | Path
) -> None:
    lines = [_line(n) for n in range(1, 14)]  # batches of 4: three to the workers
    first = await ingest_stream(inbox, lines, batch_size=4)
    assert (first.stored, first.duplicates) == (13, 0)
    again = await ingest_stream(inbox, lines, batch_size=4)
    assert (again.stored, again.duplicates) == (0, 13)
    stored = rows(target, "SELECT external_id FROM mentions ORDER BY id")
    assert stored == [(f"w-{n}",) for n in range(1, 14)]


async def test_when_workers_cannot_start_the_batches_are_read_here_and_stored_once(
    inbox: Inbox, target: str | Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process pool breaks when its workers cannot start (a script without the
    # `if __name__ == "__main__"` guard, a process limit): the batches then go to the
    # event loop's threads, several at once, each looking up what is stored on its own.
    def broken(self: WorkerPool) -> None:
        raise BrokenProcessPool("a worker could not start")

    monkeypatch.setattr(WorkerPool, "_executor", broken)
    lines = [_line(n) for n in range(1, 14)]
    first = await ingest_stream(inbox, lines, batch_size=2)
    assert (first.stored, first.duplicates, first.errors) == (13, 0, [])
    again = await ingest_stream(inbox, lines, batch_size=2)
    assert (again.stored, again.duplicates) == (0, 13)
    stored = rows(target, "SELECT external_id FROM mentions ORDER BY id")
    assert stored == [(f"w-{n}",) for n in range(1, 14)]
