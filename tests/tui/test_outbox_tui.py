"""The outbox screen (`O`): what is going out, what failed and why, retry and discard."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from scrm_tui.core.config import Config, HookSpec, Team
from scrm_tui.core.outgoing import Webhook
from scrm_tui.core.query import Query
from scrm_tui.service.credentials import Credentials
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.outbox import OutboxStore
from scrm_tui.ui.dialogs.discard import ConfirmDiscard
from scrm_tui.ui.dialogs.help import HelpScreen
from scrm_tui.ui.screens.outbox import OutboxScreen
from tests.conftest import NOW, fixed_clock, mention
from tests.support import hostile
from tests.support.tui import inbox_screen, make_app, settle, static_text, wait_until

NOW_MS = int(NOW.timestamp() * 1000)
HOUR_MS = 3_600_000
ERROR = (
    "Mastodon: HTTP 422: Validation failed: Text character limit of 500 exceeded "
    + hostile.ESCAPES["osc 8 hyperlink"]
    + " [red]x[/red]"
)
TEAMS = (Team("billing", "Refunds", (HookSpec("slack", "slack", {"url_env": "SCRM_UNSET"}),)),)


def clock_at(ms: int) -> Callable[[], float]:
    return lambda: ms / 1000


async def _seed(db_path: Path) -> dict[str, int]:
    """A failed reply, a pending macro post, a sent reply and a failed webhook call,
    queued at different times (newest last)."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest(
            [mention(1, "where is my refund?"), mention(2, "love the new release"), mention(3)]
        )
        ids = {row.snippet.split()[0]: row.id for row in await box.page_at(Query(), 0, 10, None)}
    ids = {"refund": ids["where"], "love": ids["love"], "post": ids["post"]}
    out: dict[str, int] = {}

    async with await Inbox.open(db_path, "tester", clock_at(NOW_MS - 3 * HOUR_MS)) as box:
        now = box.now_ms()
        out["sent"] = await box.outbox.enqueue(
            kind="reply",
            channel="mastodon",
            text="Glad you like it!",
            key="k-sent",
            mention_ids=[ids["love"]],
            agent="tester",
            now_ms=now,
        )
        claimed = await box.outbox.claim("w:1", now, 60_000, {"mastodon"})
        assert claimed is not None
        await box.outbox.mark_sent(
            claimed.id, "110", "https://mastodon.example/@kestrel/110", now, True
        )

    async with await Inbox.open(db_path, "tester", clock_at(NOW_MS - 2 * HOUR_MS)) as box:
        now = box.now_ms()
        out["failed"] = await box.outbox.enqueue(
            kind="reply",
            channel="mastodon",
            text="Sorry about that [b]Ann[/b]! Refund is on its way.\nSecond line.",
            key="k-failed",
            mention_ids=[ids["refund"]],
            agent="tester",
            now_ms=now,
            draft_key=f"reply:{ids['refund']}",
        )
        for _ in range(3):  # three attempts, the last one permanent
            claimed = await box.outbox.claim("w:1", now, 60_000, {"mastodon"})
            assert claimed is not None
            if claimed.attempts < 3:
                await box.outbox.mark_retry(claimed.id, "timed out", now, now)
        await box.outbox.mark_failed(out["failed"], ERROR, now)

        slack = Webhook("slack", "slack", "https://hooks.invalid/x")
        box.configure(Config(teams=TEAMS), Credentials(hooks={"billing": [slack]}))
        await box.escalations.escalate(ids["refund"], "billing", "P2", "double charge")
        hook = await box.outbox.claim("w:1", now, 60_000, (), {"billing/slack"})
        assert hook is not None
        await box.outbox.mark_failed(hook.id, 'the Slack webhook "slack" is gone (404)', now)
        out["webhook"] = hook.id

    async with await Inbox.open(db_path, "tester", clock_at(NOW_MS - HOUR_MS)) as box:
        out["pending"] = await box.outbox.enqueue(
            kind="post",
            channel="bluesky",
            text="We know about the refund delays and are on it.",
            key="k-post",
            mention_ids=[ids["refund"], ids["post"]],
            agent="tester",
            now_ms=box.now_ms(),
        )
    out["refund_mention"] = ids["refund"]
    return out


@pytest.fixture
def seeded(db_path: Path) -> tuple[Path, dict[str, int]]:
    return db_path, asyncio.run(_seed(db_path))


def table_lines(pilot: Pilot) -> list[str]:
    screen = pilot.app.screen
    assert isinstance(screen, OutboxScreen)
    queue = screen.queue
    return [queue.render_line(y).text for y in range(queue.size.height)]


