"""The sources screen (`S`): who collects, each source's state, and the status-bar line."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot

from scrm_tui.core.models import SourceState
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.db import Database
from scrm_tui.store.lease import LeaseStore
from scrm_tui.store.sources import SourceStateStore
from scrm_tui.ui.dialogs.help import HelpScreen
from scrm_tui.ui.screens.inbox import InboxScreen
from scrm_tui.ui.screens.sources import EMPTY, SourcesScreen
from scrm_tui.ui.source_words import summary
from scrm_tui.ui.widgets.status_line import Status, versions
from tests.conftest import NOW, fixed_clock, mention
from tests.support import hostile
from tests.support.tui import inbox_screen, make_app, running, settle, static_text, wait_until

NOW_MS = int(NOW.timestamp() * 1000)  # 12:00:00 UTC
AUTH_ERROR = "Reddit: HTTP 401: invalid_grant (the refresh token was revoked)"
HOSTILE_ERROR = (
    "feed said "
    + hostile.ESCAPES["osc 8 hyperlink"]
    + " "
    + hostile.MARKUP["click action"]
    + " "
    + hostile.MARKUP["square word"]
)
HOLDER = "build-7:4242"


async def _seed(db_path: Path) -> None:
    """Four sources in four states, and a live collector lease (until 12:00:30)."""
    db = await Database.open(db_path)
    try:
        states = SourceStateStore(db)
        await states.succeeded(
            "hackernews",
            "hackernews",
            cursor='{"after": 1763639988, "page": "a' + "x" * 600 + '"}',
            stored=42,
            now_ms=NOW_MS - 12_000,
            backfill="2026-11-19 18:05",  # a first run still reading back
        )
        await states.succeeded(
            "mastodon:notif", "mastodon", cursor="110", stored=7, now_ms=NOW_MS - 600_000
        )
        await states.failed(
            "mastodon:notif",
            "mastodon",
            error="Mastodon: HTTP 503 Service Unavailable",
            state="backoff",
            until_ms=NOW_MS + 200_000,  # 12:03:20
            now_ms=NOW_MS - 30_000,
        )
        await states.failed(
            "reddit", "reddit", error=AUTH_ERROR, state="auth", until_ms=None, now_ms=NOW_MS
        )
        for n in range(3):
            await states.failed(
                "rss:alerts",
                "web",
                error=HOSTILE_ERROR,
                state="degraded" if n == 2 else "backoff",
                until_ms=NOW_MS + 65_000,  # 12:01:05
                now_ms=NOW_MS - 5_000,
            )
        assert await LeaseStore(db).acquire("collector", HOLDER, NOW_MS, 30_000)
    finally:
        await db.close()


@pytest.fixture
def seeded(db_path: Path) -> Path:
    asyncio.run(_seed(db_path))
    return db_path


async def open_sources(pilot: Pilot) -> SourcesScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, InboxScreen)
    await pilot.press("S")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SourcesScreen)
    return screen


def table_lines(pilot: Pilot) -> list[str]:
    screen = pilot.app.screen
    assert isinstance(screen, SourcesScreen)
    return [screen.table.render_line(y).text for y in range(screen.table.size.height)]


def row(pilot: Pilot, source: str) -> str:
    return next(line for line in table_lines(pilot) if line.startswith(f" {source} "))


def detail(pilot: Pilot) -> str:
    return static_text(pilot, "#sources-detail-text")


async def goto(pilot: Pilot, source: str) -> None:
    await settle(pilot)  # the key that opened the screen has been handled
    screen = pilot.app.screen
    assert isinstance(screen, SourcesScreen)
    await pilot.press("g")
    for _ in range(10):
        await settle(pilot)
        if screen.table.selected_key == source:
            return
        await pilot.press("j")
    raise AssertionError(f"no row {source}")


# ---------------------------------------------------------------- the screen


async def test_rows_say_each_state_in_words(seeded: Path) -> None:
    async with running(seeded, size=(120, 30)) as pilot:
        await open_sources(pilot)
        status = static_text(pilot, "#sources-status")
        assert f"collector: {HOLDER}, lease until 12:00:30 UTC" in status
        assert "2 ok" not in status and "1 ok" in status and "1 auth failed" in status

        hn = row(pilot, "hackernews")
        assert "✓ ok" in hn and "12s ago" in hn and " 42 " in hn
        masto = row(pilot, "mastodon:notif")
        assert "… backing off" in masto and "10m ago" in masto and "12:03:20" in masto
        assert "Mastodon: HTTP 503 Service Unavailable" in masto
        reddit = row(pilot, "reddit")
        assert "✗ auth failed" in reddit and "never" in reddit and AUTH_ERROR[:40] in reddit
        alerts = row(pilot, "rss:alerts")
        assert "⚠ degraded" in alerts and "12:01:05" in alerts and " 3 " in alerts
        # Sorted by name, the order the store gives.
        keys = [line.split()[0] for line in table_lines(pilot)[1:5]]
        assert keys == ["hackernews", "mastodon:notif", "reddit", "rss:alerts"]


async def test_detail_shows_the_full_error_backoff_and_cursor(seeded: Path) -> None:
    async with running(seeded, size=(120, 40)) as pilot:
        await open_sources(pilot)
        await goto(pilot, "mastodon:notif")
        text = detail(pilot)
        assert "mastodon:notif → mastodon · … backing off · 1 failure in a row" in text
        assert "Last fetched 10m ago (2026-11-20 11:50:00 UTC) · 7 mentions stored" in text
        assert "Backing off until 2026-11-20 12:03:20 UTC (in 3m)" in text
        assert "Last error 30s ago (2026-11-20 11:59:30 UTC): Mastodon: HTTP 503" in text
        assert "Cursor: 110" in text

        await goto(pilot, "reddit")
        text = detail(pilot)
        assert "Never fetched · 0 mentions stored" in text
        assert "Fix them in the config" in text
        assert AUTH_ERROR in text

        await goto(pilot, "hackernews")
        text = " ".join(detail(pilot).split())
        assert "Backfilling: reached 2026-11-19 18:05, older pages still to come" in text
        assert 'Cursor: {"after": 1763639988, "page": "axxx' in text
        assert text.count("x") < 200  # an opaque cursor is cut short
        assert "Earlier error" not in text and "Last error" not in text


async def test_hostile_error_text_is_inert(seeded: Path) -> None:
    async with running(seeded, size=(120, 40)) as pilot:
        screen = await open_sources(pilot)
        await goto(pilot, "rss:alerts")
        shown = "\n".join([*table_lines(pilot), detail(pilot)])
        assert "\x1b" not in shown and "\x07" not in shown
        # Markup is shown as the text it is, not obeyed or swallowed.
        assert "[@click=app.quit]click for refund[/]" in detail(pilot)
        assert "[URGENT] sync is down" in detail(pilot)
        assert "click here" in detail(pilot)
        assert "feed said" in row(pilot, "rss:alerts")
        assert pilot.app.screen is screen  # nothing was clicked into quitting


async def test_a_change_in_the_database_shows_without_a_key(seeded: Path) -> None:
    async with running(seeded, size=(120, 30)) as pilot:
        screen = await open_sources(pilot)
        await goto(pilot, "reddit")
        assert "✓ ok" in row(pilot, "hackernews")
        db = await Database.open(seeded)  # as `scrm watch` in another process would
        try:
            await SourceStateStore(db).failed(
                "hackernews",
                "hackernews",
                error="HN Algolia: HTTP 429 Too Many Requests",
                state="backoff",
                until_ms=NOW_MS + 45_000,
                now_ms=NOW_MS,
            )
            await SourceStateStore(db).succeeded(
                "bluesky", "bluesky", cursor=None, stored=3, now_ms=NOW_MS - 2_000
            )
        finally:
            await db.close()
        await wait_until(pilot, lambda: "… backing off" in row(pilot, "hackernews"))
        assert "12:00:45" in row(pilot, "hackernews")
        assert "HN Algolia: HTTP 429" in row(pilot, "hackernews")
        await wait_until(pilot, lambda: any(" bluesky " in line for line in table_lines(pilot)))
        assert "just now" in row(pilot, "bluesky")
        # The cursor stayed on the row it was on, though a row was added above it.
        assert screen.table.selected_key == "reddit"
        assert "2 backing off" in static_text(pilot, "#sources-status")


async def test_help_then_q_returns_to_the_inbox(seeded: Path) -> None:
    async with running(seeded) as pilot:
        await open_sources(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(pilot.app.screen, InboxScreen)
        await open_sources(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, InboxScreen)


async def test_no_sources_and_no_collector(db_path: Path) -> None:
    async with running(db_path) as pilot:
        await open_sources(pilot)
        assert "no collector running: start `scrm watch`" in static_text(pilot, "#sources-status")
        assert " ".join(detail(pilot).split()) == EMPTY


async def test_an_expired_lease_is_not_a_collector(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        assert await LeaseStore(db).acquire("collector", HOLDER, NOW_MS - 60_000, 30_000)
    finally:
        await db.close()
    async with running(db_path, size=(120, 30)) as pilot:
        await open_sources(pilot)
        status = static_text(pilot, "#sources-status")
        assert f"no collector running ({HOLDER} stopped renewing at 11:59:30 UTC)" in status


def test_sources_snapshot(snap_compare, seeded: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:
        await open_sources(pilot)
        await goto(pilot, "mastodon:notif")

    assert snap_compare(make_app(seeded), terminal_size=(80, 24), run_before=run_before)


def test_inbox_top_line_snapshot(snap_compare, seeded: Path) -> None:  # type: ignore[no-untyped-def]
    # The inbox, not the S screen: its top line sums the sources up at 80 columns.
    async def run_before(pilot: Pilot) -> None:
        await wait_until(pilot, lambda: "sources:" in static_text(pilot, "#sources-line"))

    assert snap_compare(make_app(seeded), terminal_size=(80, 24), run_before=run_before)


async def test_the_top_line_fits_80_columns_without_cutting_a_number(seeded: Path) -> None:
    async with await Inbox.open(seeded, "tester", fixed_clock) as box:  # the app's agent
        ids = (await box.ingest([mention(n, f"post {n}") for n in range(1, 301)])).stored
        await box.set_read(ids[39:], True)
    async with running(seeded, size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "sources:" in static_text(pilot, "#sources-line"))
        await pilot.press("G")  # the widest position: 300/300
        await settle(pilot)
        status = static_text(pilot, "#status")
        assert "300 mentions · 39 unread" in status and "…" not in status
        assert static_text(pilot, "#position") == "300/300"
        sources = static_text(pilot, "#sources-line")
        assert sources.startswith("sources: ") and not sources.endswith("…")
        # With everything the line can say, each number is still whole.
        screen = inbox_screen(pilot)
        screen.not_sent = 12
        screen.mention_list.set_marks(set(ids[:5]))
        screen.update_status()
        await settle(pilot)
        status = static_text(pilot, "#status")
        for number in ("300", "39 unread", "✗ 12", "5 sel"):
            assert number in status, status
        assert not status.endswith("…")


def test_the_status_line_gets_shorter_words_before_it_loses_a_number() -> None:
    full = Status(
        "scrm scrm.db", 1523, 39, not_sent=2, selected=3, filter="sync broken", matched=109
    )
    lines = [v.plain for v in versions(full)]
    assert (
        lines[0]
        == "scrm scrm.db  /sync broken → 109 of 1,523 · 39 unread · ✗ 2 not sent (O) · 3 selected"
    )
    assert [len(line) for line in lines] == sorted((len(line) for line in lines), reverse=True)
    for line in lines:
        for number in ("109", "1,523", "39", "✗ 2", "3 sel"):
            assert number in line


def test_background_work_gives_way_before_the_filter_is_cut() -> None:
    """At 80 columns during a long job, the filter the list shows stays whole: the
    job's progress is dropped first (it was cut to `/post…` with the job gone too)."""
    busy = Status(
        "scrm 1m.db",
        1_010_000,
        1_010_000,
        filter="postmortem",
        matched=15_037,
        work="indexing customers 40%",
    )
    room = 80 - 2 - len("1/15,037") - 2  # the line's share beside the position
    shown = next(v.plain for v in versions(busy) if v.cell_length <= room)
    assert "/postmortem → 15,037 of 1,010,000" in shown
    assert "indexing customers 40%" in versions(busy)[0].plain


