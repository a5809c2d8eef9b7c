"""Pairs of a customer's words (schema step 23): a common first name and a common surname
meet in one short list, customers indexed before pairs existed are paired by the
background job, resumably, and matching is right while it runs."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
from collections.abc import Collection
from pathlib import Path

from scrm_tui.enrich.matching import Matcher
from scrm_tui.enrich.shared_index import SharedIndex
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.match_index import MatchIndexReader, pair_keys
from scrm_tui.store.schema import PAIRED_ALL
from tests.conftest import fixed_clock
from tests.service.test_match_index import HARD, decoys, indexed
from tests.support.killing import count, kill_and_check_group, running, scrm_command, wait_for

UPTO = "SELECT upto FROM match_pairs_done"
COMMON = 1500  # customers holding the first name, and as many the surname


class Counting(MatchIndexReader):
    """The shared index's reader, counting the customers whose ids it hands back for
    a word's holders (what matching reads of the index, customer by customer)."""

    read = 0

    def holders(self, words: Collection[str]) -> set[int]:
        found = super().holders(words)
        self.read += len(found)
        return found


def namesakes_apart(start: int) -> list[tuple[int, str, str | None, str | None, tuple]]:
    """Many Marias and many Garcias, none of them Maria Garcia, with a handle each."""
    rows = []
    for n in range(COMMON):
        rows.append((start + 2 * n, f"Maria Q{n:04d}x", None, None, (("x", f"mq{n}"),)))
        rows.append((start + 2 * n + 1, f"Z{n:04d}y Garcia", None, None, (("x", f"zg{n}"),)))
    return rows


async def test_a_common_first_name_and_surname_meet_without_reading_either_ones_holders(
    db_path: Path,
) -> None:
    """Maria Garcia among 1,500 Marias and 1,500 Garcias: found first, as a full scan
    finds her, through their pair, and neither name's holders are read (at a million
    customers, each is tens of thousands)."""
    truth = (1, "Maria Garcia", None, None, (("mastodon", "mg_sails@example.social"),))
    async with indexed(db_path, [truth, *namesakes_apart(2)]):
        pass
    reader = Counting(db_path)
    try:
        matcher = Matcher(index=SharedIndex(reader))
        author = ("bluesky", "sailing-maria.bsky.social", "Maria Garcia")
        assert [c.customer_id for c in matcher.scan(*author).candidates][:1] == [1]
        reader.read = 0
        assert [c.customer_id for c in matcher.match(*author).candidates][:1] == [1]
        assert reader.read < COMMON // 10
    finally:
        reader.close()


def unpair_above(db: Path, upto: int) -> None:
    """The file as an upgrade leaves it: customers above `upto` indexed before there were
    pairs (none written for them), the job that pairs them stopped at `upto`."""
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM match_pairs WHERE customer_id > ?", (upto,))
        conn.execute("UPDATE match_pairs_done SET upto = ?", (upto,))


async def test_matching_is_right_while_the_pairs_are_half_written(db_path: Path) -> None:
    """Half the customers paired, half still only under their words: every hard case
    (typos in both words, a near handle) is found as a full scan finds it, on either
    side of where the job stopped, and as it is once every customer is paired."""
    rows = [
        (i + 1, name, email, None, handles) for i, (_, (name, email, handles)) in enumerate(HARD)
    ]
    many = decoys(len(rows))
    # The first half of the truths paired; the other half and every decoy not yet.
    half = len(HARD) // 2
    cases = [(author, truth) for truth, (author, _) in enumerate(HARD, start=1)]
    async with indexed(db_path, rows + many) as shared:
        paired = [shared.match(*author).candidates for author, _ in cases]
    unpair_above(db_path, half)
    assert count(db_path, "SELECT count(*) FROM match_pairs WHERE customer_id > ?", (half,)) == 0
    reader = MatchIndexReader(db_path)
    try:
        half_done = Matcher(index=SharedIndex(reader))
        for (author, truth), before in zip(cases, paired, strict=True):
            scanned = [c.customer_id for c in half_done.scan(*author).candidates]
            found = half_done.match(*author).candidates
            assert truth in scanned, author
            assert truth in [c.customer_id for c in found], author
            assert found == before, author
    finally:
        reader.close()


async def _paired_file(db: Path, customers: int) -> int:
    """A database whose `customers` are indexed (straight into the index's tables, as
    fast as a test can) and none paired: what an upgrade to step 23 leaves. Returns
    the pairs they hold."""
    async with await Inbox.open(db, "agent", fixed_clock):
        pass
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO match_entries (customer_id, text, handles, entry, words, name_words, "
            "keys) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "SELECT i, 'x', '', '[]', json_array('w' || (i % 97), 'v' || (i % 89), "
            "'u' || (i % 83)), '[]', '[]' FROM n",
            (customers,),
        )
        conn.execute("UPDATE match_pairs_done SET upto = 0")
        held = [json.loads(words) for (words,) in conn.execute("SELECT words FROM match_entries")]
    return sum(len(pair_keys(words)) for words in held)


def test_a_killed_job_pairs_the_rest_from_where_it_stopped(tmp_path: Path) -> None:
    """`scrm catch-up` pairs the customers indexed before pairs existed, a page per
    transaction; killed outright midway, it has recorded how far it got, and the next
    run pairs the rest: every pair written once, none missing."""
    db = tmp_path / "scrm.db"
    customers = 200_000
    pairs = asyncio.run(_paired_file(db, customers))
    command = scrm_command("--db", str(db), "--agent", "agent", "catch-up", "--quiet")
    with running(command) as proc:
        wait_for("pairing under way", lambda: count(db, UPTO) > 0)
        kill_and_check_group(proc, signal.SIGKILL)
    stopped = count(db, UPTO)
    assert 0 < stopped < customers
    written = "SELECT count(*) FROM match_pairs"
    assert 0 < count(db, written) < pairs
    with running(command) as proc:
        assert proc.wait() == 0
    assert count(db, UPTO) == PAIRED_ALL
    assert count(db, written) == pairs


def test_catch_up_says_how_many_customers_it_paired(tmp_path: Path) -> None:
    """A catch-up that only paired the customers an upgrade left unpaired says so; it
    used to say `authors matched: 0 linked` and nothing of the customers."""
    db = tmp_path / "scrm.db"
    asyncio.run(_paired_file(db, 3_000))
    done = subprocess.run(
        scrm_command("--db", str(db), "--agent", "agent", "catch-up"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "customers paired (their words, two by two): 3,000",
        "authors matched: 0 linked, 0 with suggestions",
    ]
    assert count(db, UPTO) == PAIRED_ALL
