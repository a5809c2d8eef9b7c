"""GitHub discussion search (GraphQL) against the loopback: shapes, cursors, paging, bad days."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from scrm_tui.channels.github.api import GitHubDiscussionSource
from scrm_tui.core.config import parse_config
from scrm_tui.core.listening import OVERLAP_S
from scrm_tui.core.models import Channel
from scrm_tui.core.outgoing import PermanentError, TransientError
from scrm_tui.core.watch import parse_watch
from scrm_tui.service.credentials import resolve
from scrm_tui.service.listen import build_sources
from tests.fakes.loopback import Loopback

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC).timestamp()
SINCE = int(datetime(2026, 11, 20, tzinfo=UTC).timestamp() * 1000)
GRAPHQL = "github.graphql"
TOKEN = Loopback.GITHUB_TOKEN
NO_TOKEN = "discussions need a [github] token (set $SCRM_GITHUB_TOKEN or [github] token_env)"


def discussions(
    server: Loopback, client: httpx.AsyncClient, **options: object
) -> GitHubDiscussionSource:
    account = options.pop("account", server.github_account())
    return GitHubDiscussionSource(
        client,
        account,  # type: ignore[arg-type]
        query=str(options.pop("query", "kestrel")),
        clock=lambda: NOW,
        **options,  # type: ignore[arg-type]
    )


def sent(server: Loopback, index: int = -1) -> dict[str, object]:
    """The variables of one GraphQL request the server received."""
    variables: dict[str, object] = server.requests(GRAPHQL)[index].json()["variables"]
    return variables


def stamp(minute: int, second: int = 0) -> str:
    return f"2026-11-20T{10 + minute // 60:02d}:{minute % 60:02d}:{second:02d}Z"


async def test_discussions_become_mentions(server: Loopback, client: httpx.AsyncClient) -> None:
    server.add_github_discussion(3, "Kestrel on a NAS?", "", created_at=stamp(1))
    server.add_github_discussion(
        4, "Falcon sync broke", "It says **kestrel** lost the lock.", created_at=stamp(2)
    )
    server.add_github_discussion(5, "kestrel ghost", "x", created_at=stamp(3), login=None)
    server.add_github_discussion(1, "Kestrel last week", "old", created_at="2026-11-13T09:00:00Z")
    watch = parse_watch("falcon OR kestrel")
    source = discussions(server, client, query="falcon OR kestrel", matcher=watch.match)

    page = await source.fetch(None, SINCE)

    ghost, falcon, nas = page.mentions  # newest first; last week's is before the window
    url = "https://github.com/octo-org/octo-repo/discussions/4"
    assert falcon.channel is Channel.GITHUB
    assert falcon.external_id == falcon.url == url
    assert falcon.text == "Falcon sync broke\n\nIt says **kestrel** lost the lock."
    assert falcon.created_at == datetime(2026, 11, 20, 10, 2, tzinfo=UTC)
    assert (falcon.author.handle, falcon.author.url) == ("octocat", "https://github.com/octocat")
    assert falcon.matched == "falcon"
    assert nas.text == "Kestrel on a NAS?" and nas.matched == "kestrel"
    assert (ghost.author.handle, ghost.author.url) == ("ghost", "https://github.com/ghost")
    assert not page.more and page.progress is None
    assert json.loads(page.cursor or "") == {"newest": stamp(3)}
    [request] = server.requests(GRAPHQL)
    assert request.headers["authorization"] == f"bearer {TOKEN}"
    assert "type: DISCUSSION" in request.json()["query"]
    assert sent(server) == {
        "q": "falcon OR kestrel created:>=2026-11-20T00:00:00Z sort:created-desc",
        "first": 100,
        "after": None,
    }


async def test_a_backfill_reads_every_page_with_after_cursors(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    for n in range(150):
        server.add_github_discussion(100 + n, f"kestrel {n}", "b", created_at=stamp(n))
    source = discussions(server, client)

    first = await source.fetch(None, SINCE)
    second = await source.fetch(first.cursor, SINCE)

    assert first.more and not second.more
    assert len(first.mentions) == 100 and len(second.mentions) == 50
    assert first.progress == "2026-11-20 10:50"  # the oldest of the first page
    assert second.progress is None
    assert sent(server, 0)["after"] is None
    assert sent(server, 1)["after"] == json.loads(first.cursor or "")["after"]
    # The second page asks the same question: `newest` moves only when the series ends.
    assert sent(server, 1)["q"] == sent(server, 0)["q"]
    ids = [m.external_id for m in first.mentions + second.mentions]
    assert len(set(ids)) == 150
    assert json.loads(second.cursor or "") == {"newest": stamp(149)}
    # The next poll reads OVERLAP_S before the newest again: only what it has seen.
    again = await source.fetch(second.cursor, SINCE)
    assert again.mentions and {m.external_id for m in again.mentions} <= set(ids)


async def test_polls_forward_without_repeats_or_losing_the_same_second(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.add_github_discussion(1, "kestrel one", "", created_at=stamp(5))
    source = discussions(server, client)
    cursor = (await source.fetch(None, SINCE)).cursor

    again = await source.fetch(cursor, SINCE)
    assert [m.text for m in again.mentions] == ["kestrel one"]  # read again; storage drops it
    floor = (datetime.fromisoformat(stamp(5)) - timedelta(seconds=OVERLAP_S)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert sent(server)["q"] == f"kestrel created:>={floor} sort:created-desc"

    # Indexed late: in the very second of the newest stored one, or minutes before it.
    server.add_github_discussion(2, "kestrel two", "", created_at=stamp(5))
    server.add_github_discussion(3, "kestrel three", "", created_at=stamp(1))
    late = await source.fetch(again.cursor, SINCE)
    assert {m.text for m in late.mentions} == {"kestrel one", "kestrel two", "kestrel three"}


async def test_a_bad_token_is_permanent_401_and_never_shown(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    account = server.github_account(token="ghp_wrongtoken")
    with pytest.raises(PermanentError) as caught:
        await discussions(server, client, account=account).fetch(None, SINCE)
    assert caught.value.status == 401
    assert "Bad credentials" in caught.value.reason
    assert "ghp_wrongtoken" not in caught.value.reason


async def test_a_403_with_nothing_left_waits_for_the_reset(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    reset = str(int(NOW) + 300)
    server.fail(
        GRAPHQL,
        status=403,
        body={"message": "API rate limit exceeded for user ID 1."},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
    )
    with pytest.raises(TransientError) as caught:
        await discussions(server, client).fetch(None, SINCE)
    assert (caught.value.status, caught.value.retry_at) == (403, NOW + 300)


@pytest.mark.parametrize("reset", [True, False])
async def test_a_graphql_rate_limit_in_a_200_waits(
    server: Loopback, client: httpx.AsyncClient, reset: bool
) -> None:
    # GitHub: over the primary limit the status is still 200, with `errors`.
    body = {
        "errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]
    }
    headers = {"x-ratelimit-remaining": "0"}
    if reset:
        headers["x-ratelimit-reset"] = str(int(NOW) + 900)
    server.fail(GRAPHQL, status=200, body=body, headers=headers)
    with pytest.raises(TransientError) as caught:
        await discussions(server, client).fetch(None, SINCE)
    # Without a reset the docs say: wait at least a minute.
    assert caught.value.retry_at == NOW + (900 if reset else 60)
    assert "rate limit" in caught.value.reason


async def test_other_graphql_errors_are_transient_and_cleaned(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    error = {"type": "SERVICE_UNAVAILABLE", "message": f"search is down for {TOKEN}\n\x1b[31m"}
    server.fail(GRAPHQL, status=200, body={"data": None, "errors": [error]})
    with pytest.raises(TransientError) as caught:
        await discussions(server, client).fetch(None, SINCE)
    assert caught.value.reason.startswith("GitHub search failed: search is down for")
    assert TOKEN not in caught.value.reason and "\x1b" not in caught.value.reason


@pytest.mark.parametrize("fault", ["truncate", "html"])
async def test_bad_days_are_transient(
    server: Loopback, client: httpx.AsyncClient, fault: str
) -> None:
    server.add_github_discussion(1, "kestrel", "", created_at=stamp(1))
    if fault == "truncate":
        server.truncate(GRAPHQL)
    else:
        server.html(GRAPHQL, 502)
    with pytest.raises(TransientError) as caught:
        await discussions(server, client).fetch(None, SINCE)
    assert "token=leaked-if-quoted" not in caught.value.reason
    # The next poll, with the same (absent) cursor, gets it.
    assert len((await discussions(server, client).fetch(None, SINCE)).mentions) == 1


def config(server: Loopback, kinds: str | None) -> str:
    line = f"kinds = {kinds}\n" if kinds is not None else ""
    return (
        '[watch]\nterms = "kestrel"\n'
        f"[sources.github]\n{line}"
        f'[github]\napi_url = "{server.github_api_url}"\n'
    )


async def test_sources_with_a_token_listen_to_issues_and_discussions(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    server.add_github_discussion(9, "Kestrel on Windows", "", created_at=stamp(1))
    parsed = parse_config(config(server, '["issues", "discussions"]'))
    env = {"SCRM_GITHUB_TOKEN": TOKEN}
    specs, problems = build_sources(parsed, resolve(parsed, env), client, env=env)
    assert problems == {}
    assert [s.name for s in specs] == ["github:issues", "github:discussions"]
    page = await specs[1].source.fetch(None, SINCE)
    assert [(m.text, m.matched) for m in page.mentions] == [("Kestrel on Windows", "kestrel")]


async def test_discussions_without_a_token_say_what_to_set(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    parsed = parse_config(config(server, '["issues", "discussions"]'))
    specs, problems = build_sources(parsed, resolve(parsed, {}), client, env={})
    assert specs == [] and problems == {"github": NO_TOKEN}
    with pytest.raises(ValueError, match="needs a token"):
        discussions(server, client, account=None)


async def test_existing_configs_keep_issues_only(
    server: Loopback, client: httpx.AsyncClient
) -> None:
    parsed = parse_config(config(server, None))
    specs, problems = build_sources(parsed, resolve(parsed, {}), client, env={})
    assert problems == {} and [s.name for s in specs] == ["github:issues"]