def row(pilot: Pilot, number: int) -> str:
    return next(line for line in table_lines(pilot) if line.startswith(f" {number} "))


def detail(pilot: Pilot) -> str:
    return static_text(pilot, "#outbox-detail-text")


def state_of(db_path: Path, outbox_id: int) -> str:
    with sqlite3.connect(db_path) as conn:
        return str(
            conn.execute("SELECT state FROM outbox WHERE id = ?", (outbox_id,)).fetchone()[0]
        )


async def goto(pilot: Pilot, number: int) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, OutboxScreen)
    for _ in range(10):
        if screen.selected is not None and screen.selected.id == number:
            return
        await pilot.press("j")
        await settle(pilot)
    raise AssertionError(f"no row #{number}")


async def open_outbox(pilot: Pilot) -> OutboxScreen:
    await settle(pilot)
    await pilot.press("O")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OutboxScreen)
    return screen


async def test_failed_reply_retry_and_discard(seeded: tuple[Path, dict[str, int]]) -> None:
    db_path, ids = seeded
    app = make_app(db_path, teams=TEAMS)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_outbox(pilot)
        # Newest first; waiting and failed only (the sent reply is under 2).
        numbers = [line.split()[0] for line in table_lines(pilot) if line.strip()[:1].isdigit()]
        assert numbers == [str(ids["pending"]), str(ids["webhook"]), str(ids["failed"])]
        assert "✗ failed" in row(pilot, ids["failed"]) and "reply" in row(pilot, ids["failed"])
        assert "mastodon" in row(pilot, ids["failed"]) and " 3 " in row(pilot, ids["failed"])
        assert "… pending" in row(pilot, ids["pending"]) and "bluesky" in row(pilot, ids["pending"])
        webhook = row(pilot, ids["webhook"])
        assert "webhook" in webhook and "billing/slack" in webhook
        assert "escalation #1 opened: double charge" in webhook
        assert "Outbox · 2 failed · 1 pending" in static_text(pilot, "#outbox-status")

        # The pending post: when it goes, and how many mentions it answers.
        text = detail(pilot)
        assert f"#{ids['pending']} post → bluesky · … pending" in text
        assert "Next try: 2026-11-20 11:00:00 UTC (now)" in text
        assert "Answers 2 mentions" in text

        await goto(pilot, ids["failed"])
        text = detail(pilot)
        assert "✗ failed · 3 attempts" in text
        assert "Last error: Mastodon: HTTP 422: Validation failed" in text
        assert "␛]8;;https://evil.example␛\\click here" in text and "[red]x[/red]" in text
        assert "Sorry about that [b]Ann[/b]! Refund is on its way.\nSecond line." in text
        assert "r sends it again · d discards it" in text
        assert hostile.is_terminal_safe(text)
        assert all(hostile.is_terminal_safe(line) for line in table_lines(pilot))

        await pilot.press("r")
        await settle(pilot)
        assert state_of(db_path, ids["failed"]) == "pending"
        assert "… pending" in row(pilot, ids["failed"])
        assert "Next try: 2026-11-20 12:00:00 UTC (now)" in detail(pilot)

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDiscard)
        assert "goes back to your draft" in " ".join(static_text(pilot, "#discard-after").split())
        await pilot.press("n")  # kept
        await settle(pilot)
        assert state_of(db_path, ids["failed"]) == "pending"
        await pilot.press("d", "y")
        await settle(pilot)
        assert state_of(db_path, ids["failed"]) == "discarded"
        # Still in view, in its new state, until the filter changes.
        assert "– discarded" in row(pilot, ids["failed"])

        await pilot.press("2")
        await settle(pilot)
        assert "✓ sent" in row(pilot, ids["sent"])
        await goto(pilot, ids["sent"])
        text = detail(pilot)
        assert "Sent 2026-11-20 09:00:00 UTC · https://mastodon.example/@kestrel/110" in text
        assert "Answers 1 mention" in text
        await pilot.press("1")
        await settle(pilot)
        assert not any(line.startswith(f" {ids['failed']} ") for line in table_lines(pilot))

        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is inbox_screen(pilot)

    # The discarded reply's text is back in the draft for its mention.
    async with await Inbox.open(db_path, "tester", fixed_clock) as box:
        draft = await box.outbox.draft("tester", f"reply:{ids['refund_mention']}")
        assert draft == (
            "mastodon",
            "Sorry about that [b]Ann[/b]! Refund is on its way.\nSecond line.",
        )


