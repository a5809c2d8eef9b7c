"""The one HTTP client of the channels, and how API answers become data or SendErrors."""

from __future__ import annotations

import asyncio
import html as html_lib
import json
import re
import socket
import ssl
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from scrm_tui import __version__
from scrm_tui.core.outgoing import AuthError, PermanentError, SendError, TransientError
from scrm_tui.core.secrets import redact

USER_AGENT = f"scrm/{__version__} (+https://github.com/scrm-dev/scrm)"

PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 410, 422})
# A reset header above this is a Unix time, below it a delay in seconds (2001-09-09).
_EPOCH_THRESHOLD = 1e9
# GitHub: a secondary limit without Retry-After means "wait at least a minute".
_SECONDARY_WAIT_S = 60.0
_MESSAGE_MAX = 200
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://([^\s/?#\"'<>]+)[^\s\"'<>]*", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")


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


def read_json(response: httpx.Response, service: str) -> Any:
    """The JSON body of a success; a cut or garbled body is worth another try."""
    try:
        return json.loads(response.content)
    except ValueError:
        raise TransientError(
            f"{service} sent a response that is not valid JSON", status=response.status_code
        ) from None


def json_object(response: httpx.Response, service: str) -> dict[str, Any]:
    data = read_json(response, service)
    if not isinstance(data, dict):
        raise TransientError(f"{service} sent an unexpected response", status=response.status_code)
    return data


def check(
    response: httpx.Response,
    service: str,
    now: float,
    *,
    secrets: Iterable[str] = (),
    what: str | None = None,
) -> None:
    """Return on 2xx, otherwise raise the SendError the status and body call for.
    `what` names what was asked for (`the hashtag #kestrel on mastodon.social`), for a 404."""
    if 200 <= response.status_code < 300:
        return
    raise error_for(response, service, now, secrets=secrets, what=what)


def error_for(
    response: httpx.Response,
    service: str,
    now: float,
    *,
    secrets: Iterable[str] = (),
    what: str | None = None,
) -> SendError:
    """The SendError a failed answer calls for. A refusal (401/403) is an AuthError only
    when the API itself says it (not an HTML page) to a request that carried
    credentials; an HTML 401/403 comes from something in between (a proxy, a CDN, a
    captive portal) and is worth another try later."""
    status = response.status_code
    text = _body_text(response)
    html = _is_html(text)
    message = None if html else api_message(response, secrets=secrets)
    if _is_rate_limited(response, message):
        when = _rate_limit_wait(response, now)
        scope = response.headers.get("x-ratelimit-scope", "").lower()
        label = f"{service} rate limit" + (f" ({scope})" if scope in _SCOPES else "")
        if when is not None:
            reason = f"{label}: waiting until {clock_text(when, now)}"
        elif _hourly_without_reset(response):
            # GitHub's primary limit is per hour; with no reset given, no minute is known.
            said = f": {message}" if message else ""
            reason = f"{label} ({status}){said}; it lifts within the hour"
        else:
            reason = f"{label} ({status})" + (f": {message}" if message else "")
        return TransientError(reason, status=status, retry_at=when)
    retry = _retry_after_header(response, now)
    if html and status in _REFUSALS:
        title = _html_title(text, status, secrets)
        reason = f"{service}: blocked by something in between: {status}" + (
            f" {title}" if title else ""
        )
        return TransientError(reason, status=status, retry_at=retry)
    carried = _carried_credentials(response)
    if html:
        reason = f"{service}: HTTP {status} from {_response_host(response)} (an HTML error page)"
    else:
        reason = _describe(service, response, carried, what) + (f": {message}" if message else "")
    if status in _REFUSALS and carried:
        return AuthError(reason, status=status)
    if status in PERMANENT_STATUSES:
        return PermanentError(reason, status=status)
    # Only an explicit Retry-After counts here: a 5xx carries the normal window reset too.
    return TransientError(reason, status=status, retry_at=retry)


