"""What wakes an open inbox, and the counts its header reads without counting."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scrm_tui.core.config import Config
from scrm_tui.core.models import Status
from scrm_tui.core.query import Query, parse
from scrm_tui.core.views import View
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention

# One write, made by another scrm process as it makes it: `agent` opens the database
# and does `op` to mention `mention_id`.
WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from scrm_tui.core.models import Status
    from scrm_tui.service.inbox import Inbox
    from scrm_tui.store.lease import LeaseStore
    from scrm_tui.store.presence import PresenceStore

    async def main(db, agent, op, mention_id):
        async with await Inbox.open(db, agent) as box:
            now = box.now_ms()
            if op == "heartbeat":
                await PresenceStore(box.db).beat(f"{agent}:1:1", agent, now)
            elif op == "lease":
                await LeaseStore(box.db).acquire("collector", f"{agent}:1", now, 30_000)
                await LeaseStore(box.db).renew("collector", f"{agent}:1", now + 1, 30_000)
            elif op == "read":
                await box.set_read([mention_id], True)
            elif op == "unread":
                await box.set_read([mention_id], False)
            elif op == "done":
                await box.set_status([mention_id], Status.DONE)
            elif op == "source-states":  # a collector's bookkeeping of its polls
                from scrm_tui.store.sources import SourceStateStore
                states = SourceStateStore(box.db)
                await states.fetching("hn:kestrel", "hackernews", since_ms=now, now_ms=now)
                await states.succeeded("hn:kestrel", "hackernews", cursor="7", stored=1, now_ms=now)
                await states.failed("hn:x", "hackernews", error="500", state="backoff",
                                    until_ms=now + 60_000, now_ms=now)
                await states.stopped_fetching()
            elif op == "rematch-progress":  # a re-match saying how far it is, then done
                from scrm_tui.store.linking import LinkStore
                await LinkStore(box.db).advance_rematch(1, mention_id, now)
                await LinkStore(box.db).finish_rematch(1)
            elif op == "match-nobody":  # the matcher looked at an author, found no one
                from scrm_tui.store.db import fetch_one
                from scrm_tui.store.linking import LinkStore, MatchOutcome
                row = await fetch_one(
                    box.db.reader, "SELECT author_id FROM mentions WHERE id = ?", (mention_id,)
                )
                await LinkStore(box.db).record_matches([MatchOutcome(row[0], "none", ())], now)
            elif op == "index-customers":  # the matcher's index brought up to date
                assert await box.linker.refresh_index() == 1
            elif op == "store":
                from tests.conftest import mention
                await box.ingest([mention(900, "stored elsewhere", minutes_ago=0)])
            elif op == "store-hn":  # mention_id: which one
                from scrm_tui.core.models import Channel
                from tests.conftest import mention
                text = "a refund please #billing" if mention_id % 2 else "hello"
                await box.ingest([mention(800 + mention_id, text, channel=Channel.HACKERNEWS)])

    db, agent, op, mention_id = sys.argv[1:]
    asyncio.run(main(db, agent, op, int(mention_id)))
    """
)


def elsewhere(db: Path, agent: str, op: str, mention_id: int = 0) -> None:
    subprocess.run(
        [sys.executable, "-c", WRITER, str(db), agent, op, str(mention_id)],
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )


@pytest.mark.parametrize(
    ("agent", "op", "wakes"),
    [
        ("kim", "heartbeat", False),  # another terminal saying it is still there
        ("kim", "lease", False),  # a collector taking and renewing its lease
        ("kim", "read", False),  # another agent's reads: dana's counts are her own
        ("dana", "read", True),  # dana's own other terminal
        ("kim", "done", True),  # a shared status dana's rows show
        ("kim", "store", True),  # an arrival
        ("kim", "source-states", False),  # a collector recording how its polls went
        ("kim", "rematch-progress", False),  # an import's re-match, page by page
        ("kim", "match-nobody", False),  # an author matched to no customer: no row changes
        ("kim", "index-customers", False),  # customers indexed for matching: none shown
    ],
)
async def test_only_commits_an_inbox_shows_wake_it(
    db_path: Path, agent: str, op: str, wakes: bool
) -> None:
    async with await Inbox.open(db_path, "dana", fixed_clock) as dana:
        await dana.ingest([mention(n) for n in range(3)])
        first = (await dana.page_older(Query(), None, 1))[0]
        if op == "rematch-progress":
            from scrm_tui.store.linking import owe_rematch

            async with dana.db.transaction() as conn:  # as a customer import owes it
                await owe_rematch(conn, dana.now_ms())
        if op == "index-customers":
            async with dana.db.transaction() as conn:  # marked for the index by its trigger
                await conn.execute(
                    "INSERT INTO customers (name, created_ms, updated_ms) "
                    "VALUES ('Ada Quist', 0, 0)"
                )
        await dana.notice_changes()
        assert not await dana.has_changed()
        elsewhere(db_path, agent, op, first.id)
        assert await dana.has_changed() is wakes
        assert not await dana.has_changed()  # told once