async def test_only_failed_items_retry_and_sent_ones_do_not_discard(
    seeded: tuple[Path, dict[str, int]],
) -> None:
    db_path, ids = seeded
    app = make_app(db_path, teams=TEAMS)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_outbox(pilot)
        await goto(pilot, ids["pending"])
        await pilot.press("r")
        await settle(pilot)
        assert state_of(db_path, ids["pending"]) == "pending"
        await pilot.press("2")
        await settle(pilot)
        await goto(pilot, ids["sent"])
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OutboxScreen)  # no question asked
        assert state_of(db_path, ids["sent"]) == "sent"


async def test_pending_turns_to_sent_while_watching(seeded: tuple[Path, dict[str, int]]) -> None:
    """Another process sends the post: the row changes without a key press."""
    db_path, ids = seeded
    app = make_app(db_path, teams=TEAMS)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_outbox(pilot)
        await goto(pilot, ids["failed"])
        async with await Inbox.open(db_path, "collector", fixed_clock) as other:
            claimed = await other.outbox.claim("w:2", other.now_ms(), 60_000, {"bluesky"})
            assert claimed is not None and claimed.id == ids["pending"]
            await other.outbox.mark_sent(claimed.id, "at://x", "https://bsky.app/x", NOW_MS, True)
        await wait_until(pilot, lambda: "✓ sent" in row(pilot, ids["pending"]))
        assert screen.selected is not None
        assert screen.selected.id == ids["failed"]  # the cursor stayed put


async def test_an_empty_outbox_says_so(db_path: Path) -> None:
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_outbox(pilot)
        assert detail(pilot) == "Nothing waiting. Sent replies: press 2."
        await pilot.press("2")
        await settle(pilot)
        assert detail(pilot).startswith("The outbox is empty")
        await pilot.press("question_mark")  # this screen's keys, from its bindings
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        table = pilot.app.screen.query_one("#help-table", DataTable)
        rows = {tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)}
        assert {
            ("r", "Retry", "outbox"),
            ("d", "Discard", "outbox"),
            ("j  ↓", "Down", "list"),
        } <= rows
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OutboxScreen)


def test_outbox_snapshot(snap_compare, seeded: tuple[Path, dict[str, int]]) -> None:  # type: ignore[no-untyped-def]
    db_path, ids = seeded

    async def run_before(pilot: Pilot) -> None:
        await open_outbox(pilot)
        await goto(pilot, ids["failed"])

    assert snap_compare(
        make_app(db_path, teams=TEAMS), terminal_size=(80, 24), run_before=run_before
    )


async def test_the_all_tab_reads_the_outbox_again_only_when_it_changes(
    seeded: tuple[Path, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Open on "all", the screen looks every second; with 100k items, re-reading and
    recounting them each time cost 10-20 ms of CPU a second. Only a change re-reads,
    and the counts it shows stay true (kept by triggers as items move)."""
    db_path, ids = seeded
    looks: list[int] = []
    reads: list[int] = []
    change_mark = OutboxStore.change_mark
    state_counts = OutboxStore.state_counts

    async def looked(self: OutboxStore) -> int:
        looks.append(1)
        return await change_mark(self)

    async def counted(self: OutboxStore, *args: object) -> dict[str, int]:
        reads.append(1)
        return await state_counts(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(OutboxStore, "change_mark", looked)
    monkeypatch.setattr(OutboxStore, "state_counts", counted)
    app = make_app(db_path, teams=TEAMS)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_outbox(pilot)
        await pilot.press("2")  # all
        await settle(pilot)
        assert "sent" in row(pilot, ids["sent"])  # sent items show only under "all"
        before = static_text(pilot, "#outbox-status")
        read, look = len(reads), len(looks)
        await wait_until(pilot, lambda: len(looks) >= look + 3)  # three looks a second apart
        assert len(reads) == read  # nothing changed: nothing re-read
        async with await Inbox.open(db_path, "collector", fixed_clock) as other:
            claimed = await other.outbox.claim("w:2", other.now_ms(), 60_000, {"bluesky"})
            assert claimed is not None and claimed.id == ids["pending"]
            await other.outbox.mark_sent(claimed.id, "at://x", "https://bsky.app/x", NOW_MS, True)
        await wait_until(pilot, lambda: "✓ sent" in row(pilot, ids["pending"]))
        assert len(reads) > read
        with sqlite3.connect(db_path) as conn:
            truth = dict(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state"))
        status = static_text(pilot, "#outbox-status")
        assert status != before
        for state, n in truth.items():
            assert f"{n:,} " in status, (state, status)