def retry_at(response: httpx.Response, now: float) -> float | None:
    """When the API asks us to come back (epoch seconds), from headers or body.

    In order: Retry-After (seconds or HTTP-date); Discord's JSON `retry_after`;
    X-RateLimit-Reset-After (Discord); X-RateLimit-Reset (Mastodon ISO-8601, GitHub and
    Discord epoch, Reddit seconds-from-now); RateLimit-Reset (Bluesky epoch).
    """
    explicit = _explicit_wait(response, now)
    if explicit is not None:
        return explicit
    for name in ("x-ratelimit-reset", "ratelimit-reset"):
        value = response.headers.get(name)
        moment = _moment(value, now) if value else None
        if moment is not None:
            return moment
    return None


def api_message(response: httpx.Response, *, secrets: Iterable[str] = ()) -> str | None:
    """The API's own words about a failure, cleaned to one short line, if it has any."""
    text = _body_text(response)
    if not text or _is_html(text):
        return None
    message: str | None = None
    if text[0] in "{[":
        data = _parse(text)
        if isinstance(data, dict):
            message = _dict_message(data)
        elif data is not None:
            return None
        else:
            message = None  # a broken JSON body says nothing useful
    elif len(text) <= 500:
        message = text.splitlines()[0]  # Slack: `channel_is_archived`
    return clean(message, secrets=secrets) if message else None


def clean(text: str, *, secrets: Iterable[str] = ()) -> str:
    """One short line with no URL path, no control characters and no known secret.

    Every message a server wrote goes through here before it is put in a SendError:
    the reason is what the database, `scrm sources`, `scrm watch` and the screens show.
    """
    # URLs first: one becomes its host (a webhook's path is its secret, and whole it
    # would be hidden entirely, host and all), then what is left of a secret goes.
    text = _URL.sub(lambda match: match.group(1).rsplit("@", 1)[-1], text)
    text = redact(text, secrets)
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    if len(text) > _MESSAGE_MAX:
        text = text[: _MESSAGE_MAX - 1].rstrip() + "…"
    return text


def clock_text(moment: float, now: float) -> str:
    """`15:00:00 UTC`, with the date when it is not within the next day."""
    when = datetime.fromtimestamp(moment, UTC)
    if moment - now < 20 * 3600:
        return when.strftime("%H:%M:%S UTC")
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


def iso_utc(epoch_s: float, *, millis: bool = True) -> str:
    """`2026-11-20T12:00:00.000Z`: the form every API here accepts."""
    moment = datetime.fromtimestamp(epoch_s, UTC)
    return moment.isoformat(timespec="milliseconds" if millis else "seconds").replace("+00:00", "Z")


_SCOPES = ("user", "global", "shared")
_REFUSALS = frozenset({401, 403})
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_TITLE_MAX = 60
_DESCRIPTIONS = {
    400: "{} rejected the request (400)",
    401: "{} refused the token (401)",
    403: "{} refused the request (403)",
    404: "{} could not find it (404)",
    408: "{} gave up waiting for the request (408)",
    410: "{} says it is gone (410)",
    422: "{} rejected the post (422)",
    425: "{} asked to try again later (425)",
}


def _describe(service: str, response: httpx.Response, carried: bool, what: str | None) -> str:
    status = response.status_code
    if status == 401 and not carried:
        return f"{service} refused the request (401)"  # no token was sent to refuse
    if status == 404 and what:
        return f"{service} could not find {what} (404)"
    if status == 422 and _method(response) != "POST":
        return f"{service} could not process the request (422)"  # nothing was posted
    if status in _DESCRIPTIONS:
        return _DESCRIPTIONS[status].format(service)
    if status >= 500:
        return f"{service} had a server error ({status})"
    if 300 <= status < 400:
        target = _URL.match(response.headers.get("location", ""))
        where = f" to {target.group(1)}" if target else ""
        return f"{service} answered with a redirect ({status}){where}"
    return f"{service} answered HTTP {status}"


def _is_rate_limited(response: httpx.Response, message: str | None) -> bool:
    if response.status_code == 429:
        return True
    if response.status_code != 403:
        return False
    # GitHub signals both its primary and its secondary limits with a 403.
    return _remaining(response) == 0 or bool(message and "rate limit" in message.lower())


def _rate_limit_wait(response: httpx.Response, now: float) -> float | None:
    explicit = _explicit_wait(response, now)
    if explicit is not None:
        return explicit
    remaining = _remaining(response)
    if remaining is not None and remaining > 0:
        # Quota left, yet refused: a secondary limit, whose end the reset header is not.
        return now + _SECONDARY_WAIT_S
    moment = retry_at(response, now)
    if moment is None and response.status_code == 403 and not _hourly_without_reset(response):
        return now + _SECONDARY_WAIT_S
    return moment


