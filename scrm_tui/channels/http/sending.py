"""A request sent: its network failures as SendErrors, in words that say where to look."""

from __future__ import annotations

import socket
import ssl
from typing import Any

import httpx

from scrm_tui.channels.http.client import _MAX_BYTES_KEY, AnswerTooLarge, NoCompleteAnswer
from scrm_tui.core.outgoing import PermanentError, TransientError


async def send_request(
    client: httpx.AsyncClient,
    method: str,
    url: str | httpx.URL,
    *,
    service: str,
    max_bytes: int | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """`client.request` whose failures are SendErrors with a reason for people;
    `max_bytes` reads less of the answer than the client's limit."""
    if max_bytes is not None:
        kwargs["extensions"] = {**kwargs.get("extensions", {}), _MAX_BYTES_KEY: max_bytes}
    try:
        return await client.request(method, url, **kwargs)
    except httpx.UnsupportedProtocol:
        raise PermanentError(
            f"{service}: the configured address must start with https://"
        ) from None
    except httpx.InvalidURL:
        raise PermanentError(f"{service}: the configured address is not a valid URL") from None
    except NoCompleteAnswer as exc:
        # The request may have arrived; what came back is unknown.
        raise TransientError(f"{service}: {exc}") from None
    except AnswerTooLarge as exc:
        # The status is known (a sender may count a 2xx as done), the body unusable.
        raise TransientError(f"{service}: {exc}", status=exc.status) from None
    except httpx.TransportError as exc:
        # `from None`: httpx's own message and chain may quote the URL (a secret for webhooks).
        raise transport_error(exc, service) from None


def no_answer(who: str, within: str, *, connected: bool) -> str:
    """A wait that ran out, in words that tell a person where to look: a server that
    never took the connection (a firewall, a wrong address) or one that took it and
    then said nothing (a hung server, a proxy holding the line). `within`: "5 s"."""
    if connected:
        return f"{who} accepted the connection but did not answer within {within}"
    return f"cannot connect to {who}: no answer within {within}"


def transport_error(exc: httpx.TransportError, service: str) -> TransientError:
    """A network failure as a TransientError; the request may or may not have arrived."""
    host = _request_host(exc) or service
    if isinstance(exc, httpx.ConnectTimeout):
        reason = no_answer(host, _seconds(exc, "connect"), connected=False)
    elif isinstance(exc, httpx.PoolTimeout):
        reason = f"{service}: too many requests at once (no free connection in time)"
    elif isinstance(exc, httpx.TimeoutException):
        phase = "write" if isinstance(exc, httpx.WriteTimeout) else "read"
        reason = f"{service} did not answer within {_seconds(exc, phase)}"
    elif isinstance(exc, httpx.ConnectError):
        reason = f"cannot connect to {host}: {_connect_cause(exc)}"
    elif isinstance(exc, httpx.RemoteProtocolError):
        reason = f"{service} closed the connection without a complete answer"
    elif isinstance(exc, httpx.ReadError):
        reason = f"the connection to {host} broke while reading the answer"
    elif isinstance(exc, httpx.WriteError):
        reason = f"the connection to {host} broke while sending the request"
    elif isinstance(exc, httpx.ProxyError):
        reason = f"the proxy refused the connection to {host}"
    else:
        reason = f"network error talking to {host}"
    return TransientError(reason)


def _request_host(exc: httpx.TransportError) -> str | None:
    try:
        return exc.request.url.host or None
    except RuntimeError:
        return None


def _seconds(exc: httpx.TransportError, phase: str) -> str:
    try:
        limits = exc.request.extensions.get("timeout", {})
    except RuntimeError:
        limits = {}
    value = limits.get(phase) if isinstance(limits, dict) else None
    return f"{value:g} s" if isinstance(value, int | float) else "the time allowed"


def _connect_cause(exc: BaseException) -> str:
    """Why a connection failed, from the OS error under httpx's (the last in the chain)."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 8:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for error in chain:
        if isinstance(error, ConnectionRefusedError):
            return "connection refused"
        if isinstance(error, socket.gaierror):
            return "the name does not resolve"
        if isinstance(error, ssl.SSLError):
            return "the secure connection failed (TLS)"
        if isinstance(error, ConnectionResetError):
            return "the connection was reset"
    said = " ".join(str(error).lower() for error in chain)
    causes = (
        (("refused",), "connection refused"),
        (
            ("name or service", "nodename nor servname", "name resolution"),
            "the name does not resolve",
        ),
        (("certificate", "ssl", "tls"), "the secure connection failed (TLS)"),
        (("unreachable", "no route"), "no route to the host"),
        (("reset",), "the connection was reset"),
    )
    for needles, cause in causes:
        if any(needle in said for needle in needles):
            return cause
    return "network error"
