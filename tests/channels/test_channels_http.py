"""The shared HTTP layer: one client, retry hints of every API, and reasons people can read."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime

import httpx
import pytest

from scrm_tui import __version__
from scrm_tui.channels.http import (
    USER_AGENT,
    check,
    make_client,
    read_json,
    retry_at,
    send_request,
)
from scrm_tui.core.outgoing import AuthError, PermanentError, SendError, TransientError
from tests.fakes.loopback import Loopback

NOW = datetime(2026, 8, 1, 13, 58, tzinfo=UTC).timestamp()


def answer(
    status: int,
    body: object = b"",
    headers: dict[str, str] | None = None,
    *,
    host: str = "",
    token: bool = False,
) -> httpx.Response:
    """A response as if from `host`, to a URL that carries a secret path and query;
    `token`: the request carried a bearer token."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    url = f"https://{host or 'api.example'}/v1/secret-path/T000?token=hunter2"
    sent = {"Authorization": "Bearer t0ken-in-a-header"} if token else {}
    return httpx.Response(
        status,
        headers=headers or {},
        content=content,
        request=httpx.Request("POST", url, headers=sent),
    )


def failure(response: httpx.Response, service: str = "Mastodon") -> SendError:
    with pytest.raises(SendError) as caught:
        check(response, service, NOW)
    reason = caught.value.reason
    assert "secret-path" not in reason and "hunter2" not in reason and "<" not in reason
    return caught.value


def at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


# -- the client ------------------------------------------------------------------------


async def test_the_client_names_itself_and_never_follows_redirects(server: Loopback) -> None:
    async with make_client() as http:
        assert http.timeout.read == 20.0 and http.timeout.connect == 5.0
        assert http.follow_redirects is False
        await http.get(f"{server.base_url}/nowhere")
    [seen] = server.requests()
    assert seen.headers["user-agent"] == USER_AGENT
    assert f"scrm/{__version__} (+https://github.com/scrm-dev/scrm)" == USER_AGENT


async def test_a_custom_user_agent_replaces_the_default(server: Loopback) -> None:
    async with make_client(user_agent="demo/1") as http:
        await http.get(f"{server.base_url}/nowhere")
    assert server.requests()[0].headers["user-agent"] == "demo/1"


# -- retry_at --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"Retry-After": "30"}, b"", NOW + 30),
        ({"Retry-After": "Sat, 01 Aug 2026 14:05:00 GMT"}, b"", at("2026-08-01T14:05:00+00:00")),
        ({}, {"message": "You are being rate limited.", "retry_after": 64.57}, NOW + 64.57),
        ({"X-RateLimit-Reset-After": "12.5"}, b"", NOW + 12.5),
        (
            {"X-RateLimit-Reset": "2026-08-01T15:00:00.949067Z"},  # Mastodon
            b"",
            at("2026-08-01T15:00:00.949067+00:00"),
        ),
        ({"RateLimit-Reset": "1785593100"}, b"", 1785593100.0),  # Bluesky: Unix seconds
        ({"x-ratelimit-reset": "1785596400", "x-ratelimit-used": "60"}, b"", 1785596400.0),
        ({"X-Ratelimit-Reset": "525", "X-Ratelimit-Used": "1"}, b"", NOW + 525),  # Reddit
        ({}, b"", None),
        ({"Retry-After": "soon"}, b"", None),
    ],
    ids=[
        "retry-after seconds",
        "retry-after date",
        "discord body",
        "discord reset-after",
        "mastodon iso",
        "bluesky epoch",
        "github epoch",
        "reddit delta",
        "nothing",
        "garbage",
    ],
)
def test_retry_at_reads_every_api_s_hint(
    headers: dict[str, str], body: object, expected: float | None
) -> None:
    found = retry_at(answer(429, body, headers), NOW)
    assert found == (pytest.approx(expected) if expected is not None else None)


def test_retry_after_wins_over_the_window_reset_and_a_past_reset_means_now() -> None:
    both = {"Retry-After": "5", "X-RateLimit-Reset": "2026-08-01T15:00:00Z"}
    assert retry_at(answer(429, b"", both), NOW) == NOW + 5
    assert retry_at(answer(429, b"", {"RateLimit-Reset": "1700000000"}), NOW) == NOW


