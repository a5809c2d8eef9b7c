"""Slow, hung and huge answers against real sockets: each request has a total deadline and
a size limit, a slow source holds up no other, and an outbox send ends (#10.10, #10.11).

The fault server (tests/faults.py) drips, hangs or floods; the client's deadline is
1 s here (30 s in production), its read timeout longer than the drip's pace, so only
the total deadline can end a drip. Each test guards itself with GUARD_S: before the
fix a drip never ended.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from scrm_tui.channels.http import make_client, send_request
from scrm_tui.core.outgoing import SendError, TransientError
from tests.faults import FaultServer

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
