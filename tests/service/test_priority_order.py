"""`o`: the list by priority over a real database, paged by key (no OFFSET walk), taking
in arrivals and snoozes with every position and count right."""

from __future__ import annotations

import random

import pytest

from scrm_tui.core.models import Channel, CustomerIn, Order
from scrm_tui.core.query import Query, parse
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.window import StreamWindow
from tests.conftest import mention

TEXTS = [
    "Kestrel is lovely",
    "Why is Kestrel sync broken again?",
    "Kestrel sync is awful, I hate it",
    "Does Kestrel work offline?",
    "meh, Kestrel",
]


def varied(n: int, *, first: int = 0, spread: float = 3000.0, seed: int = 1) -> list:
    """Mentions with priorities all over the range: texts, followers and ages vary."""
    rng = random.Random(seed)
    return [
        mention(
            first + k,
            rng.choice(TEXTS) + f" #{first + k}",
            minutes_ago=rng.uniform(1, spread),
            followers=rng.choice([None, 0, 40, 900, 25_000]),
            handle=f"u{rng.randrange(60)}@example.social",
        )
        for k in range(n)
    ]


async def by_priority(inbox: Inbox, query: Query | None = None) -> list[int]:
    """The whole list in priority order, as one query reads it."""
    rows = await inbox.page_older(query or Query(), None, 100_000, order=Order.PRIORITY)
    return [row.id for row in rows]


def assert_true_to(window: StreamWindow, order: list[int]) -> None:
    assert window.total == len(order)
    for offset, row in enumerate(window.rows):
        assert order[window.lo + offset] == row.id, f"position {window.lo + offset} is wrong"


async def opened(inbox: Inbox, query: Query | None = None) -> StreamWindow:
    window = StreamWindow(inbox, query or Query(), order=Order.PRIORITY, page=10, keep=40)
    await window.start()
    await window.load_count()
    return window


async def test_the_order_is_highest_priority_now_first(inbox: Inbox) -> None:
    await inbox.add_customers(
        [
            CustomerIn(
                name="Big", tier="enterprise", identities=((Channel.MASTODON, "u1@example.social"),)
            )
        ]
    )
    await inbox.ingest(varied(300))
    rows = await inbox.page_older(Query(), None, 1000, order=Order.PRIORITY)
    now = inbox.now_ms()
    step = (await inbox.priorities.weights()).ms_per_point
    shown = [max(0, min(100, round(r.priority - (now - r.created_ms) / step))) for r in rows]
    assert shown == sorted(shown, reverse=True)
    assert len(set(shown)) > 10  # a real spread, not a tie


async def test_keyset_pages_in_priority_order_cover_the_list_exactly(inbox: Inbox) -> None:
    await inbox.ingest(varied(400))
    order = await by_priority(inbox)
    window = await opened(inbox)
    assert window.total == 400
    for start in range(0, 400, 23):  # down the list, page by page
        await window.ensure(start, start + 24)
        assert_true_to(window, order)
    await window.ensure(370, 400)  # the end, by a jump read from the nearer end
    assert_true_to(window, order)
    for start in range(360, 0, -31):  # back up, page by page
        await window.ensure(start, start + 10)
        assert_true_to(window, order)
    await window.ensure(180, 200)  # the middle, by a jump
    assert_true_to(window, order)


@pytest.mark.parametrize(
    "words", ["sync", "123", "sync -hate"], ids=["common", "rare", "common less one"]
)
async def test_a_search_pages_by_priority_too(inbox: Inbox, words: str) -> None:
    """A common word walks the priority index (its matches are dense), a rare one sorts
    its few matches: either way the pages join up into the whole order."""
    await inbox.ingest(varied(300))
    query = parse(words)
    order = await by_priority(inbox, query)
    assert order
    ranked = await inbox.page_older(query, None, 1000, order=Order.NEWEST)
    assert sorted(order) == sorted(row.id for row in ranked)  # the same rows
    window = StreamWindow(inbox, query, order=Order.PRIORITY, page=3, keep=40)
    await window.start()
    await window.load_count()
    await window.ensure(0, len(order))
    assert_true_to(window, order)


@pytest.mark.parametrize("arriving", [5, 400], ids=["a few", "many"])
async def test_arrivals_land_in_their_places_by_priority(inbox: Inbox, arriving: int) -> None:
    """A few arrivals are merged in; many are counted and the list read again around the
    selection. Either way every held row is where the full order has it."""
    await inbox.ingest(varied(300))
    window = await opened(inbox)
    await window.ensure(100, 140)
    selected = window.get(120)
    assert selected is not None
    await inbox.ingest(varied(arriving, first=10_000, seed=2))
    remap = await window.take_arrivals(lambda: [120], span=30)
    assert remap is not None and remap.added == arriving
    order = await by_priority(inbox)
    assert_true_to(window, order)
    assert window.get(remap.index(120)).id == selected.id
    assert remap.index(120) == order.index(selected.id)


async def test_rows_that_leave_and_come_back_keep_the_positions_right(inbox: Inbox) -> None:
    """Snoozing rows above, at and below the selection, then waking some: read again
    around the selection, the window agrees with the full order and the count."""
    await inbox.ingest(varied(300))
    window = await opened(inbox)
    await window.ensure(100, 140)
    order = await by_priority(inbox)
    selected = order[120]
    away = [order[5], order[50], order[119], order[121], order[250]]
    until = inbox.snoozes.read("2h")
    await inbox.snoozes.snooze(away, until)
    remap = await window.resync(lambda: [120], 30, [])
    order = await by_priority(inbox)
    assert len(order) == 295
    assert_true_to(window, order)
    assert window.get(remap.index(120)).id == selected
    assert remap.index(120) == 117  # three of them were above it

    await inbox.snoozes.wake(away[:2])
    came = await inbox.listed_among(Query(), away[:2], window.mark)
    remap = await window.resync(lambda: [117], 30, came)
    order = await by_priority(inbox)
    assert_true_to(window, order)
    assert remap.index(117) == order.index(selected) == 119
    assert remap.arrived_above(0) == 2  # both came back above the list's top row held


async def test_the_selection_is_found_in_either_order(inbox: Inbox) -> None:
    await inbox.ingest(varied(200))
    newest = [row.id for row in await inbox.page_older(Query(), None, 1000)]
    ranked = await by_priority(inbox)
    for mention_id in (newest[0], newest[77], newest[-1]):
        (row,) = await inbox.listed_among(Query(), [mention_id])
        for order, ids in ((Order.NEWEST, newest), (Order.PRIORITY, ranked)):
            at = await inbox.count_before(Query(), row.key_in(order), None, order)
            assert ids[at] == mention_id
