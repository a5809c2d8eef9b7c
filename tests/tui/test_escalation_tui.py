"""Escalating a mention (`e`), the escalations queue (`E`): driven by keys, checked in SQLite."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, RadioSet, TextArea

from scrm_tui.core.config import Config, HookSpec, Team
from scrm_tui.core.models import Escalation
from scrm_tui.core.outgoing import Webhook
from scrm_tui.core.query import Query
from scrm_tui.service.credentials import Credentials
from scrm_tui.service.inbox import Inbox
from scrm_tui.store.escalations import EscalationStore
from scrm_tui.ui.app import ScrmApp
from scrm_tui.ui.dialogs.escalate import EscalateScreen
from scrm_tui.ui.dialogs.resolve import ResolveScreen
from scrm_tui.ui.screens.escalations import EscalationsScreen
from scrm_tui.ui.widgets.queue_list import QueueList
from tests.conftest import NOW, fixed_clock, mention
from tests.support import hostile
from tests.support.tui import inbox_screen, make_app, settle, static_text, wait_until

NOW_S = NOW.timestamp()
# What can be typed: markup (escape sequences come from seeded text below).
HOSTILE_NOTE = "[URGENT] refund [/x] now [@click=app.quit]x[/]"


def teams(port: int | None = None) -> tuple[Team, ...]:
    """Engineering's Discord hook is not configured (a problem to show); billing's two
    hooks point at the loopback server when there is one."""
    return (
        Team(
            "engineering",
            "Bugs and outages",
            (HookSpec("discord", "discord", {"url_env": "SCRM_DISCORD_ENG"}),),
        ),
        Team(
            "billing",
            "Refunds, invoices",
            (
                HookSpec("slack", "slack", {"url_env": "SCRM_TEST_SLACK"}),
                HookSpec("discord", "discord", {"url_env": "SCRM_TEST_DISCORD"}),
            ),
        ),
    )


class _Hooks(BaseHTTPRequestHandler):
    """Slack says ok; the Discord webhook was deleted (Discord's 10015)."""

    bodies: list[dict[str, object]]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.server.bodies.append(json.loads(self.rfile.read(length)))  # type: ignore[attr-defined]
        if self.path.startswith("/slack"):
            status, body, kind = 200, b"ok", "text/plain"
        else:
            status, kind = 404, "application/json"
            body = json.dumps({"message": "Unknown Webhook", "code": 10015}).encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, object]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hooks)
    server.bodies = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("SCRM_TEST_SLACK", f"{base}/slack")
    monkeypatch.setenv("SCRM_TEST_DISCORD", f"{base}/discord")
    try:
        yield server.bodies  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


async def _seed_mentions(db_path: Path) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest(
            [
                mention(1, "my invoice is wrong, charged twice", name="Ann Example"),
                mention(2, "sync is broken again"),
            ]
        )


@pytest.fixture
def seeded(db_path: Path) -> Path:
    asyncio.run(_seed_mentions(db_path))
    return db_path


async def listing(db_path: Path) -> list[Escalation]:
    """What another process reading the database sees."""
    async with await Inbox.open(db_path, "reader", fixed_clock) as box:
        return await box.escalations.listing()


def history(db_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT detail, summary FROM interactions WHERE kind = 'escalation' ORDER BY id"
        ).fetchall()
    return [(json.loads(detail)["event"], summary) for detail, summary in rows]


def outbox_states(db_path: Path) -> dict[str, str]:
    with sqlite3.connect(db_path) as conn:
        return dict(conn.execute("SELECT target, state FROM outbox ORDER BY id").fetchall())


def table_lines(pilot: Pilot) -> list[str]:
    table = pilot.app.screen.query_one(QueueList)
    return [table.render_line(y).text for y in range(table.size.height)]


def selected_id(pilot: Pilot) -> int | None:
    row = pilot.app.screen.query_one(QueueList).selected
    return row.id if row is not None else None


