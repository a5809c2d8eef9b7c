"""What is read and stored is capped, the cap is said where it happens, and the whole
text stays available to export: a line over 8 MB is a bad line never held in memory;
a mention over 65,536 characters is stored cut, with its whole text kept aside."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tracemalloc
from pathlib import Path

import pytest

from scrm_tui.core.records import TEXT_LIMIT
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.ingest import MAX_LINE_BYTES, LineError, ingest_stream
from tests.conftest import fixed_clock, mention
from tests.e2e.test_cli import GOOD, scrm
from tests.support.tui import detail_text, running

pytestmark = pytest.mark.xdist_group("subprocess")

LONG = "".join(f"word{n} " for n in range(20_000))[:100_000]  # 100,000 characters


def line(n: int, **changes: object) -> bytes:
    return (json.dumps({**GOOD, "id": str(n), **changes}) + "\n").encode()


async def test_a_50_mb_line_is_a_bad_line_and_never_held_whole(
    db_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "big.jsonl"
    huge = line(2, text="x" * (50 * 2**20))
    source.write_bytes(line(1) + huge + line(3))
    errors: list[LineError] = []
    async with await Inbox.open(db_path, "tester", fixed_clock) as inbox:
        tracemalloc.start()
        try:
            with open(source, "rb") as stream:
                report = await ingest_stream(inbox, stream, on_error=errors.append)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert [str(e) for e in errors] == [f"line 2: longer than 8 MB ({len(huge):,} bytes): skipped"]
    assert report.stored == 2
    # Read past in pieces: never the 50 MB line, about twice the limit at most (the
    # read buffer and the piece read from it).
    assert peak < 3 * MAX_LINE_BYTES, f"{peak:,} bytes"


def test_a_line_over_the_limit_on_a_pipe_is_named_and_the_rest_stored(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    over = json.dumps({**GOOD, "id": "2", "text": "y" * (MAX_LINE_BYTES + 10)})
    stdin = "\n".join([line(1).decode().strip(), over, line(3).decode().strip()]) + "\n"
    result = scrm("--db", str(db), "ingest", "-", stdin=stdin)
    assert f"stdin: line 2: longer than 8 MB ({len(over) + 1:,} bytes): skipped" in result.stderr
    assert "2 stored, 0 already known, 1 bad lines" in result.stderr


def test_a_long_mention_is_stored_cut_and_exported_whole(tmp_path: Path) -> None:
    db, source = tmp_path / "x.db", tmp_path / "in.jsonl"
    source.write_bytes(line(1, text=LONG) + line(2))
    result = scrm("--db", str(db), "ingest", str(source))
    assert result.returncode == 0, result.stderr
    assert (
        "1 text over 65,536 characters: stored cut for the inbox, whole for "
        "`scrm export mentions`" in result.stderr
    )
    with sqlite3.connect(db) as conn:
        rows = dict(
            conn.execute("SELECT external_id, length(text) FROM mentions ORDER BY external_id")
        )
        lengths = dict(conn.execute("SELECT external_id, text_length FROM mentions"))
    assert rows == {"1": TEXT_LIMIT, "2": len(GOOD["text"])}  # type: ignore[arg-type]
    assert lengths == {"1": 100_000, "2": None}

    exported = scrm("--db", str(db), "export", "mentions")
    texts = {r["id"]: r["text"] for r in map(json.loads, exported.stdout.splitlines())}
    assert texts["1"] == LONG and texts["2"] == GOOD["text"]
    as_csv = scrm("--db", str(db), "export", "mentions", "--format", "csv")
    cells = {r["id"]: r["text"] for r in csv.DictReader(io.StringIO(as_csv.stdout))}
    assert cells["1"] == LONG


async def test_the_reading_pane_says_a_listened_mention_was_cut(db_path: Path) -> None:
    # Stored as a listening source stores what it fetched: through Inbox.ingest.
    async with await Inbox.open(db_path, "collector", fixed_clock) as box:
        await box.ingest([mention(1, "start " + LONG)])
        detail = await box.detail(await box.max_id())
    assert detail is not None and len(detail.text) == TEXT_LIMIT
    assert detail.full_length == 100_006
    async with running(db_path, (100, 30)) as pilot:
        shown = " ".join(detail_text(pilot).split())
    assert "cut at 65,536 of 100,006 characters; `scrm export mentions` has it all" in shown
