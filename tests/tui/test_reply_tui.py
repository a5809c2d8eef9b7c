"""Answering from the keyboard: compose, templates, limits, drafts, macro posts, by hand."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import TextArea

from scrm_tui.core.models import Channel, CustomerIn, MentionIn
from scrm_tui.service.inbox import Inbox
from scrm_tui.ui.app import ScrmApp
from scrm_tui.ui.dialogs.compose import ComposeScreen
from scrm_tui.ui.screens.customer import CustomerScreen
from scrm_tui.ui.widgets.timeline_list import TimelineList
from tests.conftest import fixed_clock, mention
from tests.fakes.loopback import Loopback, serve
from tests.support.outgoing import config_for
from tests.support.tui import inbox_screen, running, settle, static_text

STATUS_ID = "117020583245459824"


@pytest.fixture
def server() -> Iterator[Loopback]:
    for running_server in serve():
        running_server.add_mastodon_status(STATUS_ID)
        yield running_server


def accounts(server: Loopback) -> dict[str, Any]:
    config = config_for(server)
    return {"networks": config.networks, "teams": config.teams}


def with_id(post: MentionIn, external_id: str) -> MentionIn:
    return type(post)(**{**post.__dict__, "external_id": external_id})


async def seed(db_path: Path, *posts: MentionIn) -> None:
    async with await Inbox.open(db_path, "seeder", fixed_clock) as box:
        await box.add_customers(
            [CustomerIn(name="Ann Lee", identities=((Channel.MASTODON, "ann@social.example"),))]
        )
        await box.ingest(list(posts))


def composer_text(pilot: Any) -> str:
    return str(pilot.app.screen.query_one("#compose-text", TextArea).text)


ANN = with_id(
    mention(1, "Kestrel lost my board again", handle="ann@social.example", name="Ann Lee ☕"),
    STATUS_ID,
)


async def test_compose_send_and_see_it_in_the_history(db_path: Path, server: Loopback) -> None:
    await seed(db_path, ANN)
    async with running(db_path, **accounts(server)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ComposeScreen)
        assert composer_text(pilot) == "@ann@social.example "
        assert "5/500" in static_text(pilot, "#compose-counter")  # the domain is not counted
        await pilot.press(*"sorry, fixing it now")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert server.count("mastodon") == 1
        status = server.posts("mastodon")[0]
        assert "@ann@social.example sorry, fixing it now" in str(status)
        answers = static_text(pilot, "#detail-answers")
        assert "✓ sent" in answers and "sorry, fixing it now" in answers
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CustomerScreen)
        timeline = pilot.app.screen.query_one(TimelineList)
        assert timeline.window is not None
        replies = [item for item in timeline.window.rows if item.kind == "reply"]
        assert [(r.actor, r.text, r.direction) for r in replies] == [
            ("tester", "@ann@social.example sorry, fixing it now", "out")
        ]


async def test_a_template_fills_in_the_author(db_path: Path, server: Loopback) -> None:
    await seed(db_path, ANN)
    async with running(db_path, **accounts(server)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press(*"thx")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert composer_text(pilot) == (
            "@ann@social.example Thank you, Ann! That made our day. Glad Kestrel is working "
            "for you, and I've passed this on to the team. – tester"
        )


async def test_over_the_limit_is_refused_with_a_clear_message(
    db_path: Path, server: Loopback
) -> None:
    await seed(db_path, ANN)
    async with running(db_path, **accounts(server)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        pilot.app.screen.query_one("#compose-text", TextArea).text = "@ann@social.example " + (
            "so sorry " * 60
        )
        await settle(pilot)
        assert "over" in static_text(pilot, "#compose-counter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ComposeScreen)
        message = static_text(pilot, "#compose-message")
        assert "Too long for Mastodon: 545 of 500 characters" in message
        assert server.count("mastodon") == 0


async def test_a_draft_survives_esc_and_a_restart(db_path: Path, server: Loopback) -> None:
    await seed(db_path, ANN)
    async with running(db_path, **accounts(server)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"half a thought")
        await pilot.press("escape")
        await settle(pilot)
        assert "✎ an unsent draft" in static_text(pilot, "#detail-answers")
    async with running(db_path, **accounts(server)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        assert composer_text(pilot) == "@ann@social.example half a thought"
    assert server.count("mastodon") == 0


async def test_one_post_answers_three_selected_mentions(db_path: Path, server: Loopback) -> None:
    await seed(
        db_path,
        ANN,
        mention(2, "sync down?", channel=Channel.BLUESKY, handle="b.bsky.social"),
        mention(3, "sync stuck", channel=Channel.HACKERNEWS, handle="cdev"),
        mention(4, "love the new board", handle="d@x.social"),
    )
    async with running(db_path, **accounts(server)) as pilot:
        await pilot.press("space", "space", "space")
        await settle(pilot)
        assert "3 selected" in static_text(pilot, "#status")
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("enter")  # Mastodon: ready, so highlighted first
        await settle(pilot)
        assert isinstance(pilot.app.screen, ComposeScreen)
        await pilot.press(*"Sync is fixed, sorry all")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert server.count("mastodon") == 1
        assert "3 selected" not in static_text(pilot, "#status")
        await pilot.press("g")
        await settle(pilot)
        for _ in range(3):
            answers = static_text(pilot, "#detail-answers")
            assert "one post for many" in answers and "Sync is fixed" in answers
            await pilot.press("j")
            await settle(pilot)
        assert "Sync is fixed" not in static_text(pilot, "#detail-answers")  # the 4th


async def test_without_credentials_the_composer_says_so_first_and_records_by_hand(
    db_path: Path,
) -> None:
    hn = mention(5, "Kestrel is slow", channel=Channel.HACKERNEWS, handle="pg")
    await seed(db_path, ANN, hn)
    async with running(db_path) as pilot:
        await pilot.press("r")
        await settle(pilot)
        banner = static_text(pilot, "#compose-banner")
        assert "scrm cannot post here: no instance" in banner
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("j", "r")
        await settle(pilot)
        banner = static_text(pilot, "#compose-banner")
        assert "Hacker News has no API for posting" in banner
        assert "https://example.social/@user5/5" in banner
        await pilot.press(*"thanks, we are on it")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.clipboard == "thanks, we are on it"
        answers = static_text(pilot, "#detail-answers")
        assert "✓ sent by hand" in answers


async def test_ctrl_s_that_reaches_the_composer_before_it_is_built_still_sends(
    db_path: Path, server: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#10.21. A key not bound in the inbox bubbles up to the App, which resolves it
    against whatever screen is on top by then. Under load the composer's worker can
    push it while Ctrl+S is on that way: the composer's binding then ran before the
    composer had built its widgets (NoMatches '#compose-text'). Here the push happens
    just as Ctrl+S reaches the App, before Textual resolves it."""
    await seed(db_path, ANN)
    async with running(db_path, **accounts(server)) as pilot:
        inbox = inbox_screen(pilot)
        replies = inbox.inbox.replies
        mention_id = inbox.mention_list.selected.id
        await replies.save_draft(await replies.compose(mention_id), "@ann@social.example sorry")
        composer = ComposeScreen(replies, await replies.compose(mention_id), "Reply")

        def on_key(app: ScrmApp, event: events.Key) -> None:
            if event.key == "ctrl+s" and app.screen is inbox:  # the worker finishes now
                app.push_screen(composer)

        # Runs before Textual's own App._on_key, in the same step.
        monkeypatch.setattr(ScrmApp, "on_key", on_key, raising=False)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "@ann@social.example sorry" in str(server.posts("mastodon"))
        assert pilot.app.screen is inbox


