"""Live updates on PostgreSQL: another process's commit wakes an inbox through LISTEN, its
bookkeeping sends nothing, and a server that restarts mid-session is told, waited for and
carried on with: nothing written half, nothing lost, nothing stored twice."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg
import pytest

from scrm_tui.service.inbox import Inbox, StoreError
from tests.conftest import fixed_clock, mention
from tests.support.calls import Calls
from tests.support.postgres import Server

ROOT = Path(__file__).resolve().parents[2]
ELSEWHERE = textwrap.dedent(
    """
    import asyncio, sys
    from scrm_tui.service.inbox import Inbox
    from tests.conftest import mention

    async def main(db, op, number):
        async with await Inbox.open(db, "kim") as box:
            if op == "beat":
                await box.presence.store.beat("far-host:1:1", "kim", box.now_ms())
            else:
                await box.ingest([mention(int(number), "stored elsewhere")])

    asyncio.run(main(*sys.argv[1:]))
    """
)


def elsewhere(url: str, op: str, number: int = 0) -> None:
    """Another process opens the database and commits one thing."""
    subprocess.run(
        [sys.executable, "-c", ELSEWHERE, url, op, str(number)], check=True, cwd=ROOT, timeout=120
    )


async def stored(box: Inbox) -> list[str]:
    """The external ids of what the inbox lists, as a user would find them."""
    rows = await box.db.fetch_quick("SELECT external_id FROM mentions ORDER BY id")
    return [str(row[0]).removeprefix("mastodon-") for row in rows]


@pytest.fixture
def url(postgres: Server) -> str:
    return postgres.fresh()


async def test_a_commit_elsewhere_wakes_the_inbox_through_listen(url: str) -> None:
    async with await Inbox.open(url, "tester", fixed_clock) as box:
        await box.notice_changes()
        calls = Calls()
        watch = box.watch_commits(calls)
        try:
            calls.wait_for(1)  # the first look, at once
            assert watch.how == "listen"
            elsewhere(url, "store", 901)
            calls.wait_for(2)
            assert await box.has_changed()
            assert "901" in await stored(box)
        finally:
            watch.close()
        assert not watch.alive


async def test_bookkeeping_sends_no_notification(url: str) -> None:
    """A heartbeat (a commit no inbox shows) wakes nobody; a stored mention does. The
    notifications come in commit order, so what arrives before the marker is all."""
    async with await Inbox.open(url, "kim", fixed_clock) as box:
        with psycopg.connect(url, autocommit=True) as listening:
            listening.execute(b"LISTEN scrm_changes")
            await box.presence.store.beat("far-host:1:1", "kim", box.now_ms())
            listening.execute(b"NOTIFY scrm_changes, 'after the beat'")
            [beat] = [n.payload for n in listening.notifies(timeout=60, stop_after=1)]
            await box.ingest([mention(902, "stored")])
            listening.execute(b"NOTIFY scrm_changes, 'after the mention'")
            stored = [n.payload for n in listening.notifies(timeout=60, stop_after=2)]
        [(seq,)] = await box.db.fetch_quick("SELECT seq FROM change_marks")
    assert beat == "after the beat"  # the heartbeat sent nothing before the marker
    # The mention did, and its notification carries the change mark and nothing else.
    assert stored[0] != "after the mention"
    assert stored[0].isdigit() and int(stored[0]) <= seq


async def test_a_server_restart_is_told_waited_for_and_carried_on_with(
    url: str, postgres: Server
) -> None:
    async with await Inbox.open(url, "tester", fixed_clock) as box:
        await box.ingest([mention(1, "before the restart")])
        await box.notice_changes()
        calls = Calls()
        watch = box.watch_commits(calls)
        try:
            calls.wait_until(lambda: watch.how == "listen")
            postgres.stop("fast")
            try:
                calls.wait_until(lambda: watch.trouble is not None)
                # A write while the server is gone is refused in words, not half done.
                with pytest.raises(StoreError, match="out of reach"):
                    await box.ingest([mention(2, "while it was down")])
                with pytest.raises(StoreError, match="out of reach"):
                    await box.has_changed()
            finally:
                postgres.start()
            calls.wait_until(lambda: watch.trouble is None)
            # The inbox reads again on new connections; the refused write, tried again,
            # is stored once.
            await box.ingest([mention(2, "while it was down")])
            assert await stored(box) == ["1", "2"]
            reached = watch.reached
            elsewhere(url, "store", 903)
            calls.wait_for(4)  # first, gone, back, then this commit
            assert watch.reached == reached  # heard on the same LISTEN, not a reconnect
            assert await box.has_changed()
            assert await stored(box) == ["1", "2", "903"]
        finally:
            watch.close()


async def test_a_transaction_cut_by_the_restart_leaves_nothing_behind(
    url: str, postgres: Server
) -> None:
    async with await Inbox.open(url, "tester", fixed_clock) as box:
        await box.ingest([mention(1, "kept")])
        db = box.db
        with pytest.raises(StoreError, match="out of reach"):
            async with db.transaction() as conn:
                await conn.execute(
                    "UPDATE mentions SET text = 'changed' WHERE external_id = 'mastodon-1'"
                )
                postgres.stop("fast")
                try:
                    # Nothing after the cut runs on a new connection outside the
                    # transaction: the rest of it is refused.
                    await conn.execute(
                        "UPDATE mentions SET text = 'half' WHERE external_id = 'mastodon-1'"
                    )
                finally:
                    postgres.start()
        [(text,)] = await db.fetch_quick(
            "SELECT text FROM mentions WHERE external_id = 'mastodon-1'"
        )
        assert text == "kept"
        async with db.transaction() as conn:  # the next transaction runs as usual
            await conn.execute(
                "UPDATE mentions SET text = 'changed' WHERE external_id = 'mastodon-1'"
            )
        [(text,)] = await db.fetch_quick(
            "SELECT text FROM mentions WHERE external_id = 'mastodon-1'"
        )
        assert text == "changed"


async def test_a_read_snapshot_cut_by_the_restart_ends_and_the_next_read_works(
    url: str, postgres: Server
) -> None:
    async with await Inbox.open(url, "tester", fixed_clock) as box:
        await box.ingest([mention(1, "kept")])
        reader = box.db.reader
        await reader.execute("BEGIN")
        await reader.execute("SELECT count(*) FROM mentions")
        postgres.stop("fast")
        postgres.start()
        # The snapshot went with its connection: its reads, and its COMMIT, say so.
        with pytest.raises(StoreError, match="out of reach"):
            await reader.execute("SELECT count(*) FROM mentions")
        with pytest.raises(StoreError, match="out of reach"):
            await reader.execute("COMMIT")
        # The next read runs on a new connection.
        assert await reader.execute_fetchall("SELECT count(*) FROM mentions") == [(1,)]


async def test_a_server_that_cannot_be_reached_is_told_without_the_password() -> None:
    import socket

    from scrm_tui.store.pg.listen import CommitListener

    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    calls = Calls()
    watch = CommitListener(f"postgresql://scrm:s3cret@127.0.0.1:{port}/scrm", "tester", calls)
    watch.start()
    try:
        calls.wait_until(lambda: watch.trouble is not None)
    finally:
        watch.close()
    assert watch.trouble == "Connection refused"
    assert watch.how == ""  # it never listened


async def test_after_a_restart_the_first_read_and_write_just_work(
    url: str, postgres: Server
) -> None:
    """Connections idle through a restart are found dead by their next statement: a
    read, or a transaction's BEGIN, is tried again on a new connection, unnoticed."""
    async with await Inbox.open(url, "tester", fixed_clock) as box:
        await box.ingest([mention(1, "before")])
        assert await stored(box) == ["1"]
        postgres.stop("fast")
        postgres.start()
        assert await stored(box) == ["1"]
        await box.ingest([mention(2, "after")])
        assert await stored(box) == ["1", "2"]
