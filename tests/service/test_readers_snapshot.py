"""A report's read connections (store/readers.py) on either engine: each sees the same
commit, however many are stored meanwhile, and the next report sees the new ones."""

from __future__ import annotations

import pytest

from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import fetch_one
from scrm_tui.store.readers import Readers
from tests.conftest import mention

pytestmark = pytest.mark.both_engines


async def test_a_report_reads_one_commit_on_every_lane(inbox: Inbox) -> None:
    await inbox.ingest([mention(n) for n in range(1, 4)])
    readers = Readers(inbox.db.target)
    try:
        async with readers.snapshot() as lanes:
            first = await fetch_one(lanes[0], "SELECT count(*) FROM mentions")
            await inbox.ingest([mention(4)])  # a commit between the report's two reads
            seen = [await fetch_one(conn, "SELECT count(*) FROM mentions") for conn in lanes]
        assert int(first[0]) == 3
        assert [int(row[0]) for row in seen] == [3] * len(lanes)
        async with readers.snapshot() as lanes:
            after = await fetch_one(lanes[-1], "SELECT count(*) FROM mentions")
        assert int(after[0]) == 4
    finally:
        await readers.close()
    assert readers.connections == 0
