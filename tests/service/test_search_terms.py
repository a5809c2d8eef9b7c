"""A search word spelled out as the terms the index holds: the same mentions as the
prefix query FTS5 would merge, without ever running it for a list's page or count;
a common word's page looks rows up one by one; typing a longer word reuses the terms
read for the shorter one, and a term that arrives later is never missed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from scrm_tui.core.models import Order
from scrm_tui.core.query import parse
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.mentions import planner as mentions_module
from tests.conftest import NOW, fixed_clock
from tests.tui.test_search_scale import seed, store_elsewhere

# The store's contract: each test runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_engines

NOW_MS = int(NOW.timestamp() * 1000)
# Many terms under "kes": the word, longer words, a word glued to other letters (one
# token for unicode61), diacritics the index folds away, digits, and near misses.
CORPUS = [
    "kestrel sync is down",
    "Kestrels nesting on the roof",
    "the kestrela fork",
    "KESTRELHQ answered",
    "kestrelのオフラインモード works",
    "Késtrel with an accent",
    "kestrel2 beta is out",
    "kest is short for it",
    "kes and kettle",
    "a kettle, no bird",
    "kestrel's app crashed",
    "Kestrel app review",
    "nothing here",
    "sync outage again",
]
FILTERS = [
    "kes",
    "kest",
    "kestrel",
    "KESTREL",
    "kestrel -kestrels",
    "-kestrel",
    "kestrel sync",
    "kestrel OR kettle",
    '"kestrel app"',
    "kestrel app",
    "kes -(sync OR kettle)",
    "kestrel ch:bsky",
    "késtrel",
]


# Filters with one full-text term: no statement asks FTS5 for a prefix. With several,
# a page that holds every hit holds them as prefixes (cheaper merged once than as
# ORs of many terms); their counts still spell them out.
ONE_TERM = {"kes", "kest", "kestrel", "KESTREL", "-kestrel", "kestrel OR kettle"}
ONE_TERM |= {'"kestrel app"', "kestrel ch:bsky"}


class Statements:
    """The statements a connection runs (bound values written in)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, sql: str) -> None:
        if not sql.startswith("--"):
            self.seen.append(sql)

    def prefixes(self) -> list[str]:
        """Those asking FTS5 for a prefix (`"kes"*`): it merges every term's hits.
        A word with letters beyond ASCII keeps it (its terms are folded by FTS5)."""
        return [sql for sql in self.seen if '"*' in sql and '"késtrel"*' not in sql]

    def vocabulary_reads(self) -> int:
        return sum("WHERE term >=" in sql for sql in self.seen)


@pytest.fixture
async def corpus(db_path: Path) -> AsyncIterator[Inbox]:
    texts = [text for _ in range(40) for text in CORPUS]  # a few pages of each
    await seed(db_path, texts)
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        yield box


async def listed(box: Inbox, typed: str, upto: int | None) -> tuple[list[int], int, int]:
    """(the ids listed, page by page; the capped count; the count) as a list reads them
    up to `upto` (None: as a one-off read, which asks FTS5 for the prefix itself)."""
    query = parse(typed)
    ids: list[int] = []
    key = None
    while True:
        rows = await box.page_older(query, key, 50, upto)
        ids.extend(row.id for row in rows)
        if len(rows) < 50:
            break
        key = rows[-1].key_in(Order.NEWEST)
    return ids, await box.count_capped(query, 10_000, upto), await box.count(query, upto)


async def watched(box: Inbox) -> Statements:
    await box.max_id(parse("x"))  # opens the search connection
    assert box.search_db is not None
    statements = Statements()
    await box.search_db.reader.set_trace_callback(statements)
    return statements


@pytest.mark.parametrize("probing", [False, True], ids=["hits held", "rows probed"])
async def test_a_list_of_a_prefix_word_holds_what_the_prefix_matches(
    corpus: Inbox, monkeypatch: pytest.MonkeyPatch, probing: bool
) -> None:
    if probing:
        # Holding hits made dear: every page of a word found in the sample probes rows.
        monkeypatch.setattr(mentions_module, "_HOLD_MS", 1e6)
    upto = await corpus.max_id()
    expected = {typed: await listed(corpus, typed, None) for typed in FILTERS}
    statements = await watched(corpus)
    probes = []
    for typed in FILTERS:
        statements.seen.clear()
        assert await listed(corpus, typed, upto) == expected[typed], typed
        if typed in ONE_TERM:
            assert statements.prefixes() == [], typed
            probes += [sql for sql in statements.seen if "rowid = m.id" in sql]
    assert bool(probes) is probing
    assert expected["kes"][2] == 40 * 11 and expected["kestrel"][2] == 40 * 9


async def test_typing_a_longer_word_reuses_the_terms_and_sees_a_new_one(
    corpus: Inbox, db_path: Path, tmp_path: Path
) -> None:
    upto = await corpus.max_id()
    statements = await watched(corpus)
    for typed in ("kes", "kest", "kestr", "kestrel"):
        assert await listed(corpus, typed, upto) == await listed(corpus, typed, None)
    assert statements.vocabulary_reads() == 1  # "kes" read the terms; the rest reused them

    # A term no mention had before arrives (another process stores it): the next
    # page up to the new mark lists it, as a fresh read does.
    store_elsewhere(db_path, tmp_path, "kestrelzilla spotted")
    newest = await corpus.max_id()
    statements.seen.clear()
    arrived = await corpus.arrivals(parse("kestrel"), upto, newest, 10)
    assert [row.snippet for row in arrived] == ["kestrelzilla spotted"]
    assert await corpus.tally(parse("kes -sync"), upto, newest, []) == (1, [])
    await corpus.db.reader.set_trace_callback(statements)  # where views count arrivals
    within = (upto, newest)
    assert await corpus.mentions.count_unread(parse("kestrel"), "tester", NOW_MS, within) == 1
    assert statements.prefixes() == []
    ids, capped, count = await listed(corpus, "kestrel", newest)
    assert ids[0] == newest and count == 40 * 9 + 1
    assert (ids, capped, count) == await listed(corpus, "kestrel", None)
    async with await Inbox.open(db_path, "fresh", fixed_clock) as fresh:
        assert (ids, capped, count) == await listed(fresh, "kestrel", newest)
