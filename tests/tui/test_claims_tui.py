"""Claims from the keyboard: another agent's claim on the row and in the pane, the
question before answering over it, a send held because someone answered meanwhile,
and a claim that lapses when its form sits idle."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from scrm_tui.core.config import Config
from scrm_tui.service.credentials import resolve
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.app import ScrmApp
from scrm_tui.ui.dialogs.collision import ConfirmClaim, HeldScreen
from scrm_tui.ui.dialogs.compose import ComposeScreen
from scrm_tui.ui.dialogs.escalate import EscalateScreen
from scrm_tui.ui.screens.inbox import InboxScreen
from scrm_tui.ui.widgets.mention_list import MentionList
from tests.conftest import NOW, fixed_clock, mention
from tests.fakes.loopback import Loopback, serve
from tests.support.claiming import own_session
from tests.support.clock import Clock
from tests.support.outgoing import config_for
from tests.support.tui import (
    make_app,
    press,
    settle,
    static_text,
    toasts,
    wait_until,
    wait_while_working,
)


@pytest.fixture
def server() -> Iterator[Loopback]:
    yield from serve(lenient=True)  # every status a reply answers exists


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW.timestamp())


def accounts(server: Loopback) -> dict[str, Any]:
    config = config_for(server)
    return {"networks": config.networks, "teams": config.teams}


async def seed(db_path: Path) -> None:
    """Three mentions; the first (the top row) is the newest."""
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.ingest([mention(n, f"sync broken, post {n}") for n in range(1, 4)])


@asynccontextmanager
async def dana(
    db_path: Path, clock: Callable[[], float], server: Loopback | None = None
) -> AsyncIterator[Inbox]:
    """Another agent, as another process would be (a session of her own)."""
    inbox = await Inbox.open(db_path, "dana", clock)
    if server is not None:
        config = config_for(server)
        inbox.configure(config, resolve(config, {}))
    own_session(inbox)
    try:
        yield inbox
    finally:
        await inbox.close()


@asynccontextmanager
async def as_tester(
    db_path: Path, clock: Callable[[], float], **config: Any
) -> AsyncIterator[Pilot]:
    app = ScrmApp(
        db_path=db_path,
        agent="tester",
        config=Config(**config),
        clock=clock,
        poll_interval=0.05,
    )
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        yield pilot


def inbox_of(pilot: Pilot) -> InboxScreen:
    return next(s for s in pilot.app.screen_stack if isinstance(s, InboxScreen))


def lines(pilot: Pilot) -> list[str]:
    """The list's lines (also while a form covers it)."""
    widget = inbox_of(pilot).query_one(MentionList)
    return [widget.render_line(y).text for y in range(widget.scrollable_content_region.height)]


def pane_claim(pilot: Pilot) -> str:
    widget = inbox_of(pilot).query_one("#detail-claim")
    return "" if widget.has_class("-hidden") else str(widget.render().plain).strip()


