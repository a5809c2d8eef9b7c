"""The channels' one HTTP client: each answer complete within a deadline, read up to a limit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx

from scrm_tui import __version__

USER_AGENT = f"scrm/{__version__} (+https://github.com/scrm-dev/scrm)"


# Every exchange ends within DEADLINE_S, however slowly the server trickles its answer
# (a read timeout alone restarts with each byte), and reads at most MAX_BYTES of it:
# one slow or huge answer costs its own source a try, never the process.
DEADLINE_S = 30.0


MAX_BYTES = 8 * 1024 * 1024  # a page of API JSON or a feed; the largest seen is ~70 KB


WEBHOOK_MAX_BYTES = 256 * 1024  # a webhook answers "ok" or a small JSON message


_MAX_BYTES_KEY = "scrm.max_bytes"  # a request's own limit, in its extensions


class NoCompleteAnswer(httpx.TimeoutException):
    """The whole exchange (connect, send, every byte of the answer) outlasted the deadline."""

    def __init__(self, deadline_s: float, request: httpx.Request) -> None:
        super().__init__(f"no complete answer within {deadline_s:g} s", request=request)
        self.deadline_s = deadline_s


class AnswerTooLarge(httpx.TransportError):
    """The answer went past its byte limit; reading stopped there. Its status was read:
    a 2xx says the request itself worked."""

    def __init__(self, limit: int, response: httpx.Response) -> None:
        message = f"answer larger than {size_text(limit)}; cut off"
        super().__init__(message, request=response.request)
        self.limit = limit
        self.status = response.status_code


class BoundedClient(httpx.AsyncClient):
    """An AsyncClient whose every answer is complete within `deadline_s` and read up to
    `max_bytes` (after decompression, so a small gzip bomb is stopped too)."""

    def __init__(self, *, deadline_s: float, max_bytes: int, **kwargs: Any) -> None:
        # Every answer's raw bytes are counted as they arrive, redirects and proxies too.
        hooks = {"response": [self._count_raw]}
        super().__init__(event_hooks=hooks, **kwargs)
        self.deadline_s = deadline_s
        self.max_bytes = max_bytes

    async def send(
        self, request: httpx.Request, *, stream: bool = False, **kwargs: Any
    ) -> httpx.Response:
        deadline = asyncio.timeout(self.deadline_s)
        try:
            async with deadline:
                response = await super().send(request, stream=True, **kwargs)
                if stream:  # the caller reads (and bounds) the body itself
                    return response
                try:
                    body = await _read_capped(response, _limit(request, self.max_bytes))
                finally:
                    await response.aclose()
        except TimeoutError:
            if deadline.expired():
                raise NoCompleteAnswer(self.deadline_s, request) from None
            raise
        return _with_body(response, body)

    async def _count_raw(self, response: httpx.Response) -> None:
        limit = _limit(response.request, self.max_bytes)
        response.stream = _CappedStream(response.stream, limit, response)


class _CappedStream(httpx.AsyncByteStream):
    def __init__(self, inner: Any, limit: int, response: httpx.Response) -> None:
        self._inner, self._limit, self._response = inner, limit, response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._inner:
            seen += len(chunk)
            if seen > self._limit:
                raise AnswerTooLarge(self._limit, self._response)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            raise AnswerTooLarge(limit, response)
    return bytes(body)


def _with_body(response: httpx.Response, body: bytes) -> httpx.Response:
    """The answer with its (decoded) body read: the headers that described the bytes on
    the wire go, as they no longer describe `content`."""
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    read = httpx.Response(
        response.status_code,
        headers=headers,
        content=body,
        request=response.request,
        extensions=response.extensions,
        history=response.history,
        default_encoding=response.default_encoding,
    )
    read.elapsed = response.elapsed
    return read


def _limit(request: httpx.Request, default: int) -> int:
    limit = request.extensions.get(_MAX_BYTES_KEY)
    return limit if isinstance(limit, int) else default


def size_text(size: int) -> str:
    """`8 MB`, `256 KB`: a byte limit as people read it."""
    for unit, step in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= step:
            return f"{size / step:g} {unit}"
    return f"{size} bytes"


def make_client(
    *,
    timeout: float = 20.0,
    connect_timeout: float = 5.0,
    user_agent: str | None = None,
    deadline_s: float = DEADLINE_S,
    max_bytes: int = MAX_BYTES,
) -> httpx.AsyncClient:
    """The client every sender shares: bounded waits and answers, a named agent, no
    redirects.

    `timeout` bounds each wait for a byte, `deadline_s` the whole exchange, `max_bytes`
    what is read of an answer (a request may ask for less: send_request's `max_bytes`).
    Redirects are not followed so a token or webhook secret is never replayed to a
    host we did not choose.
    """
    return BoundedClient(
        deadline_s=deadline_s,
        max_bytes=max_bytes,
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
        headers={"User-Agent": user_agent or USER_AGENT},
        follow_redirects=False,
    )