def detail(pilot: Pilot) -> str:
    return static_text(pilot, "#esc-detail-text")


def record_notes(pilot: Pilot) -> list[str]:
    """Every notification the app shows from now on, as plain text."""
    said: list[str] = []
    app = pilot.app
    notify = app.notify

    def recording(message: str, *args: object, **kwargs: object) -> None:
        said.append(message)
        notify(message, *args, **kwargs)  # type: ignore[arg-type]

    app.notify = recording  # type: ignore[method-assign]
    return said


def modal_text(pilot: Pilot) -> str:
    screen = pilot.app.screen
    parts = [static_text(pilot, "#escalate-title"), static_text(pilot, "#escalate-priority-label")]
    teams_list = screen.query_one(OptionList)
    parts += [teams_list.render_line(y).text for y in range(teams_list.size.height)]
    return "\n".join(parts)


# ------------------------------------------------------------------ the story


async def test_escalate_acknowledge_resolve_reopen(seeded: Path, hooks: list[dict]) -> None:
    app = make_app(seeded, teams=teams())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        said = record_notes(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(pilot.app.screen, EscalateScreen)
        shown = modal_text(pilot)
        assert "Ann Example: my invoice is wrong" in shown
        assert "billing — Refunds, invoices · slack, discord" in shown
        assert "⚠ discord: $SCRM_DISCORD_ENG is not set" in shown
        assert "Priority: P3 normal" in shown  # the default, in words

        # The note has focus: digits typed there are text, not priorities.
        await pilot.press(*"1 ", *HOSTILE_NOTE)
        await pilot.press("shift+tab", "2")  # the priority row: 2 is P2
        await pilot.press("shift+tab", "down")  # the team list: engineering -> billing
        await settle(pilot)
        assert "Priority: P2 high" in modal_text(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, EscalateScreen)
        assert any(s.startswith("Escalated to billing (P2) as #1; telling slack") for s in said)

        [esc] = await listing(seeded)
        assert (esc.team, esc.priority, esc.state, esc.created_by) == (
            "billing",
            "P2",
            "open",
            "tester",
        )
        assert esc.note == "1 " + HOSTILE_NOTE
        assert esc.created_ms == int(NOW_S * 1000)

        # The app's sender tells both hooks; the deleted Discord hook fails for good.
        def delivered() -> bool:
            return outbox_states(seeded) == {"billing/slack": "sent", "billing/discord": "failed"}

        await wait_until(pilot, delivered)
        assert len(hooks) == 2  # each hook was called once

        await pilot.press("E")
        await settle(pilot)
        assert isinstance(pilot.app.screen, EscalationsScreen)
        [row] = [line for line in table_lines(pilot) if "billing" in line]
        assert "P2" in row and "open" in row and "4h left" in row and "Ann Example" not in row
        assert "user1@example" in row  # not linked to a customer: the author's handle
        text = detail(pilot)
        assert "#1 P2 → billing · open · SLA 4h: 4h left" in text
        assert "Escalated by tester just now" in text
        assert "1 [URGENT] refund [/x] now [@click=app.quit]x[/]" in text
        assert "slack: ✓ sent" in text
        assert 'discord: ✗ failed — the Discord webhook "discord" was deleted (10015' in text
        assert "my invoice is wrong" in text
        assert hostile.is_terminal_safe(text)

        await pilot.press("a")
        await settle(pilot)
        [esc] = await listing(seeded)
        assert (esc.state, esc.acked_by) == ("acknowledged", "tester")
        assert "acked" in next(line for line in table_lines(pilot) if "billing" in line)
        assert "Acknowledged by tester just now" in detail(pilot)
        assert "Acknowledged #1 (billing, P2)." in said

        await pilot.press("x")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ResolveScreen)
        await pilot.press(*"refunded the second charge", "ctrl+s")
        await settle(pilot)
        [esc] = await listing(seeded)
        assert (esc.state, esc.resolved_by, esc.resolution) == (
            "resolved",
            "tester",
            "refunded the second charge",
        )
        assert any(s.startswith("Resolved #1 (billing, P2); telling slack") for s in said)
        # Filter 1 shows open and acknowledged ones only; 2 the resolved.
        assert not any("billing" in line for line in table_lines(pilot))
        assert "No open escalations. Resolved ones: press 2." in detail(pilot)
        await pilot.press("2")
        await settle(pilot)
        row = next(line for line in table_lines(pilot) if "billing" in line)
        assert "resolved" in row and "in time" in row
        assert "Resolution: refunded the second charge" in detail(pilot)

        await pilot.press("o")
        await settle(pilot)
        [esc] = await listing(seeded)
        assert esc.state == "open" and esc.resolved_ms is None
        assert "Reopened #1 (billing, P2)." in said
        await pilot.press("3")
        await settle(pilot)
        assert "open" in next(line for line in table_lines(pilot) if "billing" in line)

        await pilot.press("q")  # back to the inbox, not quit
        await settle(pilot)
        assert pilot.app.screen is inbox_screen(pilot)

    # Each change is in the author's history (the audit trail), with who did it.
    events = [event for event, _ in history(seeded)]
    assert events[0] == "opened" and events.count("delivered") >= 2
    assert [e for e in events if e != "delivered"] == ["opened", "acknowledged", "resolved", "open"]
    summaries = dict(history(seeded))
    assert summaries["opened"].startswith("escalated to billing (P2): 1 [URGENT]")
    assert summaries["resolved"].endswith("resolved: refunded the second charge")


