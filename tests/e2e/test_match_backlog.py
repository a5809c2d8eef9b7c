"""A big backlog of customers to index (an import, an upgrade that marked them all) is
indexed in the background with its progress shown, and nobody waits for it: matching and
customer search find the customers still waiting, and authors stored meanwhile are
matched once it is done."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from scrm_tui.service.inbox import Inbox
from scrm_tui.service.linking import REMATCH_LEASE
from scrm_tui.ui.dialogs.find_customer import FindCustomerScreen
from scrm_tui.ui.screens.inbox import InboxScreen
from tests.conftest import fixed_clock, mention
from tests.fakes.replay import Replay, rss_feed
from tests.service.test_rematch import names
from tests.support.killing import count, kill_and_check_group, running, scrm_command, wait_for
from tests.support.tui import running as app_running
from tests.support.tui import static_text, wait_until
from tests.tui.test_customer_tui import options

N = 2000  # customers waiting: well past what is indexed before a match (500)
WAITING = "SELECT count(*) FROM match_dirty"


def seed_customers(db: Path, n: int = N) -> None:
    """`n` customers written straight into the file, as an upgrade or another program
    leaves them: marked for the index by the triggers, none indexed yet."""
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO customers (name, created_ms, updated_ms) VALUES (?, 0, 0)",
            [(name,) for name in names(n)],
        )
        conn.execute(
            "INSERT INTO identities (customer_id, channel, handle, handle_key, source, "
            "created_ms) VALUES (?, 'mastodon', 'zq@quarter.social', 'zq@quarter.social', "
            "'test', 0)",
            (n - 1,),
        )


async def test_a_customer_waiting_to_be_indexed_is_suggested_without_waiting(
    db_path: Path,
) -> None:
    async with await Inbox.open(db_path, "agent", fixed_clock):
        pass
    seed_customers(db_path)
    who = names(N)[1500]
    async with await Inbox.open(db_path, "agent", fixed_clock) as box:
        await box.ingest([mention(1, handle="someone@else.social", name=who)])
        author = await box.linker.author(1)
        assert author is not None
        found = await box.linker.candidates(author)
        assert who in [s.customer.name for s in found]
    assert count(db_path, WAITING) == N  # answered while every one still waits


async def test_search_finds_a_customer_still_waiting_to_be_indexed(db_path: Path) -> None:
    async with await Inbox.open(db_path, "agent", fixed_clock):
        pass
    seed_customers(db_path)
    who = names(N)[1700]
    async with await Inbox.open(db_path, "agent", fixed_clock) as box:
        assert await box.linker.indexing()  # the search screen says results may be partial
        hits = await box.linker.search(who)
        assert hits[0].customer.name == who
        handle = await box.linker.search("zq@quarter.social")
        assert handle[0].customer.id == N - 1
    assert count(db_path, WAITING) == N


async def test_authors_stored_during_a_backlog_are_matched_once_it_is_indexed(
    db_path: Path,
) -> None:
    async with await Inbox.open(db_path, "agent", fixed_clock):
        pass
    seed_customers(db_path)
    people = names(N)
    async with await Inbox.open(db_path, "agent", fixed_clock) as box:
        await box.ingest([mention(i, handle=f"u{i}@x.social", name=people[i]) for i in range(5)])
        assert count(db_path, "SELECT count(*) FROM authors WHERE matched_ms IS NULL") == 5
        assert await box.linker.rematch_owed()
        indexing: list[tuple[int, int]] = []
        await box.linker.resume_rematch(on_indexing=lambda *p: indexing.append(p))
        assert indexing[-1] == (N, N) and len(indexing) > 1  # page by page
        assert not await box.linker.rematch_owed()
    assert count(db_path, WAITING) == 0
    assert count(db_path, "SELECT count(*) FROM authors WHERE matched_ms IS NULL") == 0
    assert count(db_path, "SELECT count(*) FROM authors WHERE match_state = 'suggested'") == 5


def watch_config(folder: Path, server: Replay) -> Path:
    """A config whose one source is an empty feed on `server`: a watch that runs."""
    server.route("/feed.xml", body=rss_feed([]))
    config = folder / "config.toml"
    config.write_text(
        '[watch]\nterms = "kestrel"\n[sources.rss]\n'
        f'feeds = [{{ name = "news", url = "{server.url("/feed.xml")}" }}]\n',
        encoding="utf-8",
    )
    return config


def test_watch_indexes_customers_and_finishes_an_owed_rematch(tmp_path: Path) -> None:
    db = tmp_path / "scrm.db"
    with sqlite3.connect(db):
        pass
    with Replay() as server:
        config = watch_config(tmp_path, server)
        command = scrm_command("--db", str(db), "--config", str(config), "watch")
        # The schema first (a short watch), then customers and an owed re-match.
        with running([*command, "--once"]) as proc:
            proc.wait()
        seed_customers(db)
        with sqlite3.connect(db) as conn:
            conn.execute(
                "INSERT INTO authors (channel, handle, handle_key, display_name, profile_ms, "
                "matched_ms) VALUES ('mastodon', 'a@b.c', 'a@b.c', ?, 0, 0)",
                (names(N)[42],),
            )
            conn.execute("INSERT INTO pending_work VALUES ('rematch', 1, 0, 0, 0)")
        with running(command) as proc:
            wait_for(
                "the re-match done", lambda: count(db, "SELECT count(*) FROM pending_work") == 0
            )
            assert kill_and_check_group(proc, signal.SIGTERM) == 0
            out = proc.stdout.read() if proc.stdout else ""
    assert "indexing customers: 10%, 250/2,000 customers" in out
    assert "indexing customers: 100%, 2,000/2,000 customers" in out
    assert "re-matching authors: 100%, 1/1 authors" in out
    assert count(db, WAITING) == 0
    assert count(db, "SELECT count(*) FROM match_suggestions") > 0


async def test_customer_search_finds_one_waiting_and_says_the_index_is_not_ready(
    db_path: Path,
) -> None:
    async with await Inbox.open(db_path, "agent", fixed_clock) as box:
        await box.ingest([mention(1)])
        # Another machine's process is indexing them (it holds the work's lease).
        assert await box.linker.leases.acquire(
            REMATCH_LEASE, "elsewhere:1", int(time.time() * 1000), 3_600_000
        )
    seed_customers(db_path)
    who = names(N)[1700]
    async with app_running(db_path, size=(100, 30)) as pilot:
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FindCustomerScreen))
        await pilot.press(*who)
        await wait_until(
            pilot,
            lambda: (
                who in options(pilot)[0]
                and "still being indexed" in static_text(pilot, "#find-message")
            ),
        )
    assert count(db_path, WAITING) == N


def test_a_killed_catch_up_leaves_no_worker_behind_and_the_next_run_finishes_it(
    tmp_path: Path,
) -> None:
    db = tmp_path / "scrm.db"
    many = 20_000
    asyncio.run(_schema(db))
    seed_customers(db, many)
    one = tmp_path / "one.csv"
    one.write_text("id,name\nC-1,Ingrid Quist\n", encoding="utf-8")
    indexed = "SELECT n FROM match_population"
    command = scrm_command("--db", str(db), "customers", "import", str(one))
    with running(command) as proc:
        wait_for("indexing under way", lambda: count(db, indexed) > 0)
        # Killed outright: its worker processes see it gone and end too.
        kill_and_check_group(proc, signal.SIGKILL)
    assert 0 < count(db, WAITING) < many + 1
    with running(command) as proc:
        assert proc.wait() == 0
    assert count(db, WAITING) == 0
    assert count(db, indexed) == many + 1


def test_a_worker_that_starts_after_its_parent_was_killed_ends(tmp_path: Path) -> None:
    """A worker still starting when the process that asked for it is killed finds
    itself handed to init: it must see that the pid it was given is gone, and end,
    not wait for work forever (the parent's pid comes from the parent)."""
    db = tmp_path / "scrm.db"
    asyncio.run(_schema(db))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid that is no one's parent any more
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from scrm_tui.enrich.matching import Thresholds\n"
            "from scrm_tui.service.match_pool import _open\n"
            "_open(sys.argv[1], Thresholds(), int(sys.argv[2]))\n"
            "time.sleep(600)  # as a pool worker waits for work\n",
            str(db),
            str(gone.pid),
        ]
    )
    try:
        wait_for("the orphaned worker ends", lambda: worker.poll() is not None, timeout=30)
    finally:
        worker.kill()
        worker.wait()
    assert worker.returncode == 0


async def test_two_background_jobs_each_keep_their_words_on_the_top_line(db_path: Path) -> None:
    """A re-score and a re-match at once: the one that ends takes only its own text."""
    async with await Inbox.open(db_path, "agent", fixed_clock) as box:
        await box.ingest([mention(1)])
    async with app_running(db_path, size=(160, 24)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, InboxScreen)
        screen.show_work("scoring priorities 40%", "rescore")
        screen.show_work("indexing customers 10%", "rematch")
        await wait_until(pilot, lambda: "indexing customers 10%" in static_text(pilot, "#status"))
        assert "scoring priorities 40%" in static_text(pilot, "#status")
        screen.show_work(None, "rematch")
        await wait_until(pilot, lambda: "indexing" not in static_text(pilot, "#status"))
        assert "scoring priorities 40%" in static_text(pilot, "#status")


async def _schema(db: Path) -> None:
    async with await Inbox.open(db, "agent", fixed_clock):
        pass