# ---------------------------------------------------------------- summary()


def state(
    source: str, value: str = "ok", *, until_ms: int | None = None, failures: int = 0
) -> SourceState:
    return SourceState(
        source=source,
        channel=source,
        cursor=None,
        state=value,
        failures=failures,
        backoff_until_ms=until_ms,
        last_ok_ms=NOW_MS - 60_000,
        last_error=None if value == "ok" else "boom",
        last_error_ms=None if value == "ok" else NOW_MS,
        stored=0,
        updated_ms=NOW_MS,
    )


LIVE = (HOLDER, NOW_MS + 30_000)


def test_summary_with_no_sources() -> None:
    assert summary([], LIVE, NOW_MS) == "sources: none"
    assert summary([], None, NOW_MS) == "sources: none"


def test_summary_counts_ok_and_names_the_rest() -> None:
    states = [
        *(state(f"ok{n}") for n in range(5)),
        state("hn", "backoff", until_ms=NOW_MS + 100_000),
        state("reddit", "auth"),
    ]
    line = summary(states, LIVE, NOW_MS)
    assert line == "sources: 5 ok · reddit auth failed · hn backing off until 12:01"
    assert len(line) <= 64


def test_summary_all_ok() -> None:
    assert summary([state("a"), state("b")], LIVE, NOW_MS) == "sources: 2 ok · fetched 1m ago"


