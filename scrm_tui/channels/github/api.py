"""GitHub: listen (issue and discussion search) and comment on issues and pull requests,
each comment carrying a hidden marker to find it again."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from scrm_tui.channels import cursor as cursor_codec
from scrm_tui.channels.github.profiles import GitHubProfiles, user_links
from scrm_tui.channels.http import (
    check,
    clean,
    clock_text,
    iso_utc,
    json_object,
    low_budget_wait,
    read_json,
    retry_at,
    send_request,
)
from scrm_tui.core.domains import ProfileLink
from scrm_tui.core.listening import OVERLAP_S, Page, TermMatcher
from scrm_tui.core.models import AuthorIn, Channel, MentionIn
from scrm_tui.core.outgoing import (
    GitHubAccount,
    PermanentError,
    ReplyRequest,
    Sent,
    TransientError,
)
from scrm_tui.core.timefmt import iso_or_none

SERVICE = "GitHub"
_TARGET = re.compile(
    r"https?://[^/\s]+/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/(issues|pull|discussions)/(\d+)"
    r"(?:[/?#]\S*)?"
)
_KEY = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_LOOKBACK_S = 120.0  # clocks differ: a comment this much "before" queuing is still ours
_MAX_PAGES = 10


class GitHubSender:
    """Comments on issues and pull requests (the same endpoint) as one token.

    The body ends with `<!-- scrm:<key> -->`, which GitHub does not render; when
    `request.attempt > 1` the sender looks for that marker before commenting again.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        account: GitHubAccount,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._account = account
        self._clock = clock
        self._api = account.api_url.rstrip("/")

    async def send(self, request: ReplyRequest) -> Sent:
        owner, repo, number = _target(request.target_url)
        if not _KEY.fullmatch(request.key):
            raise PermanentError("the queued post has a key that cannot be used as a marker")
        url = f"{self._api}/repos/{quote(owner)}/{quote(repo)}/issues/{number}/comments"
        marker = marker_for(request.key)
        if request.attempt > 1:
            found = await self._find(url, marker, request.created_ms)
            if found is not None:
                return found
        response = await send_request(
            self._client,
            "POST",
            url,
            service=SERVICE,
            json={"body": f"{request.text}\n\n{marker}"},
            headers=self._headers(),
        )
        self._check(response)
        comment = read_json(response, SERVICE)
        if not isinstance(comment, dict):
            raise TransientError(f"{SERVICE} sent an unexpected response")
        return _sent(comment)

    async def _find(self, url: str, marker: str, created_ms: int) -> Sent | None:
        since = iso_utc(max(0.0, created_ms / 1000 - _LOOKBACK_S), millis=False)
        page: str | None = url
        params: dict[str, str] | None = {"since": since, "per_page": "100"}
        for _ in range(_MAX_PAGES):
            if page is None:
                break
            response = await send_request(
                self._client, "GET", page, service=SERVICE, params=params, headers=self._headers()
            )
            self._check(response)
            comments = read_json(response, SERVICE)
            for comment in comments if isinstance(comments, list) else []:
                body = comment.get("body") if isinstance(comment, dict) else None
                if isinstance(body, str) and marker in body:
                    return _sent(comment)
            page, params = self._next_page(response), None
        return None

    def _next_page(self, response: httpx.Response) -> str | None:
        link = response.links.get("next", {}).get("url")
        if not link:
            return None
        # The token goes only to the API host we were configured with.
        same = httpx.URL(link).host == httpx.URL(self._api).host
        return link if same else None

    def _headers(self) -> dict[str, str]:
        return {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "Authorization": f"Bearer {self._account.token}",
        }

    def _check(self, response: httpx.Response) -> None:
        check(response, SERVICE, self._clock(), secrets=(self._account.token,))


def marker_for(key: str) -> str:
    """The HTML comment that ends our comments: invisible on the page, findable by API."""
    return f"<!-- scrm:{key} -->"


def _target(url: str | None) -> tuple[str, str, int]:
    match = _TARGET.fullmatch(url or "")
    if match is None:
        raise PermanentError(
            "only GitHub issues and pull requests can be answered from here: reply on the page"
        )
    owner, repo, kind, number = match.groups()
    if kind == "discussions":
        raise PermanentError(
            "GitHub discussions cannot be answered through the REST API: reply on the page"
        )
    return owner, repo, int(number)


