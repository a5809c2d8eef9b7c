"""The store: pragmas, migrations, idempotent ingest, queries; what holds on either engine is
marked both_engines, what is about the SQLite file (pragmas, its lock) stays on SQLite."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path

import pytest

from scrm_tui.core.models import Channel, Status
from scrm_tui.core.query import Query, parse
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import Database, StoreError
from scrm_tui.store.schema import LATEST_VERSION
from tests.conftest import fixed_clock, mention
from tests.support import plain


async def test_file_is_wal_with_foreign_keys_and_busy_timeout(inbox: Inbox, db_path: Path) -> None:
    for conn in (inbox.db.reader, inbox.db.writer):
        async with conn.execute("PRAGMA journal_mode") as c:
            assert (await c.fetchone())[0] == "wal"
        async with conn.execute("PRAGMA foreign_keys") as c:
            assert (await c.fetchone())[0] == 1
    async with inbox.db.reader.execute("PRAGMA busy_timeout") as c:
        assert (await c.fetchone())[0] >= 1000
    # The writer asks for the write lock again and again, in turn, each ask short
    # (tests/e2e/test_write_turns.py): never one 5-s wait in SQLite's slow-polling handler.
    async with inbox.db.writer.execute("PRAGMA busy_timeout") as c:
        assert 0 < (await c.fetchone())[0] < 100
    assert await inbox.db.schema_version() == LATEST_VERSION
    # Another program sees the same schema in the same file.
    with sqlite3.connect(db_path) as other:
        tables = {r[0] for r in other.execute("SELECT name FROM sqlite_master")}
    assert {"mentions", "authors", "interactions", "customers", "mentions_fts"} <= tables


@pytest.mark.both_engines
async def test_ingest_twice_stores_once(inbox: Inbox) -> None:
    batch = [mention(n) for n in range(50)]
    first = await inbox.ingest(batch)
    second = await inbox.ingest(batch)
    assert len(first.stored) == 50 and first.duplicates == 0
    assert second.stored == [] and second.duplicates == 50
    assert await inbox.count(Query()) == 50


@pytest.mark.both_engines
async def test_duplicates_inside_one_batch_store_once(inbox: Inbox) -> None:
    result = await inbox.ingest([mention(1), mention(1), mention(2)])
    assert len(result.stored) == 2 and result.duplicates == 1


@pytest.mark.both_engines
async def test_same_id_on_another_channel_is_another_mention(inbox: Inbox) -> None:
    a = mention(1)
    b = mention(1, channel=Channel.BLUESKY)
    object.__setattr__(b, "external_id", a.external_id)
    assert len((await inbox.ingest([a, b])).stored) == 2


@pytest.mark.both_engines
async def test_a_failed_batch_writes_nothing(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> None:
    await inbox.ingest([mention(1)])
    # The mention insert fails after the authors were written: SQLite's executemany, or
    # PostgreSQL's move of the COPYed batch (a statement of its own SQL).
    method = "executemany" if inbox.db.engine == "sqlite" else "execute_native"
    original = getattr(inbox.db.writer, method)

    async def failing(sql: str, *rest):
        if "INSERT INTO mentions" in sql:
            raise sqlite3.OperationalError("disk I/O error")
        return await original(sql, *rest)

    monkeypatch.setattr(inbox.db.writer, method, failing)
    with pytest.raises(sqlite3.OperationalError):
        await inbox.ingest([mention(2, handle="brand-new@example.social")])
    monkeypatch.undo()
    assert (
        plain.value(
            inbox.db.target,
            "SELECT count(*) FROM authors WHERE handle = 'brand-new@example.social'",
        )
        == 0
    )
    assert await inbox.count(Query()) == 1
    # The rolled-back author was not remembered: trying again stores it properly.
    [mid] = (await inbox.ingest([mention(2, handle="brand-new@example.social")])).stored
    detail = await inbox.detail(mid)
    assert detail is not None and detail.row.author_handle == "brand-new@example.social"


async def test_raw_text_is_stored_exactly(inbox: Inbox) -> None:
    text = "NUL\x00 ESC\x1b[2J bidi\u202e [b]markup[/b] 😡"
    [mid] = (await inbox.ingest([mention(1, text)])).stored
    detail = await inbox.detail(mid)
    assert detail is not None and detail.text == text


@pytest.mark.both_engines
async def test_author_profile_follows_the_newest_post(inbox: Inbox) -> None:
    await inbox.ingest([mention(1, minutes_ago=10, handle="k@x.social", name="Old", followers=5)])
    await inbox.ingest([mention(2, minutes_ago=1, handle="K@X.social", name="New", followers=9)])
    await inbox.ingest(
        [mention(3, minutes_ago=50, handle="k@x.social", name="Ancient", followers=1)]
    )
    assert plain.rows(inbox.db.target, "SELECT display_name, followers FROM authors") == [
        ("New", 9)
    ]


@pytest.mark.both_engines
async def test_pages_are_newest_first_and_keyset_continues_without_gaps(inbox: Inbox) -> None:
    await inbox.ingest([mention(n) for n in range(250)])
    seen = []
    key = None
    while True:
        page = await inbox.page_older(Query(), key, 40)
        seen.extend(page)
        if len(page) < 40:
            break
        key = page[-1].sort_key
    assert len(seen) == 250
    assert [r.sort_key for r in seen] == sorted((r.sort_key for r in seen), reverse=True)
    assert seen[0].external_id == "mastodon-0"
    back = await inbox.page_newer(Query(), seen[100].sort_key, 10)
    assert [r.id for r in back] == [r.id for r in seen[90:100]]


@pytest.mark.both_engines
async def test_page_at_reads_the_tail_from_the_end(inbox: Inbox) -> None:
    await inbox.ingest([mention(n) for n in range(300)])
    tail = await inbox.page_at(Query(), 295, 10, total=300)
    assert [r.external_id for r in tail] == [f"mastodon-{n}" for n in range(295, 300)]
    middle = await inbox.page_at(Query(), 100, 3, total=300)
    assert [r.external_id for r in middle] == ["mastodon-100", "mastodon-101", "mastodon-102"]


@pytest.mark.both_engines
async def test_full_text_filter_ignores_case_and_diacritics(inbox: Inbox) -> None:
    await inbox.ingest(
        [
            mention(1, "Sync is BROKEN"),
            mention(2, "naïve question about sync"),
            mention(3, "love the timeline"),
            mention(4, "synchronisation déjà vu"),
        ]
    )
    assert {r.external_id for r in await inbox.page_older(parse("sync"), None, 10)} == {
        "mastodon-1",
        "mastodon-2",
        "mastodon-4",
    }
    assert [r.external_id for r in await inbox.page_older(parse("naive"), None, 10)] == [
        "mastodon-2"
    ]
    assert [r.external_id for r in await inbox.page_older(parse("deja"), None, 10)] == [
        "mastodon-4"
    ]
    assert await inbox.count(parse("sync -broken")) == 2
    assert await inbox.count(parse('"is broken"')) == 1


@pytest.mark.both_engines
async def test_structured_filters(inbox: Inbox) -> None:
    await inbox.ingest(
        [
            mention(1, "I love it, wonderful!"),
            mention(2, "This is terrible and broken", channel=Channel.REDDIT),
            mention(3, "The release is on Tuesday"),
        ]
    )
    rows = {r.external_id: r for r in await inbox.page_older(Query(), None, 10)}
    await inbox.set_status([rows["mastodon-1"].id], Status.DONE)
    await inbox.set_read([rows["mastodon-3"].id], True)
    assert await inbox.count(parse("s:pos")) == 1
    assert await inbox.count(parse("s:neg")) == 1
    assert await inbox.count(parse("s:neu")) == 1
    assert await inbox.count(parse("ch:reddit")) == 1
    assert await inbox.count(parse("is:done")) == 1
    assert await inbox.count(parse("is:open")) == 2
    assert await inbox.count(parse("is:unread")) == 2
    assert await inbox.count(parse("from:user2")) == 1
    assert await inbox.count(parse("🙃")) == 0


@pytest.mark.both_engines
async def test_a_leading_minus_hides_what_the_key_would_show(inbox: Inbox) -> None:
    await inbox.ingest(
        [
            mention(1, "I love it, wonderful!", handle="kate@fosstodon.org"),
            mention(2, "This is terrible and broken", channel=Channel.HACKERNEWS),
            mention(3, "The release is on Tuesday 🙃"),
        ]
    )
    assert await inbox.count(parse("-ch:hn")) == 2
    assert await inbox.count(parse("-s:neg")) == 2
    assert await inbox.count(parse("-is:positive -s:neg")) == 1
    assert await inbox.count(parse("-from:kate")) == 2
    assert await inbox.count(parse('-"terrible and broken"')) == 2
    assert await inbox.count(parse("-🙃")) == 2
    assert await inbox.count(parse("ch:mast -from:kate")) == 1


@pytest.mark.both_engines
async def test_status_change_is_recorded_in_the_history(inbox: Inbox) -> None:
    [mid] = (await inbox.ingest([mention(1)])).stored
    assert await inbox.set_status([mid], Status.DONE) == [mid]
    assert await inbox.set_status([mid], Status.DONE) == []  # no change, no record
    await inbox.set_status([mid], Status.OPEN)
    history = plain.rows(
        inbox.db.target,
        "SELECT kind, actor, CAST(detail AS TEXT) FROM interactions WHERE mention_id = ? "
        "ORDER BY id",
        (mid,),
    )
    assert history == [
        ("status", "tester", '{"from": "open", "to": "done"}'),
        ("status", "tester", '{"from": "done", "to": "open"}'),
    ]


@pytest.mark.both_engines
async def test_read_state_belongs_to_each_agent(target: str | Path) -> None:
    kate = await Inbox.open(target, "kate", fixed_clock)
    omar = await Inbox.open(target, "omar", fixed_clock)
    try:
        [mid] = (await kate.ingest([mention(1)])).stored
        await kate.set_read([mid], True)
        assert (await kate.rows([mid]))[0].is_read
        assert not (await omar.rows([mid]))[0].is_read
        assert await kate.stats() == (1, 0)
        assert await omar.stats() == (1, 1)
    finally:
        await kate.close()
        await omar.close()


@pytest.mark.both_engines
async def test_reply_shows_its_parent(inbox: Inbox) -> None:
    await inbox.ingest([mention(2, "the original", minutes_ago=5)])
    [reply] = (await inbox.ingest([mention(1, "a reply", in_reply_to="mastodon-2")])).stored
    [orphan] = (await inbox.ingest([mention(3, "reply to unknown", in_reply_to="nope")])).stored
    detail = await inbox.detail(reply)
    assert detail is not None and detail.parent is not None
    assert detail.parent.text == "the original"
    lost = await inbox.detail(orphan)
    assert lost is not None and lost.parent is None and lost.in_reply_to == "nope"


@pytest.mark.both_engines
async def test_another_connection_sees_changes_through_the_change_mark(
    target: str | Path,
) -> None:
    viewer = await Inbox.open(target, "viewer", fixed_clock)
    try:
        assert not await viewer.has_changed()
        assert not await viewer.has_changed()
        writer = await Inbox.open(target, "collector", fixed_clock)
        await writer.ingest([mention(1)])
        await writer.close()
        assert await viewer.has_changed()
        assert not await viewer.has_changed()
    finally:
        await viewer.close()


async def test_many_openers_of_a_new_file_at_once_all_succeed(db_path: Path) -> None:
    opened = await asyncio.gather(*(Database.open(db_path) for _ in range(8)))
    for db in opened:
        assert await db.schema_version() == LATEST_VERSION
        await db.close()


async def test_a_newer_schema_is_refused_with_advice(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreError, match="upgrade scrm"):
        await Database.open(db_path)


async def test_a_file_that_is_not_a_database_gets_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable scrm database"):
        await Database.open(bogus)
    assert bogus.read_text().startswith("this is not sqlite")


async def test_a_writer_waits_for_another_process_lock_instead_of_failing(db_path: Path) -> None:
    db = await Database.open(db_path)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    inbox = Inbox(db, "tester", fixed_clock)
    task = asyncio.create_task(inbox.ingest([mention(1)]))
    await asyncio.sleep(0.2)  # the other process holds its lock for a moment
    assert not task.done()
    other.execute("COMMIT")
    other.close()
    assert len((await task).stored) == 1
    await db.close()


async def test_an_older_database_is_migrated_forward_on_open_with_its_data(
    db_path: Path,
) -> None:
    from scrm_tui.store.schema import MIGRATIONS

    with sqlite3.connect(db_path) as old:  # a file made by the first release
        for statement in MIGRATIONS[0][1]:
            old.execute(statement)
        old.execute("PRAGMA user_version = 1")
        old.execute("INSERT INTO customers (name, created_ms, updated_ms) VALUES ('Kate', 1, 1)")
    db = await Database.open(db_path)
    try:
        assert await db.schema_version() == LATEST_VERSION > 1
        async with db.reader.execute("SELECT name, merged_into FROM customers") as cursor:
            assert tuple(await cursor.fetchone()) == ("Kate", None)
        async with db.reader.execute("SELECT count(*) FROM match_rejections") as cursor:
            assert (await cursor.fetchone())[0] == 0
    finally:
        await db.close()


@pytest.mark.both_engines
async def test_the_matched_term_and_thread_root_are_kept_and_shown(inbox: Inbox) -> None:
    from scrm_tui.core.records import parse_mention

    record = {
        "channel": "hackernews",
        "id": "4242",
        "text": "Kestrel's sync is slow",
        "created_at": "2026-11-20T11:00:00Z",
        "author": {"handle": "pg"},
        "in_reply_to": "4241",
        "root": "4000",
        "matched": '"kestrel sync"',
    }
    (mention_id,) = (await inbox.ingest([parse_mention(record)])).stored
    detail = await inbox.detail(mention_id)
    assert detail is not None and detail.matched == '"kestrel sync"'
    assert plain.rows(inbox.db.target, "SELECT root_id FROM mentions") == [("4000",)]


@pytest.mark.both_engines
async def test_a_write_cancelled_while_it_waits_for_the_lock_leaves_no_transaction_open(
    inbox: Inbox, target: str | Path
) -> None:
    """A screen's worker cancelled mid-write (a newer one replaced it) must not leave the
    writer inside a transaction begun after the cancel (SQLite's would hold the file's
    write lock for as long as the process lives; PostgreSQL's the advisory write lock),
    nor a connection that can no longer write."""
    with plain.holding_the_write_lock(target) as waiting_on_it:  # another process writes
        marking = asyncio.ensure_future(inbox.ingest([mention(1)]))
        while not waiting_on_it():
            await asyncio.sleep(0.01)
        marking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await marking
    # The other process is done: on SQLite, BEGIN now succeeds in the thread.

    await inbox.ingest([mention(2)])  # the next write works, and commits
    assert plain.rows(target, "SELECT external_id FROM mentions") == [("mastodon-2",)]
    # ...and holds no lock once done: another process writes at once.
    plain.write_at_once(target, "UPDATE mentions SET assignee = 'dana'")
    assert plain.rows(target, "SELECT assignee FROM mentions") == [("dana",)]


SLOW_READ = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) "
    "SELECT count(*) FROM c"
)


@pytest.mark.both_engines
@pytest.mark.parametrize("read", ["stats", "max_id", "page", "count"])
async def test_a_read_cancelled_while_it_waits_leaves_the_view_of_the_file_current(
    inbox: Inbox, target: str | Path, read: str
) -> None:
    """A screen's read cancelled by a newer one (the cursor moved on) must not leave its
    statement open on the reader: an open statement keeps its old snapshot, and the
    inbox would stop seeing what other processes store, for good."""
    await inbox.ingest([mention(1)])
    reads = {
        "stats": inbox.stats,
        "max_id": inbox.max_id,
        "page": lambda: inbox.page_older(Query(), None, 10),
        "count": lambda: inbox.count(parse("post")),
    }
    busy = asyncio.ensure_future(inbox.db.reader.execute_fetchall(SLOW_READ))
    waiting = asyncio.ensure_future(reads[read]())  # queued behind the slow read
    await asyncio.sleep(0)
    waiting.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await waiting
    await busy

    other = await Inbox.open(target, "collector", fixed_clock)
    await other.ingest([mention(2)])
    await other.close()

    assert await inbox.max_id() == 2
    assert len(await inbox.page_older(Query(), None, 10)) == 2


def test_every_statement_that_returns_rows_is_read_in_one_step() -> None:
    """The rule the test above depends on, for code not written yet: rows are read with
    store.db.fetch_all / fetch_one, never through a cursor that outlives a cancel."""
    import re

    package = Path(__file__).resolve().parents[2] / "scrm_tui"
    cursor_reads = re.compile(r"\.fetch(one|all|many)\(|async with [\w.]+\.execute\(")
    # store/pg/ is the exception that keeps the rule: its connection reads every row of
    # a statement as the statement runs, and hands the store only rows. store/copying.py
    # reads on synchronous connections of its own, which no task cancels.
    found = [
        f"{path.relative_to(package)}:{number}"
        for path in package.rglob("*.py")
        if "pg" not in path.relative_to(package).parts[:2]
        and path.relative_to(package).as_posix() != "store/copying.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if cursor_reads.search(line)
    ]
    assert found == []
