"""A batch written by ingest: in its order, each mention counted once, duplicates left out."""

from __future__ import annotations

import pytest

from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import fetch_all, fetch_one
from tests.conftest import mention

pytestmark = pytest.mark.both_engines


async def test_a_batch_is_stored_in_its_order_and_counted(inbox: Inbox) -> None:
    # Ids follow the batch's order (the newest first here), whatever the timestamps.
    first = [mention(n) for n in (5, 1, 9, 3)]
    stored = (await inbox.ingest(first)).stored
    rows = await fetch_all(
        inbox.db.reader,
        "SELECT external_id FROM mentions WHERE id IN (?, ?, ?, ?) ORDER BY id",
        stored,
    )
    assert [row[0] for row in rows] == [m.external_id for m in first]
    # A second batch half made of the first: only the new half is stored and counted,
    # and the header's total (kept by the database) is the number of mentions stored.
    result = await inbox.ingest([mention(n) for n in (1, 2, 3, 4)])
    assert (len(result.stored), result.duplicates) == (2, 2)
    total, unread = await inbox.stats()
    counted = await fetch_one(inbox.db.reader, "SELECT count(*) FROM mentions")
    assert total == unread == counted[0] == 6
    # The next batch writes after a batch that was written: nothing is left staged.
    assert len((await inbox.ingest([mention(n) for n in range(10, 20)])).stored) == 10
    assert (await inbox.stats())[0] == 16
