"""A word's first page read from its newest hits: the same rows in the same order as
the list's own order gives them, with a true count, whatever order the mentions were
stored in, and without holding every hit of the word first."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from scrm_tui.core.models import MentionRow, Sentiment
from scrm_tui.core.query import parse
from scrm_tui.core.records import flatten
from scrm_tui.service.inbox import Inbox
from tests.conftest import NOW, fixed_clock, mention

# The store's contract: each test runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_engines

CALM = Sentiment(compound=0.0, pos=0.0, neu=1.0, neg=0.0)
NOW_MS = int(NOW.timestamp() * 1000)
PAGE = 100
# Every hit of a word read whole, to walk the list looking each row up in them.
HOLDS_EVERY_HIT = "IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH"


async def store(db_path: Path, posts: list[tuple[int, str, float]]) -> None:
    """(n, text, minutes ago), stored in this order: ids follow the list, not the times."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        rows = [flatten(mention(n, text, minutes_ago=ago), CALM) for n, text, ago in posts]
        await box.store(rows, offered=len(rows))


async def snooze(db_path: Path, texts: list[str]) -> None:
    async with aiosqlite.connect(db_path) as conn:
        for text in texts:
            await conn.execute(
                "UPDATE mentions SET snoozed_until_ms = ? WHERE text = ?", (NOW_MS + 60_000, text)
            )
        await conn.commit()


async def first_page(db_path: Path, typed: str) -> tuple[list[str], int, list[str]]:
    """The filter's first page (texts), its count, and the statements the page ran."""
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        query = parse(typed)
        upto = await box.max_id(query)
        ran: list[str] = []
        assert box.search_db is not None
        await box.search_db.reader.set_trace_callback(ran.append)
        rows = await box.page_older(query, None, PAGE, upto)
        await box.search_db.reader.set_trace_callback(None)
        return [row.snippet for row in rows], await box.count(query, upto), ran


def in_list_order(rows: list[MentionRow]) -> list[str]:
    return [row.snippet for row in sorted(rows, key=lambda r: (r.created_ms, r.id), reverse=True)]


async def everything(db_path: Path, word: str) -> list[MentionRow]:
    """Every listed mention with `word`, read one by one, as the truth to compare with."""
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        rows = await box.rows(list(range(1, 10_000)))
    return [r for r in rows if word in r.snippet.split() and r.snoozed_until_ms is None]


async def test_a_common_word_lists_its_newest_in_order_with_a_true_count_holding_no_hits(
    db_path: Path,
) -> None:
    """1,200 posts stored roughly in time order (each up to an hour off, as networks
    deliver them), every third with `incident`: the first page is the 100 newest by
    time, in order, the count is all 400, and the page did not read every hit first."""
    posts = [
        (n, f"post {n}" + (" incident" if n % 3 == 0 else ""), n + (n * 37) % 60)
        for n in range(1200)
    ]
    await store(db_path, list(reversed(posts)))
    texts, count, ran = await first_page(db_path, "incident")
    truth = await everything(db_path, "incident")
    assert texts == in_list_order(truth)[:PAGE]
    assert count == len(truth) == 400
    assert not [statement for statement in ran if HOLDS_EVERY_HIT in statement]


async def test_a_late_batch_of_old_posts_leaves_the_newest_first(db_path: Path) -> None:
    """300 old posts with the word stored after the newest ones (an import): the page
    still starts with the newest by time, and the count has them all."""
    posts = [(n, f"post {n}" + (" incident" if n % 3 == 0 else ""), n) for n in range(1200)]
    await store(db_path, list(reversed(posts)))
    await store(db_path, [(n, f"late post {n} incident", 5000 + n) for n in range(1200, 1500)])
    texts, count, _ = await first_page(db_path, "incident")
    truth = await everything(db_path, "incident")
    assert texts == in_list_order(truth)[:PAGE]
    assert texts[0] == "post 0 incident"
    assert count == len(truth) == 700


async def test_a_hit_stored_long_before_the_newest_still_comes_first_when_it_is_newest(
    db_path: Path,
) -> None:
    """The newest post by time was stored first (smallest id), far below the newest
    hits by id: it still heads the page, and the rest follow in time order."""
    posts = [(n, f"post {n}" + (" incident" if n % 2 == 0 else ""), n) for n in range(1, 1200)]
    await store(db_path, [(0, "first stored incident newest of all", 0.5), *reversed(posts)])
    texts, count, _ = await first_page(db_path, "incident")
    truth = await everything(db_path, "incident")
    assert texts[0] == "first stored incident newest of all"
    assert texts == in_list_order(truth)[:PAGE]
    assert count == len(truth)


async def test_snoozed_hits_among_the_newest_leave_the_page_full_and_in_order(
    db_path: Path,
) -> None:
    """Snoozed posts leave the list: with half of the word's newest hits snoozed, the
    page is still the 100 newest awake ones, and the count leaves the snoozed out."""
    posts = [(n, f"post {n} incident", n) for n in range(600)]
    await store(db_path, list(reversed(posts)))
    await snooze(db_path, [f"post {n} incident" for n in range(0, 300, 2)])
    texts, count, _ = await first_page(db_path, "incident")
    truth = await everything(db_path, "incident")
    assert len(texts) == PAGE
    assert texts == in_list_order(truth)[:PAGE]
    assert count == len(truth) == 450


async def test_a_word_with_few_hits_lists_them_all(db_path: Path) -> None:
    posts = [(n, f"post {n}" + (" rare" if n in (3, 400, 999) else ""), n) for n in range(1000)]
    await store(db_path, list(reversed(posts)))
    texts, count, _ = await first_page(db_path, "rare")
    assert texts == ["post 3 rare", "post 400 rare", "post 999 rare"]
    assert count == 3