async def test_esc_while_a_slow_send_is_under_way_closes_the_composer_once(
    db_path: Path, server: Loopback, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sending and closing each end by closing the composer. Esc during a send that a
    busy database makes slow cancelled the send and kept it as a draft instead."""
    await seed(db_path, ANN)
    async with running(db_path, **accounts(server)) as pilot:
        inbox = inbox_screen(pilot)
        replies = inbox.inbox.replies
        gate = asyncio.Event()
        send = replies.send

        async def slow_send(*args: Any, **kwargs: Any) -> None:
            await gate.wait()  # the write lock is held elsewhere
            await send(*args, **kwargs)

        monkeypatch.setattr(replies, "send", slow_send)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"on it", "ctrl+s")
        await pilot.pause()
        await pilot.press("escape", "ctrl+t")  # impatient
        await pilot.pause()
        assert isinstance(pilot.app.screen, ComposeScreen)  # the send decides
        assert "still saving" in static_text(pilot, "#compose-message")
        gate.set()
        await settle(pilot)
        assert pilot.app.screen is inbox
        assert "@ann@social.example on it" in str(server.posts("mastodon"))
        assert "✓ sent" in static_text(pilot, "#detail-answers")


async def test_made_elsewhere_works_from_the_text_it_records(
    db_path: Path, server: Loopback
) -> None:
    """The composer's keys line offers it while the text area has the focus, where
    Ctrl+E is the text area's own end-of-line key."""
    await seed(db_path, ANN)
    async with running(db_path, **accounts(server)) as pilot:
        await pilot.press("r")
        await settle(pilot)
        keys = static_text(pilot, "#compose-keys")
        assert "ctrl+r made elsewhere" in keys
        await pilot.press(*"answered on the phone", "home", "ctrl+r")
        await settle(pilot)
        assert pilot.app.clipboard == "@ann@social.example answered on the phone"
        assert "✓ sent by hand" in static_text(pilot, "#detail-answers")
    assert server.count("mastodon") == 0