def test_summary_says_when_nobody_polls() -> None:
    assert summary([state("a")], None, NOW_MS) == "sources: 1 ok · not polling"
    expired = (HOLDER, NOW_MS - 1)
    assert summary([state("a")], expired, NOW_MS) == "sources: 1 ok · not polling"


def test_summary_backoff_over_and_off_sources() -> None:
    states = [state("hn", "degraded", until_ms=NOW_MS - 1), state("gh", "off"), state("a")]
    assert summary(states, LIVE, NOW_MS) == "sources: 1 ok · fetched 1m ago · hn degraded · 1 off"


def test_summary_counts_by_state_when_the_names_do_not_fit() -> None:
    states = [
        *(state(f"source-number-{n}", "auth") for n in range(8)),
        state("hn", "backoff", until_ms=NOW_MS + 100_000),
        state("a"),
    ]
    line = summary(states, None, NOW_MS)
    assert line == "sources: 1 ok · 8 auth failed · 1 backing off · not polling"
    few = [state("a"), state("reddit", "auth"), state("hn", "backoff", until_ms=NOW_MS + 1)]
    # 64 characters: no room for when the last fetch was, nor the reason ("boom").
    assert summary(few, LIVE, NOW_MS) == (
        "sources: 1 ok · reddit auth failed · hn backing off until 12:00"
    )
    # A narrow terminal gives the line less room: the names give way to counts.
    assert summary(few, LIVE, NOW_MS, width=48) == "sources: 1 ok · 1 auth failed · 1 backing off"
    # Narrower still, the marks the sources screen uses.
    assert summary(few, LIVE, NOW_MS, width=30) == "sources: 1 ✓ · 1 ✗ auth · 1 …"


