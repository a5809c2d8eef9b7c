"""How a failed answer becomes a SendError: permanent, worth another try, or refused."""

from __future__ import annotations

from collections.abc import Iterable

import httpx

from scrm_tui.channels.http.answers import _URL, _body_text, _html_title, _is_html, api_message
from scrm_tui.channels.http.retries import (
    _hourly_without_reset,
    _rate_limit_wait,
    _remaining,
    _retry_after_header,
)
from scrm_tui.channels.http.times import clock_text
from scrm_tui.core.outgoing import AuthError, PermanentError, SendError, TransientError

PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 410, 422})


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


_SCOPES = ("user", "global", "shared")


_REFUSALS = frozenset({401, 403})


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


def _method(response: httpx.Response) -> str:
    try:
        return response.request.method.upper()
    except RuntimeError:  # a response made without a request
        return ""


def _carried_credentials(response: httpx.Response) -> bool:
    """Whether the request this answers sent credentials (a bearer token, Basic auth)."""
    try:
        return "authorization" in response.request.headers
    except RuntimeError:  # a response made without a request
        return False


def _response_host(response: httpx.Response) -> str:
    try:
        return response.request.url.host or "the server"
    except RuntimeError:
        return "the server"
