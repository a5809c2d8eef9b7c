"""Snoozing on a real database: the mention leaves the lists, comes back unread for every
agent when it is due, woken once however many inboxes try, all of it in the history."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from scrm_tui.core.config import ConfigError, parse_config
from scrm_tui.core.query import Query
from scrm_tui.service.inbox import Inbox
from tests.conftest import fixed_clock, mention
from tests.support import plain

# Snoozes, their waking and their history are the store's contract: on each engine.
pytestmark = pytest.mark.both_engines

HOUR_MS = 3_600_000


def history(db: str | Path) -> list[tuple[str, str, int, dict[str, object]]]:
    with plain.connect(db) as conn:
        return [
            (kind, actor, mention_id, json.loads(detail))
            for kind, actor, mention_id, detail in conn.execute(
                "SELECT kind, actor, mention_id, detail FROM interactions "
                "WHERE kind IN ('snoozed', 'woke') ORDER BY id"
            )
        ]


class Clock:
    """A clock a test moves on by hand."""

    def __init__(self) -> None:
        self.now = fixed_clock()

    def __call__(self) -> float:
        return self.now


async def test_a_snoozed_mention_leaves_the_lists_and_comes_back_unread_for_everyone(
    target: str | Path,
) -> None:
    clock = Clock()
    async with (
        await Inbox.open(target, "dana", clock) as dana,
        await Inbox.open(target, "kim", clock) as kim,
    ):
        await dana.ingest([mention(n) for n in range(3)])
        first = (await dana.page_older(Query(), None, 1))[0]
        await dana.set_read([first.id], True)
        await kim.set_read([first.id], True)

        until = dana.snoozes.read("2h")
        assert await dana.snoozes.snooze([first.id], until) == [first.id]
        listed = [row.id for row in await kim.page_older(Query(), None, 10)]
        assert first.id not in listed and len(listed) == 2
        assert await kim.count(Query()) == 2
        assert await kim.snoozes.next_due() == until.ms

        clock.now += 2 * 3600 - 1  # not yet
        assert await kim.snoozes.wake_due() == []
        clock.now += 1
        assert await kim.snoozes.wake_due() == [first.id]

        back = {row.id: row for row in await dana.page_older(Query(), None, 10)}
        assert back[first.id].snoozed_until_ms is None
        assert not back[first.id].is_read
        assert not {r.id: r for r in await kim.page_older(Query(), None, 10)}[first.id].is_read
        assert await dana.snoozes.next_due() is None
    assert history(target) == [
        ("snoozed", "dana", first.id, {"until": until.ms, "was_until": None}),
        ("woke", "scrm", first.id, {"was_until": until.ms}),
    ]


async def test_many_inboxes_waking_at_once_wake_each_mention_once(target: str | Path) -> None:
    clock = Clock()
    async with await Inbox.open(target, "dana", clock) as dana:
        await dana.ingest([mention(n) for n in range(20)])
        ids = [row.id for row in await dana.page_older(Query(), None, 20)]
        await dana.snoozes.snooze(ids, dana.snoozes.read("30m"))
    clock.now += 1800
    boxes = [await Inbox.open(target, f"agent{n}", clock) for n in range(4)]
    try:
        woken = await asyncio.gather(*(box.snoozes.wake_due() for box in boxes))
    finally:
        for box in boxes:
            await box.close()
    assert sorted(i for some in woken for i in some) == sorted(ids)
    assert [kind for kind, *_ in history(target)].count("woke") == 20


async def test_waking_early_and_snoozing_again_are_recorded(target: str | Path) -> None:
    clock = Clock()
    async with await Inbox.open(target, "dana", clock) as dana:
        dana.configure(parse_config('[team]\ntimezone = "Europe/Berlin"\n'))
        await dana.ingest([mention(1)])
        (row,) = await dana.page_older(Query(), None, 1)
        await dana.snoozes.snooze([row.id], dana.snoozes.read("tomorrow 9:00"))
        later = dana.snoozes.read("mon")
        await dana.snoozes.snooze([row.id], later)
        assert await dana.snoozes.snooze([row.id], later) == []  # no change, no record
        assert await dana.snoozes.wake([row.id]) == [row.id]
        assert await dana.snoozes.wake([row.id]) == []
    kinds = [(kind, actor) for kind, actor, _, _ in history(target)]
    assert kinds == [("snoozed", "dana"), ("snoozed", "dana"), ("woke", "dana")]
    with plain.connect(target) as conn:
        summaries = [s for (s,) in conn.execute("SELECT summary FROM interactions")]
    assert "snoozed until 2026-11-21 09:00 Europe/Berlin" in summaries
    assert "woken early by dana" in summaries


async def test_the_agents_time_zone_and_start_of_day_come_from_the_config(
    target: str | Path,
) -> None:
    async with await Inbox.open(target, "dana", fixed_clock) as dana:
        dana.configure(parse_config('[team]\ntimezone = "Asia/Tokyo"\nday_start = 8\n'))
        until = dana.snoozes.read("mon")
        # Friday 20 Nov 2026, 21:00 in Tokyo: Monday 08:00 there is 23:00 UTC on Sunday.
        assert until.shown == "Mon 23 Nov 08:00 (in 2d 11h)"
        assert until.ms == int(fixed_clock() * 1000) + (2 * 24 + 11) * HOUR_MS


def test_a_bad_zone_or_hour_is_an_error_naming_the_line() -> None:
    for text, says in (
        (
            '[team]\ntimezone = "Mars/Olympus"\n',
            "c.toml, line 2: 'team.timezone' is 'Mars/Olympus'",
        ),
        ("[team]\nday_start = 24\n", "c.toml, line 2: 'team.day_start' is 24"),
    ):
        try:
            parse_config(text, "c.toml")
        except ConfigError as error:
            assert says in str(error)
        else:
            raise AssertionError(f"accepted: {text}")