def _sent(comment: dict[str, Any]) -> Sent:
    comment_id = comment.get("id")
    if not isinstance(comment_id, int | str) or isinstance(comment_id, bool):
        raise TransientError(f"{SERVICE} answered without the new comment")
    url = comment.get("html_url")
    return Sent(remote_id=str(comment_id), url=url if isinstance(url, str) else None)


# -- listening -----------------------------------------------------------------------

_PER_PAGE = 100
_MAX_SEARCH_PAGES = 10  # the search API stops at 1000 results
_BAD_CURSOR = cursor_codec.damaged(SERVICE)
_GRAPHQL_LIMIT_WAIT_S = 60.0  # a limit with no reset given: "wait at least one minute"


class GitHubSource:
    """Polls issue search for one query, newest created first.

    The cursor is JSON `{"newest": ISO}`: the creation time of the newest issue stored
    (first run: the window start). Each poll asks `created:>=` OVERLAP_S before it, so
    more issues of that second and issues the search index took minutes to list are
    found (storage drops the ones read before). While a series of pages is read
    (`more=True`) it also holds `floor` (what the series asks from), `page` (the next
    page) and `top` (the newest time seen in this series); `newest` moves up only when
    the series ends, so a crash in the middle reads it again. A series is cut at 1000
    results (the API's limit): a burst larger than that between two polls loses its
    oldest part.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        account: GitHubAccount | None,
        *,
        query: str,
        api_url: str = "https://api.github.com",
        matcher: TermMatcher | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not query.strip():
            raise ValueError("a GitHub source needs a query")
        self._client = client
        self._account = account
        self._query = query.strip()
        self._api = (account.api_url if account else api_url).rstrip("/")
        self._matcher = matcher
        self._clock = clock
        self._headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        if account is not None:
            self._headers["Authorization"] = f"Bearer {account.token}"
        # Search names each author without a profile; the users API has it. Only with a
        # token: without one the core limit is 60 requests an hour.
        self._profiles = (
            GitHubProfiles(client, self._api, self._headers, clock) if account is not None else None
        )

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        state = _State.parse(cursor, since_ms)
        query = f"{self._query} is:issue created:>={state.floor}"
        headers = self._headers
        response = await send_request(
            self._client,
            "GET",
            f"{self._api}/search/issues",
            service=SERVICE,
            params={
                "q": query,
                "sort": "created",
                "order": "desc",
                "per_page": str(_PER_PAGE),
                "page": str(state.page),
            },
            headers=headers,
        )
        secrets = (self._account.token,) if self._account else ()
        where = httpx.URL(self._api).host or self._api
        check(response, SERVICE, self._clock(), secrets=secrets, what=f"issue search at {where}")
        items = json_object(response, SERVICE).get("items")
        if not isinstance(items, list):
            raise TransientError(f"{SERVICE} sent an unexpected response", status=200)
        mentions = [m for m in map(self._mention, items) if m is not None and state.take(m)]
        wait = low_budget_wait(response, self._clock())
        if self._profiles is not None and mentions:
            known = await self._profiles.links(m.author.handle for m in mentions)
            mentions = [_with_links(m, known.get(m.author.handle)) for m in mentions]
        more = len(items) >= _PER_PAGE and state.page < _MAX_SEARCH_PAGES
        if more:
            state.page += 1
            return Page(
                tuple(mentions), state.dump(), more=True, wait_s=wait, progress=_progress(mentions)
            )
        return Page(tuple(mentions), state.finished().dump(), wait_s=wait)

    def _mention(self, item: Any) -> MentionIn | None:
        if not isinstance(item, dict) or "pull_request" in item:
            return None
        created = iso_or_none(item.get("created_at"))
        url = item.get("html_url")
        user = item.get("user")
        if created is None or not isinstance(url, str):
            return None
        title = str(item.get("title") or "").strip()
        body = str(item.get("body") or "").strip()
        text = f"{title}\n\n{body}" if body else title
        login = str(user.get("login") or "") if isinstance(user, dict) else ""
        profile = user.get("html_url") if isinstance(user, dict) else None
        matched = (self._matcher(text) if self._matcher is not None else None) or self._query
        return _mention(url, text, created, login, profile, matched)


# GraphQL: REST search cannot find discussions. `sort:created-desc` is GitHub's search
# sort qualifier ("Sorting search results"); variables keep the terms out of the query text.
_DISCUSSION_SEARCH = """
query($q: String!, $first: Int!, $after: String) {
  search(query: $q, type: DISCUSSION, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on Discussion {
        id url title body createdAt
        author { login url ... on User { websiteUrl email } }
        repository { nameWithOwner }
      }
    }
  }
}
"""


class GitHubDiscussionSource:
    """Polls discussion search (GraphQL, so a token is required), newest created first.

    The cursor is GitHubSource's (the same window before `newest`), and during a series
    of pages also holds `after` (the GraphQL `endCursor` to continue from). Like REST
    search, a series stops at 1000 results.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        account: GitHubAccount | None,
        *,
        query: str,
        matcher: TermMatcher | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if account is None or not account.token:
            raise ValueError("GitHub discussion search needs a token")
        if not query.strip():
            raise ValueError("a GitHub source needs a query")
        self._client = client
        self._account = account
        self._query = query.strip()
        self._url = _graphql_url(account.api_url)
        self._matcher = matcher
        self._clock = clock

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        state = _State.parse(cursor, since_ms)
        variables: dict[str, Any] = {
            "q": f"{self._query} created:>={state.floor} sort:created-desc",
            "first": _PER_PAGE,
            "after": state.after or None,
        }
        response = await send_request(
            self._client,
            "POST",
            self._url,
            service=SERVICE,
            json={"query": _DISCUSSION_SEARCH, "variables": variables},
            headers={"Authorization": f"bearer {self._account.token}"},
        )
        now = self._clock()
        where = httpx.URL(self._url).host or self._url
        check(response, SERVICE, now, secrets=(self._account.token,), what=f"GraphQL at {where}")
        body = json_object(response, SERVICE)
        self._check_errors(response, body, now)
        data = body.get("data")
        search = data.get("search") if isinstance(data, dict) else None
        nodes = search.get("nodes") if isinstance(search, dict) else None
        info = search.get("pageInfo") if isinstance(search, dict) else None
        if not isinstance(nodes, list) or not isinstance(info, dict):
            raise TransientError(f"{SERVICE} sent an unexpected response", status=200)
        mentions = [m for m in map(self._mention, nodes) if m is not None and state.take(m)]
        wait = low_budget_wait(response, now)
        end = info.get("endCursor")
        more = info.get("hasNextPage") is True and isinstance(end, str) and end != ""
        if more and state.page < _MAX_SEARCH_PAGES:
            state.page += 1
            state.after = str(end)
            return Page(
                tuple(mentions), state.dump(), more=True, wait_s=wait, progress=_progress(mentions)
            )
        return Page(tuple(mentions), state.finished().dump(), wait_s=wait)

    def _check_errors(self, response: httpx.Response, body: dict[str, Any], now: float) -> None:
        """GraphQL reports failures in a 200's `errors`, the primary rate limit among them."""
        errors = body.get("errors")
        if not errors:
            return
        found = [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
        if any(e.get("type") == "RATE_LIMITED" for e in found):
            # The docs: wait for x-ratelimit-reset (or Retry-After); without either, a minute.
            when = retry_at(response, now) or now + _GRAPHQL_LIMIT_WAIT_S
            raise TransientError(
                f"{SERVICE} rate limit (graphql): waiting until {clock_text(when, now)}",
                status=response.status_code,
                retry_at=when,
            )
        message = next((e["message"] for e in found if isinstance(e.get("message"), str)), "")
        reason = clean(message, secrets=(self._account.token,)) if message else ""
        raise TransientError(
            f"{SERVICE} search failed" + (f": {reason}" if reason else ""),
            status=response.status_code,
        )

    def _mention(self, node: Any) -> MentionIn | None:
        if not isinstance(node, dict):
            return None
        created = iso_or_none(node.get("createdAt"))
        url = node.get("url")
        if created is None or not isinstance(url, str):
            return None  # not a discussion (an empty fragment), or a broken one
        title = str(node.get("title") or "").strip()
        body = str(node.get("body") or "").strip()
        text = f"{title}\n\n{body}" if body else title
        author = node.get("author")
        # A deleted account comes back as null; GitHub shows it as "ghost".
        login = str(author.get("login") or "") if isinstance(author, dict) else ""
        login = login or "ghost"
        profile = author.get("url") if isinstance(author, dict) else None
        matched = (self._matcher(text) if self._matcher is not None else None) or self._query
        links = user_links(author) if isinstance(author, dict) else None
        return _mention(url, text, created, login, profile, matched, links)


def _mention(
    url: str,
    text: str,
    created: datetime,
    login: str,
    profile: object,
    matched: str,
    links: tuple[ProfileLink, ...] | None = None,
) -> MentionIn:
    return MentionIn(
        channel=Channel.GITHUB,
        external_id=url,  # what the reply sender needs to find the issue again
        text=text,
        created_at=created,
        author=AuthorIn(
            handle=login,
            url=profile if isinstance(profile, str) else f"https://github.com/{login}",
            links=links,
        ),
        url=url,
        matched=matched,
    )


def _with_links(mention: MentionIn, links: tuple[ProfileLink, ...] | None) -> MentionIn:
    if links is None:
        return mention
    return replace(mention, author=replace(mention.author, links=links))


def _graphql_url(api_url: str) -> str:
    """github.com serves GraphQL at api.github.com/graphql; GitHub Enterprise Server at
    /api/graphql beside its REST /api/v3."""
    api = api_url.rstrip("/")
    if api.endswith("/api/v3"):
        return api.removesuffix("/v3") + "/graphql"
    return f"{api}/graphql"


class _State:
    """A search source's cursor (see GitHubSource): `floor` is what the series asks
    from, fixed while its pages are read so each page answers the same question."""

    def __init__(
        self, newest: str, floor: str, page: int = 1, top: str = "", after: str = ""
    ) -> None:
        self.newest, self.floor, self.page = newest, floor, page
        self.top = top or newest
        self.after = after  # GraphQL: the `endCursor` of the page read before this one

    @classmethod
    def parse(cls, cursor: str | None, since_ms: int) -> _State:
        if cursor is None:
            start = iso_utc(since_ms / 1000, millis=False)
            return cls(start, start)
        data = cursor_codec.load(cursor, _CURSOR_FIELDS, _BAD_CURSOR)
        newest, page, top, after, floor = (
            data[k] for k in ("newest", "page", "top", "after", "floor")
        )
        moment = iso_or_none(newest)
        if moment is None:
            raise PermanentError(_BAD_CURSOR)
        if floor is None:
            # A series begun before the floor was stored asked from `newest` itself.
            floor = newest if page > 1 else _stamp(moment - timedelta(seconds=OVERLAP_S))
        return cls(newest, floor, page, top, after)

    def take(self, mention: MentionIn) -> bool:
        """Whether `mention` is inside the window asked for; notes the newest time.
        What was read before comes again and storage drops it."""
        stamp = _stamp(mention.created_at)
        if stamp < self.floor:
            return False
        self.top = max(self.top, stamp)
        return True

    def finished(self) -> _State:
        """After the last page: the next poll asks from OVERLAP_S before the newest."""
        newest = max(self.newest, self.top)
        moment = iso_or_none(newest)
        assert moment is not None
        return _State(newest, _stamp(moment - timedelta(seconds=OVERLAP_S)))

    def dump(self) -> str:
        data: dict[str, Any] = {"newest": self.newest}
        if self.page > 1:
            data.update(floor=self.floor, page=self.page, top=self.top)
            if self.after:
                data["after"] = self.after
        return cursor_codec.dump(data)


_CURSOR_FIELDS = {
    "newest": cursor_codec.Field(cursor_codec.is_text),
    "page": cursor_codec.Field(lambda v: cursor_codec.is_int(v) and v >= 1, 1),
    "top": cursor_codec.Field(cursor_codec.is_text, ""),
    "after": cursor_codec.Field(cursor_codec.is_text, ""),
    "floor": cursor_codec.Field(cursor_codec.or_none(cursor_codec.is_text), None),
}


def _progress(mentions: list[MentionIn]) -> str | None:
    """How far back a backfill has read: the oldest mention of the page, for people."""
    oldest = min((m.created_at for m in mentions), default=None)
    return oldest.strftime("%Y-%m-%d %H:%M") if oldest else None


def _stamp(moment: datetime) -> str:
    """GitHub's own form, `2022-07-19T04:40:52Z`: such strings sort as times do."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
