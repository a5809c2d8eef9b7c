"""Reddit: listen (search, subreddit comments) and comment through OAuth; a retry first
looks for the comment it may have made."""

from __future__ import annotations

import asyncio
import html as html_lib
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from scrm_tui.channels import cursor as cursor_codec
from scrm_tui.channels.http import (
    check,
    clean,
    clock_text,
    json_object,
    low_budget_wait,
    send_request,
)
from scrm_tui.channels.text import html_to_text, same_text
from scrm_tui.core.listening import OVERLAP_S, Page, TermMatcher
from scrm_tui.core.models import AuthorIn, Channel, MentionIn
from scrm_tui.core.outgoing import (
    AuthError,
    PermanentError,
    RedditAccount,
    ReplyRequest,
    Sent,
    TransientError,
)

SERVICE = "Reddit"
SITE = "https://www.reddit.com"
_FULLNAME = re.compile(r"t[13]_[a-z0-9]{1,16}")
_TOKEN_MARGIN_S = 120.0  # renew a little early: a token must not expire mid-request
_LOOKBACK_S = 120.0  # clocks differ: a comment this much "before" queuing is still ours
_WAIT = re.compile(r"(\d+)\s*(millisecond|second|minute|hour)s?", re.IGNORECASE)
_UNIT_S = {"millisecond": 0.001, "second": 1.0, "minute": 60.0, "hour": 3600.0}


class RedditSender:
    """Comments as one Reddit account.

    Reddit has no idempotency key, so when `request.attempt > 1` the sender first reads
    the account's newest comments for one with the same parent and text.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        account: RedditAccount,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._account = account
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        # Reading needs no user: a RedditSource may log in as the app alone.
        self._app_only = False

    async def send(self, request: ReplyRequest) -> Sent:
        self._agent()
        thing = request.in_reply_to or ""
        if not _FULLNAME.fullmatch(thing):
            raise PermanentError("a Reddit reply needs the id of a comment or post (t1_… or t3_…)")
        if request.attempt > 1:
            found = await self._own_comment(thing, request)
            if found is not None:
                return found
        response = await self._api(
            "POST",
            "/api/comment",
            params={"raw_json": "1"},
            data={"thing_id": thing, "text": request.text, "api_type": "json"},
        )
        self._check(response)
        return self._created(json_object(response, SERVICE))

    def _agent(self) -> str:
        agent = self._account.user_agent.strip()
        if not agent:
            raise PermanentError(
                "Reddit needs a user agent like "
                '"<platform>:<app id>:<version> (by /u/<username>)": it blocks generic ones'
            )
        return agent

    async def _api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A call with the bearer token, fetched again once if Reddit says it expired."""
        token = await self._access_token()
        response = await self._authorised(method, path, token, **kwargs)
        if response.status_code == 401:
            async with self._lock:
                if self._token == token:
                    self._token = None
            token = await self._access_token()
            response = await self._authorised(method, path, token, **kwargs)
        return response

    async def _authorised(
        self, method: str, path: str, token: str, **kwargs: Any
    ) -> httpx.Response:
        return await send_request(
            self._client,
            method,
            f"{self._account.api_url.rstrip('/')}{path}",
            service=SERVICE,
            headers={"Authorization": f"bearer {token}", "User-Agent": self._agent()},
            **kwargs,
        )

    async def _access_token(self) -> str:
        async with self._lock:
            if self._token is not None and self._clock() < self._expires_at:
                return self._token
            account = self._account
            if account.password:
                grant = {
                    "grant_type": "password",
                    "username": account.username,
                    "password": account.password,
                }
            elif account.refresh_token:
                grant = {"grant_type": "refresh_token", "refresh_token": account.refresh_token}
            elif self._app_only:
                grant = {"grant_type": "client_credentials"}
            else:
                raise PermanentError("the Reddit account needs a refresh token or a password")
            response = await send_request(
                self._client,
                "POST",
                f"{account.auth_url.rstrip('/')}/api/v1/access_token",
                service=SERVICE,
                auth=(account.client_id, account.client_secret),
                data=grant,
                headers={"User-Agent": self._agent()},
            )
            if response.status_code == 401:
                raise AuthError("Reddit refused the app's client id or secret (401)", status=401)
            self._check(response)
            data = json_object(response, SERVICE)
            error = data.get("error")
            if error:  # Reddit answers a bad grant with 200 {"error": "invalid_grant"}
                said = clean(str(error), secrets=self._secrets())
                raise AuthError(f"Reddit refused the login ({said})")
            token = data.get("access_token")
            if not isinstance(token, str) or not token:
                raise TransientError(f"{SERVICE} sent no access token")
            lifetime = data.get("expires_in")
            seconds = float(lifetime) if isinstance(lifetime, int | float) else 3600.0
            self._token = token
            self._expires_at = self._clock() + max(0.0, seconds - _TOKEN_MARGIN_S)
            return token

    async def _own_comment(self, thing: str, request: ReplyRequest) -> Sent | None:
        username = quote(self._account.username.removeprefix("u/"), safe="")
        response = await self._api(
            "GET",
            f"/user/{username}/comments",
            params={"limit": "100", "sort": "new", "raw_json": "1"},
        )
        self._check(response)
        listing = json_object(response, SERVICE).get("data")
        children = listing.get("children") if isinstance(listing, dict) else None
        earliest = request.created_ms / 1000 - _LOOKBACK_S
        for child in children if isinstance(children, list) else []:
            data = child.get("data") if isinstance(child, dict) else None
            if not isinstance(data, dict):
                continue
            created = data.get("created_utc")
            if (
                data.get("parent_id") == thing
                and same_text(data.get("body"), request.text)
                and isinstance(created, int | float)
                and created >= earliest
            ):
                return _sent(data)
        return None

    def _created(self, answer: dict[str, Any]) -> Sent:
        payload = answer.get("json")
        if not isinstance(payload, dict):
            raise TransientError(f"{SERVICE} sent an unexpected response")
        errors = payload.get("errors")
        if isinstance(errors, list) and errors:
            raise self._refusal(payload, errors[0])
        data = payload.get("data")
        things = data.get("things") if isinstance(data, dict) else None
        for thing in things if isinstance(things, list) else []:
            fields = thing.get("data") if isinstance(thing, dict) else None
            if isinstance(fields, dict) and isinstance(fields.get("name"), str):
                return _sent(fields)
        raise TransientError(f"{SERVICE} answered without the new comment")

    def _refusal(self, payload: dict[str, Any], error: Any) -> Exception:
        secrets = self._secrets()
        parts = [str(part) for part in error] if isinstance(error, list) else [str(error)]
        code = clean(parts[0], secrets=secrets) if parts else "error"
        message = clean(parts[1], secrets=secrets) if len(parts) > 1 else code
        if code != "RATELIMIT":
            return PermanentError(f"Reddit refused the comment: {message} ({code})")
        now = self._clock()
        wait = payload.get("ratelimit")  # seconds, when Reddit includes it
        seconds = float(wait) if isinstance(wait, int | float) else _wait_in(message)
        if seconds is None:
            return TransientError(f"Reddit rate limit: {message}", status=200)
        when = now + seconds
        return TransientError(
            f"Reddit rate limit: waiting until {clock_text(when, now)}", status=200, retry_at=when
        )

    def _check(self, response: httpx.Response, *, what: str | None = None) -> None:
        check(response, SERVICE, self._clock(), secrets=self._secrets(), what=what)

    def _secrets(self) -> list[str]:
        """What an answer must never show of ours, should it echo it."""
        account = self._account
        secrets = [account.client_secret, account.refresh_token or "", account.password or ""]
        return [*secrets, self._token] if self._token else secrets


