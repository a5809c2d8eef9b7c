"""Bulk actions from the keyboard: T selects everything the filter matches, x u a A t e
act on all of it in batches counted on the top line, keys answer meanwhile, Esc stops
part-way, U undoes; another process sees each batch as it commits."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scrm_tui.core.config import HookSpec, Team
from scrm_tui.service.bulk import AssignChange, Outcome
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.bulk_actions import said_plainly
from scrm_tui.ui.dialogs.escalate import EscalateScreen
from scrm_tui.ui.dialogs.undo import ConfirmUndo
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import fixed_clock, mention
from tests.support import hostile
from tests.support.tui import (
    list_lines,
    press,
    running,
    static_text,
    status_text,
    toasts,
    wait_until,
    wait_while_working,
)


async def seed(db_path: Path, matching: int, others: int = 3) -> list[int]:
    """`matching` mentions about Kestrel (newest first), then `others` that are not."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        result = await box.ingest(
            [mention(n) for n in range(1, matching + 1)]
            + [mention(n, f"unrelated post {n}") for n in range(90_001, 90_001 + others)]
        )
        return sorted(result.stored)


def query(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def done_count(db_path: Path) -> int:
    return int(str(query(db_path, "SELECT count(*) FROM mentions WHERE status = 'done'")[0][0]))


@contextmanager
def lock_held(db_path: Path) -> Iterator[None]:
    """The write lock taken by another connection: the next batch waits for it."""
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


async def filter_kestrel(pilot) -> None:  # type: ignore[no-untyped-def]
    await press(pilot, "slash", *"kestrel", "enter")


async def test_T_selects_every_match_past_a_thousand_and_x_marks_them_done_in_batches(
    db_path: Path,
) -> None:
    await seed(db_path, 1500)
    async with running(db_path, toasts=True) as pilot:
        await filter_kestrel(pilot)
        await press(pilot, "T")
        assert "1,500 sel" in status_text(pilot)
        assert any("Selected all 1,500 mentions" in t for t in toasts(pilot))
        mentions = pilot.app.screen.query_one(MentionList)
        with lock_held(db_path):
            await pilot.press("x")
            await wait_while_working(
                pilot, lambda: "marking done 0/1,500… Esc stops" in status_text(pilot)
            )
            # The first batch waits for the lock; the list still answers keys.
            await pilot.press("j")
            await wait_while_working(pilot, lambda: mentions.cursor == 1)
            assert "marking done 0/1,500" in status_text(pilot)
        await wait_until(pilot, lambda: "Marked 1,500 mentions done." in toasts(pilot))
        assert "marking" not in status_text(pilot)
        assert done_count(db_path) == 1500  # and the three that do not match stay open
        assert all(line.startswith("✓*") for line in list_lines(pilot)[:5])
        # U asks, naming what it undoes, and puts it all back.
        await press(pilot, "U")
        assert isinstance(pilot.app.screen, ConfirmUndo)
        assert "marked 1,500 mentions done" in static_text(pilot, "#undo-what")
        await press(pilot, "y")
        await wait_until(
            pilot, lambda: "Undid 'marked 1,500 mentions done': 1,500 put back." in toasts(pilot)
        )
        assert done_count(db_path) == 0
        assert list_lines(pilot)[0].startswith("●*")  # unread again, still selected


async def test_space_takes_one_out_of_all_matching_and_u_A_t_act_on_the_rest(
    db_path: Path,
) -> None:
    ids = await seed(db_path, 30)
    async with running(db_path, toasts=True) as pilot:
        await filter_kestrel(pilot)
        await press(pilot, "T", "space")  # the first one out again (and on to the next)
        assert "29 sel" in status_text(pilot)
        lines = list_lines(pilot)
        assert lines[0].startswith("● ") and lines[1].startswith("●*")
        await press(pilot, "u")
        await wait_until(pilot, lambda: "Marked 29 mentions read." in toasts(pilot))
        await press(pilot, "A")
        await wait_until(pilot, lambda: "Assigned 29 mentions to you." in toasts(pilot))
        await press(pilot, "t", *"+wave", "enter")
        await wait_until(pilot, lambda: "Tagged 29 mentions: +wave." in toasts(pilot))
        rows = query(
            db_path,
            "SELECT m.id, m.assignee, (SELECT count(*) FROM mention_tags t "
            "WHERE t.mention_id = m.id), EXISTS (SELECT 1 FROM mention_reads r "
            "WHERE r.mention_id = m.id AND r.agent = 'tester') FROM mentions m ORDER BY m.id",
        )
        assert rows[0] == (ids[0], None, 0, 0)  # the one taken out
        assert set(rows[1:30]) == {(i, "tester", 1, 1) for i in ids[1:30]}
        assert set(rows[30:]) == {(i, None, 0, 0) for i in ids[30:]}  # not matching
        # U undoes the last action only: the tags.
        await press(pilot, "U", "y")
        await wait_until(
            pilot, lambda: any(t.startswith("Undid 'tagged 29") for t in toasts(pilot))
        )
        assert query(db_path, "SELECT count(*) FROM mention_tags") == [(0,)]
        assert query(db_path, "SELECT count(*) FROM mentions WHERE assignee = 'tester'") == [(29,)]
        # Another filter lets the selection of this one go, and says so.
        # (The notice shows as the new filter first loads; waited for there, before a
        # slow machine's typing of the rest can outlast it.)
        await press(pilot, "slash", "u")
        await wait_until(pilot, lambda: any("was let go" in t for t in toasts(pilot)))
        await press(pilot, *"nrelated", "enter")
        assert "sel" not in status_text(pilot)


async def test_e_on_a_selection_makes_one_escalation_naming_them_all(db_path: Path) -> None:
    await seed(db_path, 40)
    teams = (Team("billing", "Refunds", (HookSpec("slack", "slack", {"url_env": "X"}),)),)
    async with running(db_path, toasts=True, teams=teams) as pilot:
        await filter_kestrel(pilot)
        await press(pilot, "T", "e")
        assert isinstance(pilot.app.screen, EscalateScreen)
        assert "40 selected mentions, as one escalation" in static_text(pilot, "#escalate-title")
        await press(pilot, *"refund wave", "ctrl+s")
        await wait_until(
            pilot,
            lambda: any(t.startswith("Escalated 40 mentions to billing") for t in toasts(pilot)),
        )
        assert query(db_path, "SELECT count(*), min(note) FROM escalations") == [(1, "refund wave")]
        assert query(db_path, "SELECT count(*) FROM escalation_mentions") == [(40,)]
        await press(pilot, "U", "y")
        await wait_until(pilot, lambda: any("40 put back" in t for t in toasts(pilot)))
        assert query(db_path, "SELECT state, resolution FROM escalations") == [
            ("resolved", "withdrawn (undone)")
        ]


async def test_esc_stops_a_bulk_action_after_its_batch_and_U_undoes_what_was_written(
    db_path: Path,
) -> None:
    await seed(db_path, 1200)
    async with running(db_path, toasts=True) as pilot:
        await filter_kestrel(pilot)
        await press(pilot, "T")
        with lock_held(db_path):
            await pilot.press("x")
            await wait_while_working(pilot, lambda: "marking done 0/1,200" in status_text(pilot))
            await pilot.press("escape")
            await wait_while_working(
                pilot, lambda: "stopping after this batch" in status_text(pilot)
            )
        said = "Stopped after 500: marked 500 mentions done. U undoes it."
        await wait_until(pilot, lambda: said in toasts(pilot))
        assert done_count(db_path) == 500
        # Esc stopped the action and kept the filter (shortened when a spike is shown too)
        assert "/kest" in status_text(pilot)
        await press(pilot, "U")
        assert "marked 500 mentions done" in static_text(pilot, "#undo-what")
        assert "stopped part-way" in static_text(pilot, "#undo-what")
        await press(pilot, "y")
        await wait_until(pilot, lambda: any("500 put back" in t for t in toasts(pilot)))
        assert done_count(db_path) == 0


REASSIGN = """
import asyncio, sys
from scrm_tui.service.inbox import Inbox

async def main(path, mention_id):
    async with await Inbox.open(path, "lee") as box:
        await box.assign([mention_id], "lee")

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


async def test_U_leaves_alone_what_another_agent_changed_since_and_says_how_many(
    db_path: Path,
) -> None:
    ids = await seed(db_path, 5, others=0)
    async with running(db_path, toasts=True) as pilot:
        await press(pilot, "U")
        assert "Nothing to undo." in toasts(pilot)
        await press(pilot, "T", "A")
        await wait_until(pilot, lambda: "Assigned 5 mentions to you." in toasts(pilot))
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", REASSIGN, str(db_path), str(ids[2])],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    # Another day, another start of the app: U still knows the last action.
    async with running(db_path, toasts=True) as pilot:
        await press(pilot, "U", "n")
        assert query(db_path, "SELECT count(*) FROM mentions WHERE assignee = 'tester'") == [(4,)]
        await press(pilot, "U", "y")
        said = (
            "Undid 'assigned 5 mentions to tester': 4 put back; "
            "1 changed since by someone else, left as they are."
        )
        await wait_until(pilot, lambda: said in toasts(pilot))
        assert query(db_path, "SELECT id, assignee FROM mentions WHERE assignee IS NOT NULL") == [
            (ids[2], "lee")
        ]


BULK_ELSEWHERE = """
import asyncio, sys
from scrm_tui.core.models import Status
from scrm_tui.core.query import Query
from scrm_tui.service.bulk import StatusChange
from scrm_tui.service.inbox import Inbox

def batch(done, total):
    print(done, flush=True)
    if done == 500:
        sys.stdin.readline()  # committed: wait here until the test has looked

async def main(path):
    async with await Inbox.open(path, "lee") as box:
        selection = await box.select_all(Query())
        await box.run_bulk(selection, StatusChange(Status.DONE), batch)

asyncio.run(main(sys.argv[1]))
"""


async def test_another_agents_bulk_action_shows_here_batch_by_batch(db_path: Path) -> None:
    await seed(db_path, 1200, others=0)
    async with running(db_path) as pilot:
        assert list_lines(pilot)[0].startswith("●")
        child = subprocess.Popen(
            [sys.executable, "-c", BULK_ELSEWHERE, str(db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            first = await asyncio.to_thread(child.stdout.readline)
            assert first.strip() == "500"
            # The newest 500 are committed, the rest not yet: this inbox shows them done.
            await wait_until(
                pilot, lambda: all(line.startswith("✓") for line in list_lines(pilot)[:20])
            )
            assert child.poll() is None and done_count(db_path) == 500
            child.stdin.write("\n")
            child.stdin.flush()
            rest = await asyncio.to_thread(child.communicate, None, 60)
            assert child.returncode == 0, rest[1]
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert done_count(db_path) == 1200
        await press(pilot, "G")
        await wait_until(pilot, lambda: list_lines(pilot)[-1].startswith("✓"))


async def test_the_selection_is_counted_again_after_an_action_changes_what_matches(
    db_path: Path,
) -> None:
    await seed(db_path, 8, others=0)
    async with running(db_path, toasts=True) as pilot:
        await press(pilot, "slash", *"is:open", "enter", "T", "j", "space")
        assert "7 sel" in status_text(pilot)
        await press(pilot, "x")  # done: they no longer match is:open
        await wait_until(pilot, lambda: "Marked 7 mentions done." in toasts(pilot))
        await wait_until(pilot, lambda: "sel" not in status_text(pilot))
        await press(pilot, "U", "y")
        await wait_until(pilot, lambda: "7 sel" in status_text(pilot))


def test_what_a_bulk_action_says_keeps_a_name_someone_typed_inert() -> None:
    name = "dana" + hostile.ESCAPES["csi colour"] + hostile.MARKUP["click action"]
    said = said_plainly(Outcome(1, 3, 3, False), AssignChange(name))
    assert "\x1b" not in said and said.startswith("Assigned 3 mentions to dana")
    assert "[@click=" in said  # shown as typed: the toast takes no markup
