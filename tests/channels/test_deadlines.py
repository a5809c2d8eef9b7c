"""Slow, hung and huge answers against real sockets: each request has a total deadline and
a size limit, a slow source holds up no other, and an outbox send ends (#10.10, #10.11).

The fault server (tests/fakes/faults.py) drips, hangs or floods; the client's deadline is
1 s here (30 s in production), its read timeout longer than the drip's pace, so only
the total deadline can end a drip. Each test guards itself with GUARD_S: before the
fix a drip never ended.
"""

from __future__ import annotations

import asyncio
import random
import socket
import sqlite3
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from scrm_tui.channels.http import make_client, send_request
from scrm_tui.channels.rss.feeds import FeedSource
from scrm_tui.core.config import parse_config
from scrm_tui.core.models import SourceState
from scrm_tui.core.outgoing import SendError, TransientError
from scrm_tui.service.collector import Collector, SourceSpec
from scrm_tui.service.credentials import resolve
from scrm_tui.service.inbox import Inbox
from scrm_tui.service.outbox import Dispatcher, OutboxWorker
from tests.fakes.faults import FaultServer
from tests.fakes.replay import rss_feed

GUARD_S = 15.0  # far beyond every deadline here: only a missing deadline reaches it
MB = 1024 * 1024


@pytest.fixture
async def quick() -> AsyncIterator[httpx.AsyncClient]:
    """A read timeout (3 s) the drip (a byte every 0.2 s) never trips; a 1 s deadline."""
    async with make_client(timeout=3.0, connect_timeout=1.0, deadline_s=1.0, max_bytes=MB) as c:
        yield c


async def failure(client: httpx.AsyncClient, url: str, **kwargs: object) -> SendError:
    started = time.monotonic()
    async with asyncio.timeout(GUARD_S):
        with pytest.raises(SendError) as caught:
            await send_request(client, "GET", url, service="feed", **kwargs)  # type: ignore[arg-type]
    assert time.monotonic() - started < 5
    return caught.value


# ---------------------------------------------------------------- the HTTP layer


async def test_a_drip_ends_at_the_deadline_not_at_a_read_timeout(
    faults: FaultServer, quick: httpx.AsyncClient
) -> None:
    faults.drip("/drip", every_s=0.2)

    error = await failure(quick, faults.url("/drip"))

    assert isinstance(error, TransientError)
    assert error.reason == "feed: no complete answer within 1 s"


async def test_a_hung_connection_ends_at_the_deadline(faults: FaultServer) -> None:
    faults.hang("/hang")
    async with make_client(timeout=30.0, deadline_s=1.0) as client:
        error = await failure(client, faults.url("/hang"))
    assert error.reason == "feed: no complete answer within 1 s"


async def test_a_huge_answer_is_cut_off_at_the_limit(
    faults: FaultServer, quick: httpx.AsyncClient
) -> None:
    faults.huge("/huge", size=64 * MB)

    error = await failure(quick, faults.url("/huge"))

    assert isinstance(error, TransientError)
    assert error.reason == "feed: answer larger than 1 MB; cut off"
    assert faults.sent("/huge") < 16 * MB  # the client hung up, it did not read 64 MB


async def test_a_gzip_bomb_is_cut_off_by_its_unpacked_size(
    faults: FaultServer, quick: httpx.AsyncClient
) -> None:
    faults.huge("/bomb", size=64 * MB, gzip=True)  # about 64 KB on the wire

    error = await failure(quick, faults.url("/bomb"))

    assert error.reason == "feed: answer larger than 1 MB; cut off"


async def test_a_request_can_ask_for_less_than_the_client_limit(
    faults: FaultServer, quick: httpx.AsyncClient
) -> None:
    faults.answer("/small", body=b"x" * 300_000)
    assert len((await send_request(quick, "GET", faults.url("/small"), service="s")).content) == (
        300_000
    )

    error = await failure(quick, faults.url("/small"), max_bytes=256 * 1024)

    assert error.reason == "feed: answer larger than 256 KB; cut off"


async def test_an_answer_within_limits_reads_as_before(
    faults: FaultServer, quick: httpx.AsyncClient
) -> None:
    faults.answer("/ok", body='{"ok": true, "text": "café"}', headers={"X-RateLimit-Limit": "9"})

    response = await send_request(quick, "GET", faults.url("/ok"), service="ok")

    assert response.status_code == 200 and response.json() == {"ok": True, "text": "café"}
    assert response.headers["x-ratelimit-limit"] == "9"
    assert response.request.url == faults.url("/ok")


# ---------------------------------------------------------------- the collector