def claims(db_path: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(db_path) as conn:
        return list(conn.execute("SELECT mention_id, agent, kind FROM claims ORDER BY agent"))


def history(db_path: Path, kind: str) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        return list(conn.execute("SELECT actor, summary FROM interactions WHERE kind = ?", (kind,)))


def shown(pilot: Pilot, selector: str) -> str:
    return " ".join(str(w.render().plain) for w in pilot.app.screen.query(selector))


async def asked(pilot: Pilot, *keys: str, screen: type[Any] = ConfirmClaim) -> None:
    """Press keys that end in a question (a modal a worker waits on): settle() would
    wait for that worker, which waits for the answer."""
    await pilot.press(*keys)
    await wait_while_working(pilot, lambda: isinstance(pilot.app.screen, screen))


# ---------------------------------------------------------------- seeing a claim


async def test_another_agents_claim_shows_on_the_row_and_in_the_pane_and_ticks(
    db_path: Path, clock: Clock
) -> None:
    await seed(db_path)
    async with as_tester(db_path, clock) as pilot, dana(db_path, clock) as her:
        await her.presence.claim([1], "reply")
        clock.now += 12
        await wait_until(pilot, lambda: "✎ dana, 12s sync broken, post 1" in lines(pilot)[0])
        await wait_until(pilot, lambda: pane_claim(pilot) == "✎ dana, 12s · answering it now")
        assert "✎" not in "".join(lines(pilot)[1:])
        clock.now += 3  # no write: the time counts on by itself
        await wait_until(pilot, lambda: "✎ dana, 15s" in lines(pilot)[0])
        await wait_until(pilot, lambda: pane_claim(pilot).startswith("✎ dana, 15s"))

        await her.presence.release([1])
        await wait_until(pilot, lambda: "✎" not in "".join(lines(pilot)))
        await wait_until(pilot, lambda: pane_claim(pilot) == "")


async def test_your_own_claim_is_no_warning_to_you(
    db_path: Path, clock: Clock, server: Loopback
) -> None:
    await seed(db_path)
    async with as_tester(db_path, clock, **accounts(server)) as pilot, dana(db_path, clock) as her:
        await press(pilot, "r")
        assert isinstance(pilot.app.screen, ComposeScreen)
        assert claims(db_path) == [(1, "tester", "reply")]
        await her.presence.claim([2], "reply")  # once the list shows hers, it read all rows
        await wait_until(pilot, lambda: "✎ dana" in lines(pilot)[1])
        assert "✎" not in lines(pilot)[0]
        assert pane_claim(pilot) == ""
        await press(pilot, "escape")
        assert claims(db_path) == [(2, "dana", "reply")]  # closing the composer ends it


# ---------------------------------------------------------------- answering over a claim


@pytest.mark.parametrize(("cancel", "go_on"), [("escape", "enter"), ("n", "y")])
async def test_opening_a_claimed_mention_asks_who_is_answering_first(
    db_path: Path, clock: Clock, server: Loopback, cancel: str, go_on: str
) -> None:
    await seed(db_path)
    async with as_tester(db_path, clock, **accounts(server)) as pilot, dana(db_path, clock) as her:
        await her.presence.claim([1], "reply")
        clock.now += 12
        await asked(pilot, "r")
        assert "dana is answering this (since 12s)" in shown(pilot, "#claim-who")
        await press(pilot, cancel)
        assert isinstance(pilot.app.screen, InboxScreen)  # left to dana
        assert claims(db_path) == [(1, "dana", "reply")]
        assert history(db_path, "claim") == []

        await asked(pilot, "r")
        await press(pilot, go_on)
        assert isinstance(pilot.app.screen, ComposeScreen)
        assert claims(db_path) == [(1, "dana", "reply"), (1, "tester", "reply")]
        assert history(db_path, "claim") == [("tester", "went on although dana had claimed it")]


async def test_the_escalate_form_claims_and_asks_over_another_escalation(
    db_path: Path, clock: Clock, server: Loopback
) -> None:
    await seed(db_path)
    async with as_tester(db_path, clock, **accounts(server)) as pilot, dana(db_path, clock) as her:
        await press(pilot, "e")
        assert isinstance(pilot.app.screen, EscalateScreen)
        assert claims(db_path) == [(1, "tester", "escalate")]
        await press(pilot, "escape")
        assert claims(db_path) == []

        await her.presence.claim([1], "escalate")
        await asked(pilot, "e")
        assert "dana is escalating this (since 0s)" in shown(pilot, "#claim-who")
        await press(pilot, "n")  # the form closes with the question: nothing claimed
        assert isinstance(pilot.app.screen, InboxScreen)
        assert claims(db_path) == [(1, "dana", "escalate")]


# ---------------------------------------------------------------- a send held


async def held(pilot: Pilot, her: Inbox, mention_id: int, mine: str, theirs: str) -> None:
    """Open the composer and write `mine`; dana answers meanwhile with `theirs`; Ctrl+S
    is held and shows her answer."""
    await press(pilot, "r")
    assert isinstance(pilot.app.screen, ComposeScreen)
    await pilot.press(*mine)
    await settle(pilot)
    compose = await her.replies.compose(mention_id)
    await her.replies.send(compose, compose.text + theirs)
    await asked(pilot, "ctrl+s", screen=HeldScreen)


@asynccontextmanager
async def answering_with_dana(
    db_path: Path, clock: Clock, server: Loopback
) -> AsyncIterator[tuple[Pilot, Inbox]]:
    """The seeded inbox, able to send, and dana, able to send too."""
    await seed(db_path)
    async with (
        as_tester(db_path, clock, **accounts(server)) as pilot,
        dana(db_path, clock, server) as her,
    ):
        yield pilot, her


def outbox(db_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        return list(conn.execute("SELECT created_by, text FROM outbox ORDER BY id"))


async def test_a_send_held_shows_the_other_reply_and_sends_anyway_on_s(
    db_path: Path, clock: Clock, server: Loopback
) -> None:
    async with answering_with_dana(db_path, clock, server) as (pilot, her):
        await held(pilot, her, 1, "fixing it now", "on it \x1b[2J[b]now[/b]")
        assert "dana · a reply · queued 0s ago" in shown(pilot, ".held-head")
        assert "on it ␛[2J[b]now[/b]" in shown(pilot, ".held-text")  # inert, as typed
        assert len(outbox(db_path)) == 1  # held: not queued

        await press(pilot, "s")
        assert isinstance(pilot.app.screen, InboxScreen)
        assert [who for who, _ in outbox(db_path)] == ["dana", "tester"]
        assert history(db_path, "collision") == [("tester", "answered although dana had answered")]
        assert claims(db_path) == []


async def test_after_a_hold_e_edits_and_d_discards(
    db_path: Path, clock: Clock, server: Loopback
) -> None:
    async with answering_with_dana(db_path, clock, server) as (pilot, her):
        await held(pilot, her, 1, "fixing", "on it")
        await press(pilot, "e")
        assert isinstance(pilot.app.screen, ComposeScreen)
        assert "Not sent" in static_text(pilot, "#compose-message")
        await pilot.press(*" too")
        await press(pilot, "ctrl+s")  # dana's reply was seen: it holds no more
        assert outbox(db_path)[-1] == ("tester", "@user1@example.social fixing too")

        await press(pilot, "j")
        await held(pilot, her, 2, "let me look", "done")
        await press(pilot, "d")
        assert isinstance(pilot.app.screen, InboxScreen)
        await wait_until(
            pilot, lambda: any("discarded: dana answered first" in t for t in toasts(pilot))
        )
        assert [who for who, text in outbox(db_path) if "look" in text] == []
        assert ("tester", "dropped a draft: dana answered first") in history(db_path, "collision")
        assert claims(db_path) == []


# ---------------------------------------------------------------- idle


async def test_a_claim_lapses_when_its_form_sits_idle_and_a_key_takes_it_again(
    db_path: Path, clock: Clock, server: Loopback
) -> None:
    await seed(db_path)
    message = "#compose-message"
    async with (
        as_tester(db_path, clock, claim_idle_s=60.0, **accounts(server)) as pilot,
        dana(db_path, clock) as her,
    ):
        await press(pilot, "r")
        assert claims(db_path) == [(1, "tester", "reply")]
        clock.now += 61
        await wait_until(pilot, lambda: "No key for 1 min" in static_text(pilot, message))
        assert claims(db_path) == []
        await pilot.press("x")
        await wait_until(pilot, lambda: claims(db_path) == [(1, "tester", "reply")])
        assert static_text(pilot, message) == ""

        # Lapsed again, and dana came meanwhile: the next key says so.
        clock.now += 61
        await wait_until(pilot, lambda: "No key for 1 min" in static_text(pilot, message))
        await her.presence.claim([1], "reply")
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: "Meanwhile: dana is answering this (since 0s)." in static_text(pilot, message),
        )
        assert claims(db_path) == [(1, "dana", "reply"), (1, "tester", "reply")]


# ---------------------------------------------------------------- snapshot


def test_a_claimed_row_and_pane_snapshot(snap_compare, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(seed(db_path))
    since = int(NOW.timestamp() * 1000) - 12_000

    async def claimed(pilot: Pilot) -> None:
        await settle(pilot)
        with sqlite3.connect(db_path) as conn:  # as dana's process writes it
            conn.execute(
                "INSERT INTO claims VALUES (1, 'dana', 'elsewhere:1:1', 'reply', ?, ?)",
                (since, since),
            )
        await wait_until(pilot, lambda: "✎ dana, 12s" in lines(pilot)[0])
        await wait_until(pilot, lambda: pane_claim(pilot) != "")

    assert snap_compare(make_app(db_path), terminal_size=(80, 24), run_before=claimed)