class Clock:
    def __init__(self) -> None:
        self.now = fixed_clock()

    def __call__(self) -> float:
        return self.now


async def test_the_header_counts_stay_true_through_reads_snoozes_wake_ups_and_deletes(
    db_path: Path,
) -> None:
    """The header's total and unread count come from counts the database keeps; after
    every kind of write they equal what counting the list finds, for each agent."""
    clock = Clock()
    unread = parse("is:unread")
    async with (
        await Inbox.open(db_path, "dana", clock) as dana,
        await Inbox.open(db_path, "kim", clock) as kim,
    ):

        async def agree() -> None:
            for box in (dana, kim):
                assert await box.stats() == (
                    await box.count(Query()),
                    await box.count(unread),
                )

        await agree()  # nothing stored
        await dana.ingest([mention(n) for n in range(8)])
        ids = [row.id for row in await dana.page_older(Query(), None, 8)]
        await agree()
        await dana.set_read(ids[:4], True)
        await kim.set_read(ids[2:6], True)
        await dana.set_read(ids[:1], True)  # again: no change
        await agree()
        until = dana.snoozes.read("2h")
        await dana.snoozes.snooze([ids[1], ids[5], ids[7]], until)  # read, kim's, unread
        await agree()
        assert (await dana.stats())[0] == 5
        clock.now += 2 * 3600 + 1  # due, not yet woken: listed again
        await agree()
        assert (await kim.stats())[0] == 8
        await kim.snoozes.wake_due()  # woken: unread for everyone again
        await agree()
        await dana.snoozes.snooze([ids[3]], dana.snoozes.read("1h"))
        await kim.set_read([ids[3]], False)
        await kim.set_status([ids[0]], Status.DONE)
        await agree()
        with sqlite3.connect(db_path) as conn:  # a mention deleted, read by both
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("DELETE FROM mentions WHERE id = ?", (ids[4],))
        await agree()
        assert await dana.stats() == (6, 4)  # 8 - a snoozed - a deleted; 2 read


async def test_view_counts_taken_in_by_arrivals_equal_a_recount(db_path: Path) -> None:
    """Mentions stored by another process are added to each view's unread count (only
    they are counted); the counts are what counting every view again finds."""
    views = (
        View("hn", "ch:hn"),
        View("refunds", "refund"),
        View("not refunds", "-refund"),
        View("billing", "#billing"),
        View("typo", "ch:"),  # not a filter: no count, before or after
    )
    async with await Inbox.open(db_path, "dana", fixed_clock) as dana:
        dana.configure(Config(views=views))
        await dana.ingest([mention(n, f"refund {n}" if n % 3 else f"hello {n}") for n in range(9)])
        first = await dana.views.refresh()
        assert first is not None and first[1] == [0, 6, 3, 0, None]
        for round_ in range(3):
            elsewhere(db_path, "kim", "store-hn", round_)
            shown = await dana.views.refresh()
            assert shown is not None
            assert shown[1] == await dana.views.unread(list(views))
        assert shown[1] == [3, 7, 5, 1, None]


async def test_reads_in_another_terminal_move_each_view_count_without_a_recount(
    db_path: Path,
) -> None:
    """dana reads and unreads mentions in a second terminal: each view's unread count in
    this one moves by the mentions read, looked up one by one, and is what counting
    every view again finds."""
    views = (
        View("hn", "ch:hn"),
        View("refunds", "refund"),
        View("not refunds", "-refund"),
        View("typo", "ch:"),  # not a filter: no count, before or after
    )
    async with await Inbox.open(db_path, "dana", fixed_clock) as dana:
        dana.configure(Config(views=views))
        await dana.ingest([mention(n, f"refund {n}" if n % 3 else f"hello {n}") for n in range(9)])
        ids = [row.id for row in await dana.page_older(Query(), None, 9)]
        first = await dana.views.refresh()
        assert first is not None and first[1] == [0, 6, 3, None]
        counting = dana.views._counting
        assert counting is not None
        statements: list[str] = []
        await counting.reader.set_trace_callback(statements.append)
        for mention_id, op in ((ids[0], "read"), (ids[1], "read"), (ids[0], "unread")):
            elsewhere(db_path, "dana", op, mention_id)
            shown = await dana.views.refresh()
            assert shown is not None
            await counting.reader.set_trace_callback(None)
            assert shown[1] == await dana.views.unread(list(views))
            await counting.reader.set_trace_callback(statements.append)
        await counting.reader.set_trace_callback(None)
        assert shown[1][1] + shown[1][2] == 8  # one of the nine read, in the end
        counts = [s for s in statements if "count(*)" in s]
        assert counts and all("m.id > " in s for s in counts)  # each of a mention's id alone