async def open_form(pilot: Pilot) -> None:
    """`e` on the first mention, once the inbox has loaded."""
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)


async def test_escape_cancels_and_writes_nothing(seeded: Path) -> None:
    app = make_app(seeded, teams=teams())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press(*"never mind", "escape")
        await settle(pilot)
        assert pilot.app.screen is inbox_screen(pilot)
    assert await listing(seeded) == []


async def test_blank_note_is_fine_and_keys_pick_priority(seeded: Path) -> None:
    app = make_app(seeded, teams=teams())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("shift+tab", "1", "ctrl+s")  # no note, P1, the first team
        await settle(pilot)
    [esc] = await listing(seeded)
    assert (esc.team, esc.priority, esc.note) == ("engineering", "P1", "")


async def test_every_key_the_form_offers_works_where_it_is_offered(seeded: Path) -> None:
    app = make_app(seeded, teams=teams())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        form = pilot.app.screen
        assert isinstance(form, EscalateScreen)

        def state() -> tuple[str | None, str, str]:
            note = form.query_one("#escalate-note", TextArea).text
            return (form.team.name if form.team else None, form.priority, note)

        # In the note: digits are text; Alt+digit sets the priority, Alt+↓ the team.
        keys = " ".join(static_text(pilot, "#escalate-keys").split())
        assert "alt+1-4 priority" in keys and "alt+↑↓ team" in keys
        await pilot.press("1", "alt+2", "alt+down", "down")
        assert state() == ("billing", "P2", "1")
        await pilot.press("alt+up", "alt+4")
        assert state() == ("engineering", "P4", "1")

        # On the priorities: ← → and digits choose it, ↑ ↓ the team, Tab the note.
        await pilot.press("shift+tab")
        keys = static_text(pilot, "#escalate-keys")
        assert "←→ 1-4 priority" in keys and "↑↓ team" in keys and "tab note" in keys
        await pilot.press("left", "left", "down")
        assert state() == ("billing", "P2", "1")
        await pilot.press("3", "up")
        assert state() == ("engineering", "P3", "1")
        await pilot.press("tab")
        assert isinstance(pilot.app.focused, TextArea)

        # On the teams: ↑ ↓ choose, digits the priority, Enter moves on.
        await pilot.press("shift+tab", "shift+tab")
        keys = static_text(pilot, "#escalate-keys")
        assert "↑↓ team" in keys and "1-4 priority" in keys and "enter next" in keys
        await pilot.press("down", "1", "enter")
        assert state() == ("billing", "P1", "1")
        assert isinstance(pilot.app.focused, RadioSet)
        await pilot.press("ctrl+s")
        await settle(pilot)
    [esc] = await listing(seeded)
    assert (esc.team, esc.priority, esc.note) == ("billing", "P1", "1")


