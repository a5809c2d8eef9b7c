"""The list window over a real database: positions always agree with the full order."""

from __future__ import annotations

from scrm_tui.core.query import Query, parse
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.window import StreamWindow
from tests.conftest import mention


async def full_order(inbox: Inbox, query: Query | None = None) -> list[int]:
    return [r.id for r in await inbox.page_older(query or Query(), None, 100_000)]


def assert_consistent(window: StreamWindow, order: list[int]) -> None:
    for offset, row in enumerate(window.rows):
        assert order[window.lo + offset] == row.id, f"position {window.lo + offset} is wrong"


async def test_window_extends_both_ways_and_jumps(inbox: Inbox) -> None:
    await inbox.ingest([mention(n) for n in range(500)])
    order = await full_order(inbox)
    window = StreamWindow(inbox, Query(), page=10, keep=40)
    await window.start()
    assert window.total is None  # a full first page: the count comes separately
    assert await window.load_count() == 500
    await window.ensure(0, 25)
    assert_consistent(window, order)
    await window.ensure(45, 60)  # near the edge: keyset pages, no jump
    assert window.covers(45, 60)
    assert_consistent(window, order)
    assert len(window.rows) <= 40  # trimmed
    await window.ensure(480, 500)  # far: jump, read from the end
    assert window.get(499).id == order[499]
    assert_consistent(window, order)
    await window.ensure(250, 260)
    assert_consistent(window, order)
    await window.ensure(230, 240)  # walking back up with keyset pages
    assert_consistent(window, order)


async def test_small_results_know_their_size_from_the_first_page(inbox: Inbox) -> None:
    await inbox.ingest([mention(n) for n in range(7)])
    window = StreamWindow(inbox, Query(), page=10)
    await window.start()
    assert window.total == 7 and window.size == 7


async def test_arrivals_land_in_order_and_shift_what_is_below(inbox: Inbox) -> None:
    await inbox.ingest([mention(n, minutes_ago=10 + n) for n in range(100)])
    window = StreamWindow(inbox, Query(), page=10, keep=40)
    await window.start()
    await window.load_count()
    await window.ensure(0, 30)
    before = window.get(5).id
    # One brand new post, one back-dated into the middle of the loaded rows.
    await inbox.ingest([mention(1000, minutes_ago=0), mention(1001, minutes_ago=10 + 14.5)])
    arrivals = await window.fetch_arrivals()
    added = window.apply_arrivals(arrivals)
    assert {r.external_id for r in added} == {"mastodon-1000", "mastodon-1001"}
    assert window.total == 102
    assert window.get(0).external_id == "mastodon-1000"
    assert window.get(6).id == before  # shifted down by the one above it
    assert_consistent(window, await full_order(inbox))
    # Nothing new: nothing applied, and rows already shown are never duplicated.
    assert window.apply_arrivals(await window.fetch_arrivals()) == []
    assert window.apply_arrivals(arrivals) == []


async def test_arrivals_above_a_scrolled_window_move_its_positions(inbox: Inbox) -> None:
    await inbox.ingest([mention(n, minutes_ago=10 + n) for n in range(200)])
    window = StreamWindow(inbox, Query(), page=10, keep=40)
    await window.start()
    await window.load_count()
    await window.ensure(150, 160)
    lo = window.lo
    await inbox.ingest([mention(1000 + n, minutes_ago=0) for n in range(3)])
    window.apply_arrivals(await window.fetch_arrivals())
    assert window.lo == lo + 3
    assert_consistent(window, await full_order(inbox))


async def test_filtered_window_only_takes_matching_arrivals(inbox: Inbox) -> None:
    await inbox.ingest([mention(n, "nothing to see") for n in range(20)])
    await inbox.ingest([mention(100, "sync is broken", minutes_ago=30)])
    window = StreamWindow(inbox, parse("sync"), page=10)
    await window.start()
    await window.load_count()
    assert window.total == 1
    await inbox.ingest([mention(200, "more sync trouble", minutes_ago=0), mention(201, "cats")])
    added = window.apply_arrivals(await window.fetch_arrivals())
    assert [r.external_id for r in added] == ["mastodon-200"]
    assert window.total == 2
    # The materialised search now holds the new row too: paging from scratch agrees.
    assert [r.external_id for r in await inbox.page_older(parse("sync"), None, 10)] == [
        "mastodon-200",
        "mastodon-100",
    ]


async def test_replace_refreshes_changed_rows_only(inbox: Inbox) -> None:
    await inbox.ingest([mention(n) for n in range(5)])
    window = StreamWindow(inbox, Query())
    await window.start()
    target = window.get(2)
    await inbox.set_read([target.id], True)
    changed = window.replace(await inbox.rows([r.id for r in window.rows]))
    assert changed == [2]
    assert window.get(2).is_read
