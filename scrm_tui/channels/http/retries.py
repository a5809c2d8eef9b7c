"""When an API asks us to come back: Retry-After, rate-limit headers, and a budget running low."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from scrm_tui.channels.http.answers import _body_text, _parse

# A reset header above this is a Unix time, below it a delay in seconds (2001-09-09).
_EPOCH_THRESHOLD = 1e9


# GitHub: a secondary limit without Retry-After means "wait at least a minute".
_SECONDARY_WAIT_S = 60.0


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