def serve_news(faults: FaultServer) -> None:
    """/news.xml: a feed with two fresh posts about Kestrel, answered at once."""
    now = time.time()
    faults.answer(
        "/news.xml",
        body=rss_feed([("n1", "Kestrel 2.0 is out", now - 60), ("n2", "Kestrel sync", now - 30)]),
        content_type="application/rss+xml",
    )


def feed_specs(faults: FaultServer, client: httpx.AsyncClient) -> list[SourceSpec]:
    serve_news(faults)
    return [
        # The slow one first: polled one after the other, it held up the rest.
        SourceSpec("rss:slow", "rss", 60, FeedSource(client, url=faults.url("/slow"), name="slow")),
        SourceSpec(
            "rss:news", "rss", 60, FeedSource(client, url=faults.url("/news.xml"), name="news")
        ),
    ]


async def wait_for_state(
    col: Collector, source: str, what: str, check: Callable[[SourceState], bool]
) -> None:
    """Poll the database until `check(state)` holds (what a terminal would see)."""
    deadline = time.monotonic() + GUARD_S
    while True:
        state = await col.states.get(source)
        if state is not None and check(state):
            return
        assert time.monotonic() < deadline, f"{source} never {what}: {state}"
        await asyncio.sleep(0.02)


async def test_a_slow_source_holds_up_no_other_and_shows_it_is_fetching(
    faults: FaultServer, quick: httpx.AsyncClient, inbox: Inbox
) -> None:
    faults.drip("/slow", every_s=0.2, content_type="application/rss+xml")
    col = Collector(
        inbox, feed_specs(faults, quick), holder="h:1", rng=random.Random(1),
        show_fetching_after_s=0.0,
    )  # fmt: skip

    async with asyncio.timeout(GUARD_S):
        assert await col.step()  # starts both polls and returns
        await faults.arrived("/slow")
        # While the slow answer drips, the other source is polled and stored...
        await wait_for_state(col, "rss:news", "stored", lambda s: s.stored == 2)
        # ...and the slow one is listed, as fetching since it began.
        slow = await col.states.get("rss:slow")
        assert slow is not None and slow.fetching_ms is not None and slow.last_ok_ms is None

        await col.idle()  # the deadline ends the drip

    slow = await col.states.get("rss:slow")
    assert slow is not None and slow.state == "backoff" and slow.fetching_ms is None
    assert slow.last_error == "slow: no complete answer within 1 s"
    news = await col.states.get("rss:news")
    assert news is not None and news.state == "ok"
    await col.release()


async def test_a_huge_feed_degrades_that_source_only_and_names_the_limit(
    faults: FaultServer, quick: httpx.AsyncClient, inbox: Inbox
) -> None:
    faults.huge("/slow", size=32 * MB, content_type="application/rss+xml")
    col = Collector(inbox, feed_specs(faults, quick), holder="h:1", rng=random.Random(1))

    async with asyncio.timeout(GUARD_S):
        assert await col.poll_due() == 2

    slow = await col.states.get("rss:slow")
    assert slow is not None and slow.state == "backoff"
    assert slow.last_error == "slow: answer larger than 1 MB; cut off"
    news = await col.states.get("rss:news")
    assert news is not None and news.state == "ok" and news.stored == 2


async def test_stopping_cancels_a_request_in_flight_and_keeps_what_was_stored(
    faults: FaultServer, inbox: Inbox
) -> None:
    faults.drip("/slow", every_s=0.2, content_type="application/rss+xml")
    async with make_client(timeout=3.0, deadline_s=60.0) as client:  # a deadline far away
        col = Collector(inbox, feed_specs(faults, client), holder="h:1", show_fetching_after_s=0.0)
        stop = asyncio.Event()
        async with asyncio.timeout(GUARD_S):
            running = asyncio.create_task(col.run(stop, tick_s=0.05))
            await faults.arrived("/slow")
            await wait_for_state(col, "rss:news", "stored", lambda s: s.stored == 2)
            await wait_for_state(col, "rss:slow", "marked", lambda s: s.fetching_ms is not None)

            stop.set()
            await running

    slow = await col.states.get("rss:slow")
    # Stopped, not failed: no error recorded, no mark left, the lease handed over.
    assert slow is not None and slow.state == "ok" and slow.last_error is None
    assert slow.fetching_ms is None and slow.cursor is None
    assert (await inbox.stats())[0] == 2
    assert await col.leases.holder("collector") is None


# ---------------------------------------------------------------- the outbox


