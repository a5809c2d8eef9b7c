"""A report read in lanes: its sections on two connections that see the same commit
while another process keeps committing, a read given up stopped inside SQLite on its
own connections (never anyone else's), and every connection closed after."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import aiosqlite
import pytest

from scrm_tui.core.figures import Section
from scrm_tui.core.ranges import Range, parse_range
from scrm_tui.service import report
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.measures import Settings
from scrm_tui.store.db import fetch_one
from scrm_tui.store.readers import Readers
from tests.conftest import mention

ROOT = Path(__file__).resolve().parents[2]

# Another process storing one mention per commit, through the inbox (rollups, change
# marks and all), until the stop file appears.
_WRITER = """
import asyncio, sys
from pathlib import Path
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention

async def main(db, stop):
    async with await Inbox.open(db, "writer", fixed_clock) as box:
        n = 0
        while not stop.exists():
            await box.ingest([mention(50_000 + n, "Kestrel again", minutes_ago=5)])
            n += 1
            if n == 1:
                print("writing", flush=True)

asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2])))
"""

# A statement that runs until it is interrupted.
ENDLESS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"


@contextmanager
def writing(db: Path) -> Iterator[None]:
    """While inside, another process commits a mention after another."""
    stop = db.with_suffix(".stop")
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(db), str(stop)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        assert child.stdout.readline().strip() == "writing"
        yield
    finally:
        stop.touch()
        child.wait(timeout=60)
        child.stdout.close()


def open_files(db: Path) -> int:
    """This process's connections to the database: each holds its -wal file open. (The
    main file's descriptor is no measure: SQLite keeps a closed connection's open
    while another connection of the process holds a lock on the file.)"""
    wal = f"{db}-wal"
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with suppress(OSError):
            count += os.readlink(f"/proc/self/fd/{fd}") == wal
    return count


async def test_two_lanes_see_one_commit_while_another_process_writes(
    inbox: Inbox, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Awareness on one connection, the team on the other: the team's "mentions in the
    range" is always the awareness section's count, whatever was committed between
    the two BEGINs."""
    await inbox.ingest([mention(n, minutes_ago=n * 7) for n in range(40)])
    monkeypatch.setattr(report, "SECTIONS", (report._awareness, report._team))
    seen: set[int] = set()
    agreed = 0
    readers = Readers(db_path)
    try:
        with writing(db_path):
            for _ in range(40):
                period = parse_range("24h", inbox.now_ms())
                built = await report.build(inbox.db, period, with_rising=False)
                volume = built.figure("awareness.volume").value
                rate = dict(built.figure("team.response_rate").inputs)
                assert rate["mentions"] == f"{volume:,}"
                seen.add(int(volume or 0))
                async with readers.snapshot() as conns:
                    count = "SELECT count(*) FROM mentions"
                    counts = [(await fetch_one(c, count))[0] for c in conns]
                    assert len(set(counts)) == 1
                    agreed += len(conns) == 2
    finally:
        await readers.close()
    assert len(seen) > 1  # the writer committed while reports were read
    assert agreed > 0  # and the lanes did agree on two connections, not only on one


async def test_a_report_given_up_stops_inside_sqlite_and_closes_its_connections(
    inbox: Inbox, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read replaced by the next range key: its statement, however long, stops at
    its next step, and its connections close; left to run, this one never would."""
    await inbox.ingest([mention(n) for n in range(5)])
    began = asyncio.Event()

    async def endless(
        conn: aiosqlite.Connection, period: Range, settings: Settings, now_ms: int
    ) -> Section:
        began.set()
        await conn.execute(ENDLESS)
        raise AssertionError("the endless statement ended on its own")

    monkeypatch.setattr(report, "SECTIONS", (report._awareness, endless))
    before = open_files(db_path)
    readers = Readers(db_path)

    async def read() -> list[Section]:
        sections = report.read_sections(readers, parse_range("7d", inbox.now_ms()), Settings(), 0)
        return [section async for section in sections]

    task = asyncio.create_task(read())
    await began.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await readers.close()  # waits for the interrupted statement to return
    assert readers.connections == 0 and open_files(db_path) == before
    # The next read, on connections of its own, is whole.
    monkeypatch.setattr(report, "SECTIONS", (report._awareness,))
    built = await report.build(inbox.db, parse_range("7d", inbox.now_ms()), with_rising=False)
    assert built.figure("awareness.volume").value == 5
    assert open_files(db_path) == before


async def _cut_at(steps: int, read: AsyncIterator[Section]) -> bool:
    """Read until `steps` turns of the event loop have passed: True if it finished."""
    task = asyncio.ensure_future(_drain(read))
    for _ in range(steps):
        if task.done():
            break
        await asyncio.sleep(0)  # one turn of the loop, to cut the read at every step
    if task.done():
        await task
        return True
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
    return False


async def _drain(read: AsyncIterator[Section]) -> None:
    async for _ in read:
        pass


async def test_a_report_cut_short_at_any_step_leaves_the_next_whole(
    inbox: Inbox, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A range key can come at any moment of a read (while a connection opens, while
    the lanes agree on a commit, mid-section): the next read, on the same pool, is
    whole each time, and no connection is left open behind."""
    await inbox.ingest([mention(n, minutes_ago=n * 30) for n in range(60)])
    monkeypatch.setattr(report, "SECTIONS", (report._awareness, report._team))
    period = parse_range("90d", inbox.now_ms())
    whole = await report.build(inbox.db, period, with_rising=False)
    before = open_files(db_path)
    readers = Readers(db_path)
    try:
        steps = 0
        while not await _cut_at(steps, report.read_sections(readers, period, Settings(), 0)):
            steps += 1
            read = [s async for s in report.read_sections(readers, period, Settings(), 0)]
            again = report.Report(period, period.previous(), tuple(read))
            for key in ("awareness.volume", "team.response_rate"):
                assert again.figure(key) == whole.figure(key)
        assert steps > 5  # it was cut at several steps before one read ended
    finally:
        await readers.close()
    assert open_files(db_path) == before


async def test_awareness_s_cheap_figures_come_first_and_equal_the_whole_section_s(
    inbox: Inbox, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard's first paint: the volume and the moods while the distinct authors
    are counted, which are pending (None, never 0) until the whole section comes."""
    await inbox.ingest([mention(n, minutes_ago=n * 30) for n in range(60)])
    release = asyncio.Event()

    async def slow(conn: aiosqlite.Connection, period: Range, s: Settings, now: int) -> Section:
        await release.wait()  # the distinct authors of 90 days at a million mentions
        return await report._awareness(conn, period, s, now)

    monkeypatch.setattr(report, "SECTIONS", (slow, report._team))
    monkeypatch.setitem(report.PREVIEWS, slow, report._awareness_preview)
    period = parse_range("7d", inbox.now_ms())
    readers = Readers(db_path)
    try:
        read = report.read_sections(readers, period, Settings(), 0, previews=True)
        got = [await anext(read)]
        release.set()
        got += [item async for item in read]
    finally:
        await readers.close()
    preview, whole, team = got
    assert isinstance(preview, report.Preview) and isinstance(whole, Section)
    assert team.key == "team"
    assert preview.pending == {"awareness.authors", "awareness.reach"}
    assert preview.tables_pending == ("By network", "Top authors by reach")
    for cheap, figure in zip(preview.section.figures, whole.figures, strict=True):
        if cheap.key in preview.pending:
            assert cheap.value is None and figure.value is not None
        else:
            assert cheap == figure
    assert preview.section.series == whole.series
