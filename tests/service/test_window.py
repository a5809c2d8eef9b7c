"""The list window over a real database: positions always agree with the full order."""

from __future__ import annotations

import pytest

from scrm_tui.core.query import Query, parse
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.window import Remap, StreamWindow
from tests.conftest import mention

# The store's contract: each test runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_engines


async def full_order(inbox: Inbox, query: Query | None = None) -> list[int]:
    return [r.id for r in await inbox.page_older(query or Query(), None, 100_000)]


def assert_consistent(window: StreamWindow, order: list[int]) -> None:
    for offset, row in enumerate(window.rows):
        assert order[window.lo + offset] == row.id, f"position {window.lo + offset} is wrong"


async def take(window: StreamWindow, *keep: int, span: int = 30) -> Remap | None:
    """Take in what arrived, as a view whose cursor (then top line) is at `keep`."""
    return await window.take_arrivals(lambda: list(keep or (0,)), span)


async def opened(inbox: Inbox, count: int, **options: int) -> StreamWindow:
    """`count` mentions, 10 + n minutes old, listed in a counted window of page 10."""
    await inbox.ingest([mention(n, minutes_ago=10 + n) for n in range(count)])
    window = StreamWindow(inbox, Query(), page=10, **options)
    await window.start()
    await window.load_count()
    return window


async def interleaved(
    inbox: Inbox, count: int, text: str = "arrived", first: int = 5000
) -> set[int]:
    """`count` mentions dated among the newest 400 of those seeded at 10 + n minutes ago."""
    result = await inbox.ingest(
        [
            mention(first + n, f"{text} {n}", minutes_ago=10.5 + (n * 389.0) / count)
            for n in range(count)
        ]
    )
    return set(result.stored)


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
    window = await opened(inbox, 100, keep=40)
    await window.ensure(0, 30)
    before = window.get(5).id
    # One brand new post, one back-dated into the middle of the loaded rows.
    await inbox.ingest([mention(1000, minutes_ago=0), mention(1001, minutes_ago=10 + 14.5)])
    remap = await take(window, 5)
    assert remap is not None and remap.added == 2
    assert window.total == 102
    assert window.get(0).external_id == "mastodon-1000"
    assert window.get(6).id == before  # shifted down by the one above it
    assert remap.index(5) == 6
    assert_consistent(window, await full_order(inbox))
    # Nothing new: nothing applied, and rows already shown are never duplicated.
    assert await take(window, 5) is None
    assert len({row.id for row in window.rows}) == len(window.rows)


async def test_arrivals_above_a_scrolled_window_move_its_positions(inbox: Inbox) -> None:
    window = await opened(inbox, 200, keep=40)
    await window.ensure(150, 160)
    lo = window.lo
    await inbox.ingest([mention(1000 + n, minutes_ago=0) for n in range(3)])
    remap = await take(window, 155)
    assert window.lo == lo + 3
    assert remap is not None and remap.index(155) == 158 and remap.arrived_above(158) == 3
    assert_consistent(window, await full_order(inbox))


async def test_filtered_window_only_takes_matching_arrivals(inbox: Inbox) -> None:
    await inbox.ingest([mention(n, "nothing to see") for n in range(20)])
    await inbox.ingest([mention(100, "sync is broken", minutes_ago=30)])
    window = StreamWindow(inbox, parse("sync"), page=10)
    await window.start()
    await window.load_count()
    assert window.total == 1
    await inbox.ingest([mention(200, "more sync trouble", minutes_ago=0), mention(201, "cats")])
    remap = await take(window, 0)
    assert remap is not None and remap.added == 1
    assert window.get(0).external_id == "mastodon-200"
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