def test_summary_names_are_inert() -> None:
    line = summary([state("evil\x1b]0;pwned\x07", "auth")], LIVE, NOW_MS)
    assert "\x1b" not in line and "\x07" not in line


def test_summary_shows_how_far_a_backfill_has_reached() -> None:
    states = [state("a"), replace(state("hackernews:kestrel"), backfill="2026-11-19 18:05")]
    assert summary(states, LIVE, NOW_MS) == (
        "sources: 1 ok · hackernews:kest… backfill at 11-19 18:05"
    )


def test_summary_gives_a_refused_token_its_reason_when_there_is_room() -> None:
    refused = replace(state("reddit", "auth"), last_error="Reddit: HTTP 401: invalid_grant")
    assert summary([state("a"), refused], LIVE, NOW_MS) == (
        "sources: 1 ok · reddit auth failed: invalid_grant"
    )


def test_summary_names_a_feed_read_in_part_and_what_broke() -> None:
    broken = replace(
        state("rss:news", "warning"),
        last_error="news: read 1 entry, but the feed is not valid XML: line 3: no element found",
    )
    line = summary([state("a"), broken], LIVE, NOW_MS, width=80)
    assert line == "sources: 1 ok · fetched 1m ago · rss:news partly read: no element found"
    assert summary([state("a"), broken], LIVE, NOW_MS, width=30) == "sources: 1 ok · 1 partly read"
    assert summary([state("a"), broken], LIVE, NOW_MS, width=24) == "sources: 1 ✓ · 1 ⚠ part"
