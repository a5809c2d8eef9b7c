"""A list's counts, the same on both engines and true against the mentions stored: a
filter's capped count (what the top line shows first: the count, or "at least" the
cap; PostgreSQL reads a word's hits from the index's table alone, and falls back to the
joined count when snoozed hits could bring the listed below the cap), and the whole
list's count up to its mark (PostgreSQL: from the count the database keeps)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from scrm_tui.core.models import Sentiment
from scrm_tui.core.query import parse
from scrm_tui.core.records import flatten
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.support import plain

pytestmark = pytest.mark.both_engines

CALM = Sentiment(compound=0.0, pos=0.0, neu=1.0, neg=0.0)


def text(n: int) -> str:
    """Mention n's text: of 60, "kestrel" says 38 and "kestrels" 5, "outage" 11, "zephyr" 3."""
    if n % 20 == 7:
        return "zephyr seen once"
    if n % 12 == 5:
        return "kestrels nesting"
    said = "outage" if n % 5 == 0 else "works"
    return f"kestrel sync {said}" if n % 3 != 2 else f"nothing {said}"


TEXTS = [text(n) for n in range(60)]


@pytest.fixture
async def box(target: str | Path) -> AsyncIterator[Inbox]:
    async with await Inbox.open(target, "tester", fixed_clock) as inbox:
        rows = [flatten(mention(n, text), CALM) for n, text in enumerate(TEXTS)]
        await inbox.store(rows, offered=len(rows))
        yield inbox


def listed(target: str | Path, word: str, now_ms: int, upto: int | None = None) -> int:
    """Mentions listed whose text has a word starting with `word` (a filter's word is a
    prefix), counted in plain Python over the rows: not snoozed past now, id <= upto."""
    with plain.connect(target) as conn:
        rows = conn.execute("SELECT id, text, snoozed_until_ms FROM mentions").fetchall()
    return sum(
        1
        for id_, text, snoozed in rows
        if any(part.startswith(word) for part in text.lower().split())
        and (snoozed is None or snoozed <= now_ms)
        and (upto is None or id_ <= upto)
    )


async def test_capped_counts_are_the_listed_count_up_to_the_cap(
    box: Inbox, target: str | Path
) -> None:
    now = box.now_ms()
    for word, cap in (("zephyr", 10), ("outage", 10), ("outage", 30), ("kestrel", 20)):
        truth = listed(target, word, now)
        assert truth > 0
        assert await box.count_capped(parse(word), cap) == min(truth, cap), (word, cap)
        assert await box.count(parse(word)) == truth
    assert await box.count_capped(parse("nowhere"), 10) == 0


async def test_snoozed_hits_are_not_counted_below_or_at_the_cap(
    box: Inbox, target: str | Path
) -> None:
    with plain.connect(target) as conn:
        rows = conn.execute("SELECT id, text FROM mentions ORDER BY id").fetchall()
    ids = [id_ for id_, said in rows if said.startswith("kestrel sync")]
    assert len(ids) == 38
    until = box.snoozes.read("tomorrow 9:00")
    await box.snoozes.snooze(ids[:28], until)  # 38 kestrel + 5 kestrels: 15 listed
    now = box.now_ms()
    truth = listed(target, "kestrel", now)
    assert truth == 15
    # The hits reach each cap; the snoozed bring the listed under the first two.
    for cap in (20, 16, 15, 10):
        assert await box.count_capped(parse("kestrel"), cap) == min(truth, cap), cap
    assert await box.count(parse("kestrel")) == truth
    # Bounded by an id (the list's mark): only the mentions stored up to it.
    upto = ids[10]
    assert await box.count_capped(parse("kestrel"), 100, upto) == listed(
        target, "kestrel", now, upto
    )


async def test_the_whole_list_is_counted_up_to_its_mark(box: Inbox, target: str | Path) -> None:
    """The unfiltered list's count (PostgreSQL: from the count the database keeps, less
    the mentions stored after the list's mark) against the rows, snoozed left out."""
    with plain.connect(target) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM mentions ORDER BY id").fetchall()]
    await box.snoozes.snooze(ids[5:12], box.snoozes.read("tomorrow 9:00"))
    more = [flatten(mention(100 + n, f"later {n}"), CALM) for n in range(4)]
    await box.store(more, offered=len(more))  # stored after the mark below
    now = box.now_ms()
    with plain.connect(target) as conn:
        rows = conn.execute("SELECT id, snoozed_until_ms FROM mentions").fetchall()
    for upto in (None, ids[-1], ids[20]):
        truth = sum(
            1
            for id_, snoozed in rows
            if (snoozed is None or snoozed <= now) and (upto is None or id_ <= upto)
        )
        assert await box.count(parse(""), upto) == truth, upto
        assert await box.count_capped(parse(""), 10_000, upto) == truth, upto
    assert await box.count(parse(""), ids[-1]) == len(ids) - 7