# -- check: which error, which reason --------------------------------------------------


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
def test_client_errors_are_permanent(status: int) -> None:
    error = failure(answer(status, {"error": "nope"}))
    assert isinstance(error, PermanentError)
    assert error.status == status and error.retry_at is None
    assert f"({status})" in error.reason and error.reason.endswith(": nope")


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504, 418, 302])
def test_server_errors_and_surprises_are_transient(status: int) -> None:
    assert isinstance(failure(answer(status, b"")), TransientError)


def test_success_passes() -> None:
    check(answer(200, {"id": "1"}), "Mastodon", NOW)
    check(answer(204, b""), "Discord", NOW)


@pytest.mark.parametrize(
    ("service", "status", "body", "reason"),
    [
        (
            "Mastodon",
            401,
            {"error": "The access token is invalid"},
            "Mastodon refused the token (401): The access token is invalid",
        ),
        (
            "Bluesky",
            400,
            {"error": "InvalidRequest", "message": "Record/text must not be longer"},
            "Bluesky rejected the request (400): Record/text must not be longer",
        ),
        (
            'Slack webhook "ops"',
            400,
            b"invalid_payload",
            'Slack webhook "ops" rejected the request (400): invalid_payload',
        ),
        (
            'Discord webhook "ops"',
            401,
            {"message": "Invalid Webhook Token", "code": 50027},
            'Discord webhook "ops" refused the request (401): Invalid Webhook Token (code 50027)',
        ),
        (
            "GitHub",
            404,
            {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"},
            "GitHub could not find it (404): Not Found",
        ),
        ("Mastodon", 503, b"", "Mastodon had a server error (503)"),
    ],
)
def test_the_reason_names_the_service_the_status_and_the_api_s_words(
    service: str, status: int, body: object, reason: str
) -> None:
    # Mastodon's request carried its token; a webhook's carries none.
    assert failure(answer(status, body, token=service == "Mastodon"), service).reason == reason


def test_an_html_error_page_gives_a_clean_reason() -> None:
    page = (
        b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
        b"<h1>Bad Gateway</h1><p>/v1/secret-path/T000?token=hunter2</p></body></html>"
    )
    error = failure(answer(502, page, {"content-type": "text/html"}, host="hooks.example.com"))
    assert error.reason.endswith("HTTP 502 from hooks.example.com (an HTML error page)")
    assert isinstance(error, TransientError)


@pytest.mark.parametrize("token", [False, True])
@pytest.mark.parametrize(
    ("status", "title", "said"),
    [
        (403, "403 Forbidden", "403 Forbidden"),
        (401, "Authorization Required", "401 Authorization Required"),
        (403, "Access&nbsp;Denied \x1b[2J- Zscaler", "403 Access Denied [2J- Zscaler"),
        (403, "", "403"),
    ],
)
def test_an_html_refusal_is_something_in_between_not_the_credentials(
    status: int, title: str, said: str, token: bool
) -> None:
    # A proxy, a CDN or a captive portal answered: no API judged the token, and the
    # next try may pass. Whatever the request carried, it is no AuthError.
    page = f"<html><head><title>{title}</title></head><body>/secret-path</body></html>"
    response = answer(status, page.encode(), {"content-type": "text/html"}, token=token)
    error = failure(response, "Hacker News")
    assert type(error) is TransientError and error.status == status
    assert error.reason == f"Hacker News: blocked by something in between: {said}"


def test_a_refusal_is_an_auth_error_only_when_credentials_were_sent() -> None:
    body = {"message": "Invalid API key"}
    with_token = failure(answer(401, body, token=True), "GitHub")
    assert isinstance(with_token, AuthError)
    assert with_token.reason == "GitHub refused the token (401): Invalid API key"
    without = failure(answer(401, body), "Hacker News")
    assert type(without) is PermanentError and without.status == 401
    assert without.reason == "Hacker News refused the request (401): Invalid API key"
    assert type(failure(answer(403, body), "Hacker News")) is PermanentError
    assert isinstance(failure(answer(403, body, token=True), "GitHub"), AuthError)


def test_urls_controls_and_known_secrets_in_a_message_are_removed() -> None:
    body = {"error": "see https://evil.example/path/x?token=hunter2 for\x1b[2J details sk-123456"}
    with pytest.raises(PermanentError) as caught:
        check(answer(400, body), "Mastodon", NOW, secrets=["sk-123456"])
    assert (
        caught.value.reason
        == "Mastodon rejected the request (400): see evil.example for [2J details «secret»"
    )


def test_a_long_message_is_cut_to_one_short_line() -> None:
    error = failure(answer(422, {"error": "word " * 200}))
    assert len(error.reason) < 260 and error.reason.endswith("…")


# -- rate limits in each API's style ------------------------------------------------------


def test_mastodon_429_waits_for_the_iso_reset() -> None:
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2026-08-01T14:00:00.000000Z"}
    error = failure(answer(429, {"error": "Too many requests"}, headers))
    assert isinstance(error, TransientError)
    assert error.retry_at == at("2026-08-01T14:00:00+00:00")
    assert error.reason == "Mastodon rate limit: waiting until 14:00:00 UTC"


def test_github_403_with_no_quota_left_is_a_rate_limit() -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 1800)}
    body = {"message": "API Rate Limit Exceeded for 203.0.113.7"}
    error = failure(answer(403, body, headers), "GitHub")
    assert isinstance(error, TransientError) and error.retry_at == int(NOW) + 1800
    assert error.reason == "GitHub rate limit: waiting until 14:28:00 UTC"