def _hourly_without_reset(response: httpx.Response) -> bool:
    """A 403 with no quota left and no time given: GitHub's hourly (primary) limit,
    whose reset header is missing. It lifts within the hour; when, nobody said."""
    return (
        response.status_code == 403
        and _remaining(response) == 0
        and retry_at(response, 0.0) is None
    )


def _method(response: httpx.Response) -> str:
    try:
        return response.request.method.upper()
    except RuntimeError:  # a response made without a request
        return ""


def _explicit_wait(response: httpx.Response, now: float) -> float | None:
    header = _retry_after_header(response, now)
    if header is not None:
        return header
    data = _parse(_body_text(response))
    if isinstance(data, dict):
        seconds = data.get("retry_after")
        if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds >= 0:
            return now + float(seconds)
    reset_after = _number(response.headers.get("x-ratelimit-reset-after"))
    if reset_after is not None and reset_after >= 0:
        return now + reset_after
    return None


def _retry_after_header(response: httpx.Response, now: float) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    seconds = _number(value)
    if seconds is not None:
        return now + seconds if seconds >= 0 else None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(now, moment.timestamp())


def _moment(value: str, now: float) -> float | None:
    """A reset header: ISO-8601, a Unix time, or a number of seconds from now."""
    number = _number(value)
    if number is not None:
        if number < 0:
            return None
        return max(now, number) if number > _EPOCH_THRESHOLD else now + number
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(now, moment.timestamp())


def _remaining(response: httpx.Response) -> float | None:
    for name in ("x-ratelimit-remaining", "ratelimit-remaining"):
        value = _number(response.headers.get(name))
        if value is not None:
            return value
    return None


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _dict_message(data: dict[str, Any]) -> str | None:
    for key in ("message", "error_description", "error"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            code = data.get("code")
            if key == "message" and isinstance(code, int) and not isinstance(code, bool):
                return f"{value} (code {code})"  # Discord: the number is the documented one
            return value
    return None


def _parse(text: str) -> Any:
    if not text or text[0] not in "{[":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _body_text(response: httpx.Response) -> str:
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return ""
    return content[:65536].decode("utf-8", errors="replace").strip()


def _carried_credentials(response: httpx.Response) -> bool:
    """Whether the request this answers sent credentials (a bearer token, Basic auth)."""
    try:
        return "authorization" in response.request.headers
    except RuntimeError:  # a response made without a request
        return False


def _html_title(text: str, status: int, secrets: Iterable[str]) -> str:
    """An error page's <title> as one short line, without the status it repeats."""
    found = _TITLE.search(text[:4096])
    if found is None:
        return ""
    title = clean(html_lib.unescape(found.group(1)), secrets=secrets)
    title = title.removeprefix(str(status)).strip(" -:")
    if len(title) > _TITLE_MAX:
        title = title[: _TITLE_MAX - 1].rstrip() + "…"
    return title


def _is_html(text: str) -> bool:
    head = text[:200].lower()
    return head.startswith("<") or "<html" in head or "<!doctype" in head


def _response_host(response: httpx.Response) -> str:
    try:
        return response.request.url.host or "the server"
    except RuntimeError:
        return "the server"


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


# Below this share of the window's budget left, ask the poller to wait for the reset.
LOW_BUDGET = 0.05


def low_budget_wait(response: httpx.Response, now: float) -> float | None:
    """Seconds to the window's reset when under LOW_BUDGET of it is left, else None.

    Reads X-RateLimit-* (Mastodon, GitHub, Reddit) or RateLimit-* (Bluesky); Reddit
    sends no limit, so it is used + remaining.
    """
    headers = response.headers
    for prefix in ("x-ratelimit-", "ratelimit-"):
        remaining = _number(headers.get(prefix + "remaining"))
        if remaining is None:
            continue
        limit = _number(headers.get(prefix + "limit"))
        if limit is None:
            used = _number(headers.get(prefix + "used"))
            limit = remaining + used if used is not None else None
        if not limit or remaining >= limit * LOW_BUDGET:
            return None
        moment = retry_at(response, now)
        return max(0.0, moment - now) if moment is not None else None
    return None
