"""The runtime (service/runtime.py) with no UI at all: what this process queues goes out
at once, an idle form's claims lapse, and the host hears of both in plain records."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from scrm_tui.service import runtime_events as events
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.runtime import Runtime
from tests.channels.test_outbox import Clock, a_mastodon_mention, open_inbox
from tests.channels.test_outbox import (
    server as server,  # a loopback Mastodon with the status to answer
)
from tests.fakes.loopback import Loopback
from tests.support import plain

pytestmark = pytest.mark.both_engines


@pytest.fixture
async def box(target: str | Path, server: Loopback) -> AsyncIterator[tuple[Inbox, Clock]]:
    clock = Clock()
    inbox = await open_inbox(target, server, clock)
    try:
        yield inbox, clock
    finally:
        await inbox.close()


class Heard:
    """What the runtime told, and a way to wait for a kind of news."""

    def __init__(self) -> None:
        self.events: list[events.Event] = []
        self._arrived = asyncio.Event()

    def __call__(self, event: events.Event) -> None:
        self.events.append(event)
        self._arrived.set()

    async def first(self, kind: type[events.Event]) -> events.Event:
        while True:
            found = [event for event in self.events if isinstance(event, kind)]
            if found:
                return found[0]
            self._arrived.clear()
            await asyncio.wait_for(self._arrived.wait(), 30)


async def test_a_reply_queued_here_goes_out_at_once_and_is_told(
    box: tuple[Inbox, Clock], server: Loopback, target: str | Path
) -> None:
    inbox, _ = box
    heard = Heard()
    runtime = Runtime(inbox, heard)
    runtime.start()
    try:
        mention_id = await a_mastodon_mention(inbox)
        compose = await inbox.replies.compose(mention_id)
        outbox_id = await inbox.replies.send(compose, "@ann@social.example sorry! looking now")
        passed = await heard.first(events.OutboxPassed)
    finally:
        await runtime.close()

    assert isinstance(passed, events.OutboxPassed)
    assert [(item.id, item.state) for item in passed.items] == [(outbox_id, "sent")]
    assert len(server.requests("mastodon.post_status")) == 1
    with plain.connect(target) as conn:
        rows = conn.execute("SELECT id, state FROM outbox").fetchall()
    assert rows == [(outbox_id, "sent")]


async def test_an_idle_forms_claims_lapse_and_the_runtime_says_which(
    box: tuple[Inbox, Clock], target: str | Path
) -> None:
    inbox, clock = box
    heard = Heard()
    runtime = Runtime(inbox, heard)
    try:
        mention_id = await a_mastodon_mention(inbox)
        assert await inbox.presence.claim([mention_id], "reply") == []
        with plain.connect(target) as conn:
            assert conn.execute("SELECT count(*) FROM claims").fetchone() == (1,)
        clock.now += inbox.presence.idle_s + 1  # no key pressed in the form since
        runtime.tick(changed=False)
        lapsed = await heard.first(events.ClaimsLapsed)
    finally:
        await runtime.close()

    assert isinstance(lapsed, events.ClaimsLapsed)
    assert lapsed.mention_ids == (mention_id,)
    with plain.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM claims").fetchone() == (0,)
