"""A probe run: one request (or a bare connection for a webhook) and its answer judged in words."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from scrm_tui.channels.http import error_for, no_answer, send_request
from scrm_tui.channels.probing import FAIL, OK, WARN, Probe
from scrm_tui.core.outgoing import AuthError, SendError
from scrm_tui.service.doctor.findings import _Outcome


async def _run(
    client: httpx.AsyncClient, probe: Probe, timeout_s: float, secrets: set[str]
) -> _Outcome:
    host = _host(probe.url)
    started = time.monotonic()
    reached = _Reached()
    try:
        async with asyncio.timeout(timeout_s):
            if probe.connect:
                return await _connect(probe.url, host, started)
            response = await send_request(
                client,
                probe.method,
                probe.url,
                service=probe.service,
                headers=dict(probe.headers),
                params=dict(probe.params) or None,
                auth=probe.auth,
                data=dict(probe.form) or None,
                follow_redirects=probe.follow,
                extensions={"trace": reached.trace},
            )
    except TimeoutError:
        return _Outcome(FAIL, no_answer(host, f"{timeout_s:g} s", connected=reached.connected))
    except SendError as error:
        return _Outcome(FAIL, error.reason)
    ms = round((time.monotonic() - started) * 1000)
    return _judge(probe, response, host, ms, secrets)


class _Reached:
    """Whether a request got as far as a connection (httpx's documented `trace`
    extension reports each step), so a timeout can say which side of it it fell."""

    connected = False

    async def trace(self, event: str, info: Mapping[str, object]) -> None:
        if event == "connection.connect_tcp.complete" or event.endswith(
            "send_request_headers.started"  # http11 / http2, on a connection kept alive
        ):
            self.connected = True


def _judge(
    probe: Probe, response: httpx.Response, host: str, ms: int, secrets: set[str]
) -> _Outcome:
    status = response.status_code
    answers = f"{host} answers ({status}, {ms} ms)"
    if not 200 <= status < 300:
        error = error_for(response, probe.service, time.time(), secrets=secrets)
        reason = error.reason
        if status == 429 or "rate limit" in reason:
            return _Outcome(WARN, f"{host} answers, but is rate limiting: {reason}")
        # A proxy's page is no verdict on the token: pointing at it would mislead.
        if isinstance(error, AuthError) and probe.hint:
            return _Outcome(FAIL, f"{reason} — check {probe.hint}")
        return _Outcome(FAIL, reason)
    if probe.raw and probe.read is not None:
        return _Outcome(*probe.read(probe, response, host, answers))
    if response.content[:200].lstrip()[:1] == b"<":
        return _Outcome(
            FAIL, f"{host} answered with an HTML page instead of JSON ({status}): check the address"
        )
    try:
        data = json.loads(response.content)
    except ValueError:
        return _Outcome(FAIL, f"{host} answered {status}, but not with JSON: check the address")
    if not isinstance(data, dict):
        return _Outcome(FAIL, f"{host} answered {status} with something unexpected")
    if probe.read is not None:
        return _Outcome(*probe.read(probe, data, host, answers))
    return _Outcome(OK, answers)


async def _connect(url: str, host: str, started: float) -> _Outcome:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return _Outcome(FAIL, "the url is not valid")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _Outcome(FAIL, "the url must start with https://")
    try:
        _, writer = await asyncio.open_connection(parts.hostname, port)
    except socket.gaierror:
        return _Outcome(FAIL, f"cannot connect to {host}: the name does not resolve")
    except ConnectionRefusedError:
        return _Outcome(FAIL, f"cannot connect to {host}: connection refused")
    except OSError as error:
        return _Outcome(FAIL, f"cannot connect to {host}: {error.strerror or 'network error'}")
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    ms = round((time.monotonic() - started) * 1000)
    return _Outcome(OK, f"{host} accepts connections ({ms} ms)")


def _host(url: str) -> str:
    """Where a request goes, without the path (a webhook's path is its secret)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "the configured address"
    if not host:
        return "the configured address"
    return f"{host}:{port}" if port else host
