"""A terminal listens only while no other process does: it stands by while a collector
holds the lease, takes over when that lease runs out, and shows how sources are doing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scrm_tui.core.config import parse_config
from scrm_tui.store.db import Database
from scrm_tui.store.lease import LeaseStore
from scrm_tui.ui.app import ScrmApp
from tests.conftest import NOW
from tests.fakes.replay import Replay, rss_feed
from tests.support.tui import inbox_screen, list_lines, static_text, wait_until
from tests.tui.test_sources_tui import detail, goto, row

T0 = NOW.timestamp()
FEED = "/feeds/kestrel.xml"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def replay() -> Iterator[Replay]:
    with Replay() as server:
        server.route(
            FEED,
            body=rss_feed(
                [
                    ("k2", "Kestrel sync is down again", T0 - 600),
                    ("k1", "Loving the Kestrel beta", T0 - 1200),
                ]
            ),
            content_type="application/rss+xml",
        )
        yield server


async def lease_holder(db_path: Path) -> str | None:
    db = await Database.open(db_path)
    try:
        holder = await LeaseStore(db).holder("collector")
    finally:
        await db.close()
    return holder.holder if holder else None


def app_for(db: Path, replay: Replay, clock: Clock) -> ScrmApp:
    config = parse_config(
        '[watch]\nterms = "kestrel"\n[sources.rss]\ninterval = "1m"\n'
        f'feeds = [{{ name = "news", url = "{replay.url(FEED)}" }}]\n',
        "config.toml",
    )
    return ScrmApp(db_path=db, agent="tester", config=config, clock=clock, poll_interval=0.05)


async def test_a_terminal_collects_when_no_one_else_does(db_path: Path, replay: Replay) -> None:
    clock = Clock()
    app = app_for(db_path, replay, clock)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_until(pilot, lambda: inbox_screen(pilot).total == 2)
        lines = list_lines(pilot)
        assert "Kestrel sync is down again" in lines[0]
        await wait_until(pilot, lambda: "sources: 1 ok" in static_text(pilot, "#sources-line"))
        holder = await lease_holder(db_path)
        assert app.listener is not None and holder == app.listener.collector.holder
    # Quitting hands the lease over at once.
    assert await lease_holder(db_path) is None


async def test_a_terminal_stands_by_while_a_collector_runs_then_takes_over(
    db_path: Path, replay: Replay
) -> None:
    clock = Clock()
    db = await Database.open(db_path)  # `scrm watch` on another host
    try:
        assert await LeaseStore(db).acquire("collector", "elsewhere:42", int(T0 * 1000), 20_000)
    finally:
        await db.close()
    app = app_for(db_path, replay, clock)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_until(pilot, lambda: app.listener is not None)  # after the first paint
        assert app.listener is not None
        assert not await app.listener.step()  # the lease is live: this terminal waits
        assert replay.requests(FEED) == []
        assert inbox_screen(pilot).total == 0
        # The collector stops renewing; once its lease has run out this one polls.
        clock.now += 21
        await wait_until(pilot, lambda: inbox_screen(pilot).total == 2)
        assert len(replay.requests(FEED)) == 1
        assert await lease_holder(db_path) == app.listener.collector.holder


async def test_a_configured_source_not_polled_yet_is_listed_as_such(
    db_path: Path, replay: Replay
) -> None:
    """While another process collects (and has not polled it), the sources screen
    still lists every source this terminal's config names: none is left out."""
    db = await Database.open(db_path)
    try:
        assert await LeaseStore(db).acquire("collector", "elsewhere:42", int(T0 * 1000), 60_000)
    finally:
        await db.close()
    app = app_for(db_path, replay, Clock())
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.listener is not None)
        await pilot.press("S")
        await wait_until(pilot, lambda: "1 not polled yet" in static_text(pilot, "#sources-status"))
        await goto(pilot, "rss:news")
        assert "· not polled " in row(pilot, "rss:news")
        assert "Never fetched" in detail(pilot)
        assert "Not polled yet: configured here" in detail(pilot)
        assert replay.requests(FEED) == []


async def test_a_source_that_cannot_run_is_named_and_the_rest_listen(
    db_path: Path, replay: Replay
) -> None:
    config = parse_config(
        '[watch]\nterms = "kestrel"\n[sources.reddit]\n'
        f'[sources.rss]\nfeeds = [{{ name = "news", url = "{replay.url(FEED)}" }}]\n',
        "config.toml",
    )
    app = ScrmApp(db_path=db_path, agent="tester", config=config, clock=Clock(), poll_interval=0.05)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_until(pilot, lambda: inbox_screen(pilot).total == 2)
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("[sources.reddit] cannot run: no client id") for m in messages)
        # The sources screen lists it too, with what to set.
        await pilot.press("S")
        await wait_until(pilot, lambda: "1 cannot run" in static_text(pilot, "#sources-status"))
        await goto(pilot, "reddit")
        assert "✗ cannot run" in row(pilot, "reddit")
        assert "Cannot run: no client id: set [reddit] client_id" in detail(pilot)


async def test_the_status_line_says_when_a_source_fails(db_path: Path, replay: Replay) -> None:
    # A feed sends no credentials: its 401 page is no refused login, it backs off.
    replay.fail(FEED, status=401, body="<html>no</html>", times=None)
    app = app_for(db_path, replay, Clock())
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_until(pilot, lambda: "backing off" in static_text(pilot, "#sources-line"))
        assert inbox_screen(pilot).total == 0


async def test_retry_now_ends_a_backoff_from_the_sources_screen(
    db_path: Path, replay: Replay
) -> None:
    replay.fail(FEED, status=503, body="<html>busy</html>", times=1)
    app = app_for(db_path, replay, Clock())  # the clock stands still: the backoff would too
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: "backing off" in static_text(pilot, "#sources-line"))
        await pilot.press("S")
        await goto(pilot, "rss:news")
        assert "… backing off" in row(pilot, "rss:news")
        await pilot.press("r")
        await wait_until(pilot, lambda: "✓ ok" in row(pilot, "rss:news"))
        assert len(replay.requests(FEED)) == 2
        await pilot.press("escape")
        await wait_until(pilot, lambda: inbox_screen(pilot).total == 2)