def _wait_in(message: str) -> float | None:
    """Seconds in "you are doing that too much. try again in 5 minutes."."""
    match = _WAIT.search(message)
    if match is None:
        return None
    return int(match.group(1)) * _UNIT_S[match.group(2).lower()]


def _sent(data: dict[str, Any]) -> Sent:
    name = str(data.get("name") or f"t1_{data.get('id')}")
    permalink = data.get("permalink")
    link = data.get("link_id")
    if isinstance(permalink, str) and permalink.startswith("/"):
        url: str | None = SITE + permalink
    elif isinstance(link, str) and link.startswith("t3_") and isinstance(data.get("id"), str):
        url = f"{SITE}/comments/{link[3:]}/_/{data['id']}/"  # what Reddit itself links to
    else:
        url = None
    return Sent(remote_id=name, url=url)


# -- listening -----------------------------------------------------------------------

SOURCE_KINDS = ("search", "comments", "mentions")
_LIMIT = 100
_BAD_CURSOR = cursor_codec.damaged(SERVICE)


class RedditSource:
    """Polls Reddit search (sort=new), one subreddit's newest comments, or the account's
    username mentions (`/message/mentions`) over OAuth.

    It logs in with the account's refresh token or password when it has one, else as
    the app alone (client credentials); the mentions inbox is the user's own, so it
    needs the user's login. Search finds posts only (`type=link`), never comments. A
    post's text is read from its HTML (`selftext_html`, `body_html`): entities decoded,
    markdown rendered to plain text, link addresses kept. Every poll pages down from the
    top (`after`), newest first, until things are older than its floor. The cursor is JSON
    `{"since_ms": S, "newest_ms": N, "after": A}`: S the floor of this series of pages,
    N the newest creation time seen, A where the next page starts (null: the top).
    When a series ends the next floor is OVERLAP_S before N, so a thing search lists
    minutes after it was made (below newer ones, as "new" sorts by creation) is still
    found; what is read twice, storage drops. A crash mid-series resumes at A. The
    first poll's floor is the backfill window's start.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        account: RedditAccount,
        *,
        kind: str,
        query: str | None = None,
        subreddit: str | None = None,
        matcher: TermMatcher | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if kind not in SOURCE_KINDS:
            raise ValueError(
                f"unknown Reddit source kind {kind!r} (use search, comments or mentions)"
            )
        sub = (subreddit or "").strip().removeprefix("/").removeprefix("r/").strip("/")
        if kind == "comments" and not sub:
            raise ValueError("a Reddit comments source needs a subreddit")
        if kind == "search" and not (query or "").strip():
            raise ValueError("a Reddit search source needs a query")
        self._kind = kind
        self._query = (query or "").strip()
        self._sub = sub
        self._matcher = matcher
        self._clock = clock
        self._account = account
        self._api = RedditSender(client, account, clock)
        # The mentions inbox is the user's: an app-only token would be refused (403).
        self._api._app_only = kind != "mentions"

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        self._api._agent()  # no request without a proper User-Agent
        if self._kind == "mentions" and not (self._account.password or self._account.refresh_token):
            raise PermanentError(
                f"{SERVICE}: the mentions inbox needs the account's refresh token or password"
            )
        series = _Series.parse(cursor, since_ms)
        response, things = await self._get({"after": series.after} if series.after else {})
        now_ms = int(self._clock() * 1000)
        newest = series.newest_ms
        mentions: list[MentionIn] = []
        reached = False
        for _, created, mention in things:
            created_ms = int(created * 1000)
            # A time ahead of our clock must not lift the floor past what is to come.
            newest = max(newest, min(created_ms, now_ms))
            if created_ms < series.since_ms:
                reached = True
            elif mention is not None:
                mentions.append(mention)
        wait = self._wait(response)
        after = _listing_after(response)
        if reached or not things or after is None:
            following = _Series(newest - int(OVERLAP_S * 1000), newest, None)
            return Page(tuple(mentions), following.dump(), wait_s=wait)
        oldest = min((m.created_at for m in mentions), default=None)
        return Page(
            tuple(mentions),
            _Series(series.since_ms, newest, after).dump(),
            more=True,
            wait_s=wait,
            progress=oldest.strftime("%Y-%m-%d %H:%M") if oldest else None,
        )

    async def _get(
        self, params: dict[str, str]
    ) -> tuple[httpx.Response, list[tuple[str, float, MentionIn | None]]]:
        """The answer and its things, newest first: (fullname, created, mention or None)."""
        query = {**params, "limit": str(_LIMIT), "raw_json": "1"}
        host = httpx.URL(self._account.api_url).host or "Reddit"
        if self._kind == "search":
            path = "/search"
            query.update(q=self._query, sort="new", type="link")
            what = f"search at {host}"
        elif self._kind == "mentions":
            path = "/message/mentions"
            what = f"the mentions inbox of u/{self._account.username} at {host}"
        else:
            path = f"/r/{quote(self._sub, safe='')}/comments"
            what = f"the subreddit r/{self._sub} (private, banned or misspelt?)"
        response = await self._api._api("GET", path, params=query)
        self._api._check(response, what=what)
        listing = json_object(response, SERVICE).get("data")
        children = listing.get("children") if isinstance(listing, dict) else None
        if not isinstance(children, list):
            raise TransientError(f"{SERVICE} sent an unexpected response", status=200)
        things: list[tuple[str, float, MentionIn | None]] = []
        for child in children:
            data = child.get("data") if isinstance(child, dict) else None
            if not isinstance(data, dict) or child.get("kind") not in ("t1", "t3"):
                continue
            name, created = data.get("name"), data.get("created_utc")
            if not isinstance(name, str) or not isinstance(created, int | float):
                continue
            things.append((name, float(created), self._mention(child["kind"], data, created)))
        return response, things

    def _mention(self, kind: str, data: dict[str, Any], created: float) -> MentionIn | None:
        link = None
        if kind == "t1":
            text = _plain(data.get("body_html"), data.get("body"))
            parent = data.get("parent_id")
            root = data.get("link_id") or _post_of(data.get("context"))
        else:
            title = str(data.get("title") or "").strip()  # plain text, with raw_json=1
            body = _plain(data.get("selftext_html"), data.get("selftext"))
            text = f"{title}\n\n{body}" if body else title
            parent = root = None
            link = _link_of(data)
        matched = self._matcher(text) if self._matcher is not None else None
        if self._kind == "comments":
            if self._matcher is not None and matched is None:
                return None  # a subreddit brings more than the watch terms
            matched = matched or f"r/{self._sub}"
        elif self._kind == "search":
            matched = matched or self._query
        author = str(data.get("author") or "[deleted]")
        # The inbox lists a comment with its `context` (a permalink asking for its parents).
        permalink = data.get("permalink") or str(data.get("context") or "").split("?")[0]
        score = data.get("score")  # upvotes less downvotes when fetched
        return MentionIn(
            channel=Channel.REDDIT,
            external_id=str(data["name"]),
            text=text,
            created_at=datetime.fromtimestamp(created, UTC),
            author=AuthorIn(
                handle=author,
                url=None if author == "[deleted]" else f"{SITE}/user/{quote(author, safe='')}",
            ),
            url=SITE + permalink
            if isinstance(permalink, str) and permalink.startswith("/")
            else None,
            in_reply_to=parent if isinstance(parent, str) and parent else None,
            root=root if isinstance(root, str) and root else None,
            matched=matched,
            points=max(score, 0)
            if isinstance(score, int) and not isinstance(score, bool)
            else None,
            link=link,
        )

    def _wait(self, response: httpx.Response) -> float | None:
        return low_budget_wait(response, self._clock())


class _Series:
    """The cursor of a RedditSource (see there)."""

    def __init__(self, since_ms: int, newest_ms: int, after: str | None) -> None:
        self.since_ms, self.newest_ms, self.after = since_ms, newest_ms, after

    @classmethod
    def parse(cls, cursor: str | None, since_ms: int) -> _Series:
        if cursor is None:
            return cls(since_ms, since_ms, None)
        if _ANY_FULLNAME.fullmatch(cursor.strip()):
            # The newest fullname, as earlier versions kept it: read the backfill
            # window again once (storage drops what is known) rather than guess a date.
            return cls(since_ms, since_ms, None)
        data = cursor_codec.load(cursor, _CURSOR_FIELDS, _BAD_CURSOR)
        newest = data["newest_ms"]  # an earlier backfill's has none: its floor, then
        return cls(data["since_ms"], data["since_ms"] if newest is None else newest, data["after"])

    def dump(self) -> str:
        data = {"since_ms": self.since_ms, "newest_ms": self.newest_ms, "after": self.after}
        return cursor_codec.dump(data)


_ANY_FULLNAME = re.compile(r"t[1-6]_[a-z0-9]{1,16}")
_CURSOR_FIELDS = {
    "since_ms": cursor_codec.Field(cursor_codec.is_int),
    "newest_ms": cursor_codec.Field(cursor_codec.or_none(cursor_codec.is_int), None),
    "after": cursor_codec.Field(
        cursor_codec.or_none(lambda v: isinstance(v, str) and bool(_ANY_FULLNAME.fullmatch(v))),
        None,
    ),
}
_POST_IN_PATH = re.compile(r"/comments/([a-z0-9]{1,16})/")


def _plain(html: Any, markdown: Any) -> str:
    """A post's plain text from Reddit's HTML of it; the markdown only when there is no
    HTML (an old or a trimmed answer). Without `raw_json=1` the HTML comes escaped once
    more (`&lt;div class=&quot;md&quot;&gt;`): read as HTML, that is the markup as text."""
    if isinstance(html, str) and html.strip():
        if "<" not in html and "&lt;" in html:
            html = html_lib.unescape(html)
        return html_to_text(html)
    return str(markdown or "").strip()


def _link_of(data: dict[str, Any]) -> str | None:
    """Where a link post points; None for a text (self) post, whose `url` is itself."""
    if data.get("is_self") is not False:
        return None
    url = data.get("url_overridden_by_dest") or data.get("url")
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return url
    return None


def _post_of(context: Any) -> str | None:
    """The post (`t3_…`) an inbox comment is under, from its context permalink."""
    found = _POST_IN_PATH.search(context) if isinstance(context, str) else None
    return f"t3_{found.group(1)}" if found else None


def _listing_after(response: httpx.Response) -> str | None:
    try:
        data = json.loads(response.content).get("data")
    except (ValueError, AttributeError):
        return None
    after = data.get("after") if isinstance(data, dict) else None
    return after if isinstance(after, str) and after else None
