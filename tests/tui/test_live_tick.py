"""The app's one clock: a change wakes it, and what it sets off reads only what it needs
(an idle inbox reading nothing at all: tests/tui/test_live_idle.py)."""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
from pathlib import Path

from textual.pilot import Pilot

from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.app import ScrmApp
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import fixed_clock, mention
from tests.fakes.loopback import Loopback
from tests.support.outgoing import config_for
from tests.support.tui import detail_text, list_lines, make_app, settle, wait_until

STATUS_ID = "117020583245459824"  # the post a reply answers, on the loopback Mastodon


def the_list(pilot: Pilot) -> MentionList:
    return pilot.app.screen.query_one(MentionList)


async def test_the_reading_pane_follows_fast_keys_to_where_the_cursor_stops(db_path: Path) -> None:
    """j typed fast: the list moves with each key; the pane shows the mention the cursor
    stopped on, read once there, not once for every row passed on the way."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n, f"row {n:02d} text", minutes_ago=n) for n in range(30)])
    app = make_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: "row 00 text" in detail_text(pilot))
        await settle(pilot)
        assert app.inbox is not None
        details: list[str] = []
        await app.inbox.db.reader.set_trace_callback(
            lambda statement: details.append(statement) if "m.pos, m.neu" in statement else None
        )
        await pilot.press(*"jjjjjjjj")
        await wait_until(pilot, lambda: "row 08 text" in detail_text(pilot))
        assert "row 08 text" in the_list(pilot).selected.snippet
        assert len(details) < 8
        await app.inbox.db.reader.set_trace_callback(None)


# Another terminal, with no sender of its own, queues a reply to mention `mention_id`.
QUEUE_ELSEWHERE = textwrap.dedent(
    """
    import asyncio, sys
    from scrm_tui.service.inbox import Inbox

    async def main(db, mention_id, now_ms):
        async with await Inbox.open(db, "kim") as box:
            await box.outbox.enqueue(
                kind="reply", channel="mastodon", text="@ann@social.example on it",
                key="queued-elsewhere", mention_ids=[mention_id], agent="kim", now_ms=now_ms,
            )

    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
    """
)


async def test_a_reply_another_terminal_queues_is_sent_from_this_one(
    db_path: Path, server: Loopback
) -> None:
    """The outbox is no longer polled on a clock of its own: the commit that queued the
    reply wakes this terminal's tick, and its sender posts it."""
    server.add_mastodon_status(STATUS_ID)
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        post = mention(1, "Kestrel lost my board", handle="ann@social.example")
        post = type(post)(**{**post.__dict__, "external_id": STATUS_ID})
        (mention_id,) = (await box.ingest([post])).stored
    app = ScrmApp(
        db_path=db_path,
        agent="tester",
        config=config_for(server),
        clock=fixed_clock,
        poll_interval=0.05,
    )
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_until(pilot, lambda: any("Kestrel lost" in line for line in list_lines(pilot)))
        await settle(pilot)
        assert server.requests("mastodon.post_status") == []
        queued = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            QUEUE_ELSEWHERE,
            str(db_path),
            str(mention_id),
            str(int(fixed_clock() * 1000)),
            cwd=Path(__file__).resolve().parents[2],
        )
        assert await queued.wait() == 0
        await wait_until(pilot, lambda: len(server.requests("mastodon.post_status")) == 1)
        (sent,) = server.requests("mastodon.post_status")
        assert json.loads(sent.body)["in_reply_to_id"] == STATUS_ID