def hook_config(faults: FaultServer) -> str:
    return f"""
[teams.ops]
description = "On call"

[[teams.ops.webhooks]]
kind = "json"
name = "pager"
url = "{faults.url("/hook")}"
"""


async def escalated(inbox: Inbox, faults: FaultServer) -> None:
    config = parse_config(hook_config(faults), "config.toml")
    inbox.configure(config, resolve(config, {}))
    await inbox.escalations.escalate(None, "ops", "P1", "sync is down")


def claim_until(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute("SELECT claim_until_ms FROM outbox").fetchone()[0])


async def test_a_dripping_webhook_ends_the_send_at_the_deadline(
    faults: FaultServer, quick: httpx.AsyncClient, inbox: Inbox
) -> None:
    faults.drip("/hook", every_s=0.2)
    await escalated(inbox, faults)
    worker = OutboxWorker(
        inbox.outbox, Dispatcher(inbox.creds, inbox.outbox, inbox.clock, client=quick)
    )

    async with asyncio.timeout(GUARD_S):
        [item] = await worker.run_due()

    assert item.state == "pending" and item.attempts == 1  # tried again later, same key
    assert item.last_error == 'webhook "pager": no complete answer within 1 s'


async def test_the_holder_renews_its_claim_while_the_send_is_in_flight(
    faults: FaultServer, inbox: Inbox, db_path: Path
) -> None:
    faults.drip("/hook", every_s=0.2)
    await escalated(inbox, faults)
    async with make_client(timeout=3.0, deadline_s=30.0) as client:
        worker = OutboxWorker(
            inbox.outbox,
            Dispatcher(inbox.creds, inbox.outbox, time.time, client=client),
            clock=time.time,
            lease_ms=600,  # renewed every 200 ms
            send_deadline_s=2.0,  # a send of several requests ends here, within GUARD_S
        )
        async with asyncio.timeout(GUARD_S):
            sending = asyncio.create_task(worker.run_due())
            await faults.arrived("/hook")
            first = claim_until(db_path)
            deadline = time.monotonic() + GUARD_S
            while claim_until(db_path) <= first:  # the claim is renewed, not left to lapse
                assert time.monotonic() < deadline
                await asyncio.sleep(0.02)
            [item] = await sending

    assert item.state == "pending"
    assert item.last_error == "no complete answer within 2 s"  # the whole send's deadline
    assert len(faults.arrivals("/hook")) == 1


async def test_a_webhook_that_answers_2xx_with_a_huge_body_counts_as_delivered(
    faults: FaultServer, quick: httpx.AsyncClient, inbox: Inbox
) -> None:
    # Cut off at 256 KB, the answer is still a 2xx: sending again would deliver twice.
    # Big enough that the kernel's socket buffers (a few MB) cannot hold it all.
    faults.huge("/hook", size=64 * MB)
    await escalated(inbox, faults)
    worker = OutboxWorker(
        inbox.outbox, Dispatcher(inbox.creds, inbox.outbox, inbox.clock, client=quick)
    )

    async with asyncio.timeout(GUARD_S):
        [item] = await worker.run_due()

    assert item.state == "sent" and len(faults.arrivals("/hook")) == 1
    assert faults.sent("/hook") < 16 * MB  # the sender hung up, it did not read 64 MB


async def test_an_expired_claim_is_taken_over_only_from_a_holder_that_is_gone(
    faults: FaultServer, inbox: Inbox, db_path: Path
) -> None:
    faults.answer("/hook", body="ok", content_type="text/plain")
    await escalated(inbox, faults)
    holder = subprocess.Popen(["sleep", "60"])  # another process on this host
    try:
        name = f"{socket.gethostname()}:{holder.pid}"
        now_ms = int(time.time() * 1000)
        assert await inbox.outbox.claim(name, now_ms, 1, inbox.creds.accounts, inbox.creds.targets)
        worker = OutboxWorker(inbox.outbox, Dispatcher(inbox.creds, inbox.outbox, time.time))
        # Its lease ran out long ago, but it is alive: its send may be in flight.
        with sqlite3.connect(db_path) as conn:
            conn.execute("UPDATE outbox SET claim_until_ms = 0, updated_ms = ?", (now_ms,))
        assert await worker.run_due() == []
        # A claim last renewed before that process started is not its own (a reused pid).
        with sqlite3.connect(db_path) as conn:
            conn.execute("UPDATE outbox SET updated_ms = ?", (now_ms - 3_600_000,))
        [item] = await worker.run_due()
        assert item.state == "sent" and len(faults.arrivals("/hook")) == 1
    finally:
        holder.kill()
        holder.wait()