async def test_without_teams_e_says_how_to_add_one(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        said = record_notes(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert pilot.app.screen is inbox_screen(pilot)
        assert any("add a [teams.<name>] section to the config" in s for s in said)
        await pilot.press("E")  # the queue still opens, and says what to do
        await settle(pilot)
        said_there = " ".join(detail(pilot).split())
        assert said_there.startswith("No open escalations.")
        assert "No teams are configured yet: add a [teams.<name>] section" in said_there


# ------------------------------------------------------------------ late, hostile, snapshots

SHORT_SLA = {"P1": 60.0, "P2": 4 * 3600.0, "P3": 24 * 3600.0, "P4": 72 * 3600.0}


async def _seed_queue(db_path: Path) -> None:
    """Three escalations made two hours ago, one of them acknowledged, with webhook
    deliveries sent and failed (a server's error text is a stranger's text too)."""
    await _seed_mentions(db_path)

    def two_hours_ago() -> float:
        return NOW_S - 7200

    async with await Inbox.open(db_path, "dana", two_hours_ago) as box:
        slack = Webhook("slack", "slack", "https://hooks.invalid/x")
        box.configure(
            Config(teams=teams(), sla_s=SHORT_SLA), Credentials(hooks={"billing": [slack]})
        )
        rows = await box.page_at(Query(), 0, 10, None)
        by_text = {row.snippet.split()[0]: row.id for row in rows}
        await box.escalations.escalate(
            by_text["my"],
            "billing",
            "P1",
            "charged twice: refund " + hostile.MARKUP["click action"],
        )
        second = await box.escalations.escalate(
            by_text["sync"], "engineering", "P3", "sync outage, see #ops"
        )
        await box.escalations.escalate(None, "billing", "P2", hostile.ESCAPES["osc 52 clipboard"])
        await box.escalations.acknowledge(second)
        now_ms = int(two_hours_ago() * 1000)
        first = await box.outbox.claim("w", now_ms, 60_000, (), {"billing/slack"})
        assert first is not None
        await box.outbox.mark_failed(
            first.id, "HTTP 500: " + hostile.ESCAPES["csi colour"] + " [b]x[/b]", now_ms
        )
        third = await box.outbox.claim("w", now_ms, 60_000, (), {"billing/slack"})
        assert third is not None
        await box.outbox.mark_sent(third.id, "r1", None, now_ms, False)


@pytest.fixture
def queue(db_path: Path) -> Path:
    asyncio.run(_seed_queue(db_path))
    return db_path


async def test_late_escalations_say_LATE_and_hostile_text_is_inert(queue: Path) -> None:
    app = make_app(queue, teams=teams(), sla_s=SHORT_SLA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        lines = table_lines(pilot)
        late = next(line for line in lines if " P1 " in line)
        assert "LATE 1h" in late  # made 2h ago, a 1-minute SLA: late by a word, not a colour
        assert "22h left" in next(line for line in lines if " P3 " in line)
        assert "acked" in next(line for line in lines if " P3 " in line)
        assert "2h left" in next(line for line in lines if " P2 " in line)
        status = static_text(pilot, "#esc-status")
        assert "open & acknowledged · 3 · 1 LATE" in status
        await pilot.press("G")  # newest first: the oldest, the P1 one, is last
        await wait_until(pilot, lambda: selected_id(pilot) == 1)
        text = detail(pilot)
        assert "#1 P1 → billing · open · SLA 1m: LATE by 1h" in text
        assert "[@click=app.quit]click for refund[/]" in text
        assert "slack: ✗ failed — HTTP 500: ␛[31mred text␛[0m after [b]x[/b]" in text
        for table_line in lines:
            assert hostile.is_terminal_safe(table_line)
        assert hostile.is_terminal_safe(text)
        await pilot.press("g")
        await wait_until(pilot, lambda: selected_id(pilot) == 3)
        text = detail(pilot)
        assert "copy␛]52;c;ZWNobyBwd25lZA==␇done" in text and "slack: ✓ sent" in text
        assert hostile.is_terminal_safe(text)


async def test_the_queue_refreshes_itself(queue: Path) -> None:
    """Another agent acknowledges one and resolves the one above it: the row changes and
    the other leaves without a key press; the cursor stays on its escalation."""
    app = make_app(queue, teams=teams(), sla_s=SHORT_SLA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, EscalationsScreen)
        assert selected_id(pilot) == 1  # newest first: #3, #2, #1
        async with await Inbox.open(queue, "kim", fixed_clock) as other:
            await other.escalations.acknowledge(1)
            await other.escalations.resolve(2, "fixed in 4.2.1")

        def moved() -> bool:
            lines = table_lines(pilot)
            return "acked" in next(line for line in lines if " P1 " in line) and not any(
                " P3 " in line for line in lines
            )

        await wait_until(pilot, moved)
        assert selected_id(pilot) == 1  # still on the same escalation, one line up
        await wait_until(pilot, lambda: "Acknowledged by kim" in detail(pilot))


def _open(keys: tuple[str, ...]) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_escalations_snapshot(snap_compare, queue: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(queue, teams=teams(), sla_s=SHORT_SLA)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open(("E",)))


def test_escalate_modal_snapshot(snap_compare, seeded: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Billing's hooks are set (nothing is sent: the form is never saved).
    monkeypatch.setenv("SCRM_TEST_SLACK", "https://hooks.invalid/slack")
    monkeypatch.setenv("SCRM_TEST_DISCORD", "https://hooks.invalid/discord")
    app = make_app(seeded, teams=teams())

    # Focus on the priorities (P2 pressed): the note's blinking cursor is not in the picture.
    run_before = _open(("e", *"charged twice", "shift+tab", "2"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_the_late_count_is_read_again_only_when_one_changes_or_comes_due(
    queue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 100k open, counting the LATE ones cost a scan on every look (each second).
    Nothing changed and none came due: no count; the clock passes the next SLA: the
    status line says one more is LATE without any change to the escalations."""
    now = [NOW_S]
    counted: list[int] = []
    late_and_due = EscalationStore.late_and_due

    async def counting(self: EscalationStore, *args: object) -> tuple[int, int | None]:
        counted.append(1)
        return await late_and_due(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(EscalationStore, "late_and_due", counting)
    looks: list[int] = []
    change_mark = EscalationStore.change_mark

    async def looked(self: EscalationStore) -> tuple[int, int]:
        looks.append(1)
        return await change_mark(self)

    monkeypatch.setattr(EscalationStore, "change_mark", looked)
    app = ScrmApp(
        db_path=queue,
        agent="tester",
        config=Config(teams=teams(), sla_s=SHORT_SLA),
        clock=lambda: now[0],
        poll_interval=0.05,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert "open & acknowledged · 3 · 1 LATE" in static_text(pilot, "#esc-status")
        read, look = len(counted), len(looks)
        await wait_until(pilot, lambda: len(looks) >= look + 3)
        assert len(counted) == read
        now[0] += 3 * 3600  # past the P2's SLA (2h left)
        await wait_until(pilot, lambda: "· 2 LATE" in static_text(pilot, "#esc-status"))