def test_github_secondary_limit_waits_a_minute_or_as_told() -> None:
    message = {"message": "You have exceeded a secondary rate limit. Please wait."}
    quota_left = {"x-ratelimit-remaining": "4000", "x-ratelimit-reset": str(int(NOW) + 3000)}
    error = failure(answer(403, message, quota_left), "GitHub")
    assert isinstance(error, TransientError) and error.retry_at == NOW + 60
    told = failure(answer(403, message, {**quota_left, "retry-after": "120"}), "GitHub")
    assert told.retry_at == NOW + 120


def test_a_tomorrow_reset_shows_the_date() -> None:
    error = failure(answer(429, b"", {"Retry-After": str(2 * 86400)}), "Bluesky")
    assert error.reason == "Bluesky rate limit: waiting until 2026-08-03 13:58:00 UTC"


def test_a_rate_limit_without_any_hint_has_no_retry_at() -> None:
    error = failure(answer(429, b""), "Slack")
    assert isinstance(error, TransientError) and error.retry_at is None
    assert error.reason == "Slack rate limit (429)"


def test_a_server_error_waits_only_for_an_explicit_retry_after() -> None:
    window = {"X-RateLimit-Reset": "2026-08-01T14:00:00Z", "X-RateLimit-Remaining": "200"}
    assert failure(answer(500, b"", window)).retry_at is None
    assert failure(answer(503, b"", {**window, "Retry-After": "7"})).retry_at == NOW + 7


# -- transport failures, over real sockets ------------------------------------------------


async def test_a_slow_server_is_a_timeout(server: Loopback, client: httpx.AsyncClient) -> None:
    server.delay("json", 1.0)
    with pytest.raises(TransientError) as caught:
        await send_request(client, "POST", server.webhook_url("json"), service="Mastodon")
    assert caught.value.reason == "Mastodon did not answer within 0.3 s"


async def test_a_closed_port_is_connection_refused(client: httpx.AsyncClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransientError) as caught:
        await send_request(client, "GET", f"http://127.0.0.1:{port}/x?t=1", service="Mastodon")
    assert caught.value.reason == "cannot connect to 127.0.0.1: connection refused"


async def test_a_dropped_connection(server: Loopback, client: httpx.AsyncClient) -> None:
    server.drop("json")
    with pytest.raises(TransientError) as caught:
        await send_request(client, "POST", server.webhook_url("json"), service="Mastodon")
    assert caught.value.reason == "Mastodon closed the connection without a complete answer"


async def test_a_truncated_body_is_not_valid_json(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.truncate("json")
    response = await send_request(client, "POST", server.webhook_url("json"), service="Mastodon")
    check(response, "Mastodon", NOW)
    with pytest.raises(TransientError) as caught:
        read_json(response, "Mastodon")
    assert caught.value.reason == "Mastodon sent a response that is not valid JSON"


async def test_a_bad_address_is_permanent(client: httpx.AsyncClient) -> None:
    with pytest.raises(PermanentError, match="must start with https://"):
        await send_request(client, "GET", "ftp://example.com/x", service="Mastodon")