async def test_a_large_arrival_is_counted_and_read_around_the_kept_row(inbox: Inbox) -> None:
    window = await opened(inbox, 500, keep=200, fold=10)
    await window.ensure(300, 500)
    kept = window.get(495)
    arrived = await interleaved(inbox, 300)
    remap = await take(window, 495, 480)
    order = await full_order(inbox)
    assert remap is not None and remap.added == 300 and window.total == 800
    # The kept row is where the full order puts it, and only the rows around it are held.
    assert remap.index(495) == order.index(kept.id) == window.position_of(kept.id)
    assert len(window.rows) <= 2 * 30 + 1
    assert_consistent(window, order)
    for index in range(window.lo, window.hi):
        assert remap.arrived_above(index) == sum(1 for i in order[:index] if i in arrived)
    # Paging on from there agrees with the full order, and a second look finds nothing.
    await window.ensure(0, 40)
    assert_consistent(window, order)
    assert await take(window, 0) is None


async def test_a_large_arrival_above_moves_the_kept_row_down(inbox: Inbox) -> None:
    window = await opened(inbox, 100, fold=10)
    await inbox.ingest([mention(1000 + n, minutes_ago=n / 100) for n in range(50)])
    remap = await take(window, 0)
    assert remap is not None and window.total == 150
    assert remap.index(0) == 50 and remap.arrived_above(50) == 50
    assert window.lo == 20 and window.covers(20, 81)  # the span either side of it
    assert_consistent(window, await full_order(inbox))


async def test_a_large_arrival_in_a_search_counts_only_its_matches(inbox: Inbox) -> None:
    await inbox.ingest([mention(n, f"sync {n}", minutes_ago=10 + n) for n in range(500)])
    query = parse("sync")
    window = StreamWindow(inbox, query, page=10, fold=10)
    await window.start()
    await window.load_count()
    await window.ensure(480, 500)
    kept = window.get(490)
    await interleaved(inbox, 200, "sync again")
    await interleaved(inbox, 200, "cats", first=9000)
    remap = await take(window, 490)
    order = await full_order(inbox, query)
    assert remap is not None and remap.added == 200 and window.total == 700 == len(order)
    assert remap.index(490) == order.index(kept.id)
    assert_consistent(window, order)


async def test_keys_that_move_far_meanwhile_are_followed(inbox: Inbox) -> None:
    """The view's place is asked for again just before the window changes: if keys took
    it far from where the arrival was read, it is read again around the new place."""
    window = await opened(inbox, 500, keep=1000, fold=10)
    await window.ensure(0, 500)
    moved_to = window.get(20)
    await interleaved(inbox, 300)
    places = iter([[495], [20]])
    remap = await window.take_arrivals(lambda: next(places, [20]), 30)
    order = await full_order(inbox)
    assert remap is not None and remap.index(20) == order.index(moved_to.id)
    assert_consistent(window, order)


async def test_nothing_held_where_the_view_is_still_counts_the_arrival(inbox: Inbox) -> None:
    window = await opened(inbox, 500, fold=10)
    await interleaved(inbox, 300)
    remap = await take(window, 450)  # a jump whose rows are not loaded yet
    assert remap is not None and remap.added == 300 and window.total == 800
    # A few more, old ones, before anything is read there: counted, not put on top.
    await inbox.ingest([mention(9000 + n, minutes_ago=260.5 + n) for n in range(2)])
    remap = await take(window, 450)
    assert remap is not None and remap.added == 2 and window.total == 802
    await window.ensure(0, 30)
    assert_consistent(window, await full_order(inbox))
    await window.ensure(440, 460)
    assert_consistent(window, await full_order(inbox))


async def test_pages_read_between_looks_leave_out_what_has_not_been_counted(
    inbox: Inbox,
) -> None:
    """A page read after a commit but before the window takes it in must not slip the
    new rows in at positions that do not count them."""
    window = await opened(inbox, 200, keep=40)
    await interleaved(inbox, 5)
    await window.ensure(0, 30)
    assert window.total == 200
    assert_consistent(window, [i for i in await full_order(inbox) if i <= window.mark])
    await take(window, 0)
    assert window.total == 205
    assert_consistent(window, await full_order(inbox))
