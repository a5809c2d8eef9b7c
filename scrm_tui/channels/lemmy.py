"""Lemmy, the whole network: its record, its account, its sources and its sender.

Lemmy's HTTP API v3 (0.19): log in for a JWT (`POST /user/login`), read mentions
(`GET /user/mention`) and comment searches (`GET /search?type_=Comments&sort=New`),
answer a comment (`POST /comment`). One instance is the account's home: scrm searches
and answers there, so a comment's local id on it is what a reply needs.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrm_tui.core.models import AuthorIn, MentionIn
from scrm_tui.core.networks import Network, register
from scrm_tui.core.timefmt import iso_or_none

if TYPE_CHECKING:  # the HTTP code and what it needs load when a source or sender calls out
    import httpx

    from scrm_tui.channels.building import BuildContext, Built
    from scrm_tui.channels.probing import Probe, ProbeContext
    from scrm_tui.core.config import SourceConfig
    from scrm_tui.core.listening import Page, TermMatcher
    from scrm_tui.core.outgoing import ReplyRequest, Sent
    from scrm_tui.core.watch import Watch

SERVICE = "Lemmy"
NAME = "lemmy"
KINDS = ("mentions", "search")
_PAGE = 50  # Lemmy's own maximum for `limit`
_LOOKBACK_S = 120.0  # clocks differ: a comment this much "before" queuing is still ours
_COMMENT_PATH = re.compile(r"/comment/(\d+)/?$")


@dataclass(frozen=True)
class LemmyAccount:
    """An account on one instance: a password to log in with, or a JWT already made."""

    instance: str  # e.g. "https://lemmy.ml"
    username: str
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)  # a JWT


class LemmySession:
    """Calls the instance's API as the account: the configured JWT, or one from a
    login with the password (made again once if the instance stops taking it)."""

    def __init__(
        self, client: httpx.AsyncClient, account: LemmyAccount, clock: Callable[[], float]
    ):
        self._client = client
        self.account = account
        self._clock = clock
        self._jwt = account.token
        self._lock = asyncio.Lock()

    def secrets(self) -> list[str]:
        """What an answer must never show of ours, should it echo it."""
        return [s for s in (self.account.password, self.account.token, self._jwt) if s]

    async def call(self, method: str, path: str, *, login: bool, **kwargs: Any) -> Any:
        """The JSON object of a 2xx answer; any other answer raises its SendError.
        `login`: the call needs the account (else the JWT goes along if there is one)."""
        jwt = await self._login() if login else self._jwt
        response = await self._request(method, path, jwt, **kwargs)
        if response.status_code == 401 and jwt is not None and self.account.password:
            async with self._lock:
                if self._jwt == jwt:
                    self._jwt = None
            response = await self._request(method, path, await self._login(), **kwargs)
        return self._answer(response)

    async def _request(self, method: str, path: str, jwt: str | None, **kwargs: Any) -> Any:
        from scrm_tui.channels.http import send_request

        headers = {"Authorization": f"Bearer {jwt}"} if jwt else {}
        url = f"{self.account.instance}/api/v3{path}"
        return await send_request(
            self._client, method, url, service=SERVICE, headers=headers, **kwargs
        )

    def _answer(self, response: Any, *, what: str | None = None) -> dict[str, Any]:
        from scrm_tui.channels.http import check, json_object

        check(response, SERVICE, self._clock(), secrets=self.secrets(), what=what)
        return json_object(response, SERVICE)

    async def _login(self) -> str:
        from scrm_tui.core.outgoing import AuthError

        async with self._lock:
            if self._jwt is not None:
                return self._jwt
            if not self.account.password:
                raise AuthError("Lemmy refused the token and no password is configured")
            body = {"username_or_email": self.account.username, "password": self.account.password}
            response = await self._request("POST", "/user/login", None, json=body)
            if response.status_code in (400, 401):
                # 400 {"error": "incorrect_login"}: the instance's words, never our password.
                from scrm_tui.channels.http import api_message

                said = api_message(response, secrets=self.secrets()) or "refused"
                raise AuthError(f"Lemmy refused the login ({response.status_code}): {said}")
            jwt = self._answer(response).get("jwt")
            if not isinstance(jwt, str) or not jwt:
                # A login that needs e-mail verification or an admin's approval first.
                raise AuthError("Lemmy gave no token: the account awaits verification or approval")
            self._jwt = jwt
            return jwt


# -- listening ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    """Where a series of pages stands. Between series the cursor is the newest time seen
    (ms); while paging it is JSON `{"since_ms", "newest_ms", "page"}`: a crash mid-way
    reads the rest again instead of skipping it."""

    since_ms: int
    newest_ms: int
    page: int

    @classmethod
    def parse(cls, cursor: str | None, since_ms: int) -> _Series:
        from scrm_tui.channels import cursor as codec
        from scrm_tui.core.listening import OVERLAP_S

        if cursor is None:
            return cls(since_ms, since_ms, 1)
        if cursor.isdigit():  # the newest seen: read again from a little before it
            floor = max(since_ms, int(cursor) - int(OVERLAP_S * 1000))
            return cls(floor, int(cursor), 1)
        fields = {key: codec.Field(codec.is_int) for key in ("since_ms", "newest_ms", "page")}
        data = codec.load(cursor, fields, codec.damaged(SERVICE))
        return cls(data["since_ms"], data["newest_ms"], data["page"])

    def dump(self) -> str:
        from scrm_tui.channels import cursor as codec

        return codec.dump(
            {"since_ms": self.since_ms, "newest_ms": self.newest_ms, "page": self.page}
        )


class LemmySource:
    """Polls the account's mentions, or a comment search, newest first, until a page
    reaches comments older than the series' floor."""

    def __init__(
        self,
        session: LemmySession,
        *,
        kind: str,
        query: str | None = None,
        matcher: TermMatcher | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown Lemmy source kind {kind!r} (use mentions or search)")
        self._session = session
        self._kind = kind
        self._query = query or ""
        self._matcher = matcher
        self._clock = clock

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        from scrm_tui.core.listening import Page
        from scrm_tui.core.outgoing import TransientError

        series = _Series.parse(cursor, since_ms)
        params = {"sort": "New", "limit": str(_PAGE), "page": str(series.page)}
        if self._kind == "mentions":
            data = await self._session.call("GET", "/user/mention", login=True, params=params)
            views = data.get("mentions")
        else:
            params |= {"q": self._query, "type_": "Comments", "listing_type": "All"}
            data = await self._session.call("GET", "/search", login=False, params=params)
            views = data.get("comments")
        if not isinstance(views, list):
            raise TransientError(f"{SERVICE} sent an unexpected response")
        mentions, newest, older = [], series.newest_ms, False
        for view in views:
            mention = self._mention(view)
            if mention is None:
                continue
            at = int(mention.created_at.timestamp() * 1000)
            if at <= series.since_ms:
                older = True
                continue
            mentions.append(mention)
            newest = max(newest, at)
        if len(views) == _PAGE and not older:
            following = _Series(series.since_ms, newest, series.page + 1)
            return Page(tuple(mentions), following.dump(), more=True)
        return Page(tuple(mentions), str(newest))

    def _mention(self, view: Any) -> MentionIn | None:
        if not isinstance(view, dict):
            return None
        comment, creator, post = view.get("comment"), view.get("creator"), view.get("post")
        if not (isinstance(comment, dict) and isinstance(creator, dict) and isinstance(post, dict)):
            return None
        if comment.get("deleted") or comment.get("removed"):
            return None
        when, text = iso_or_none(comment.get("published")), comment.get("content")
        if when is None or not isinstance(text, str) or not isinstance(comment.get("id"), int):
            return None
        # A search hit was found for its term; a mention names the account, whatever it says.
        matched = self._query or (self._matcher(text) if self._matcher else None)
        score = _dig(view, "counts", "score")
        return MentionIn(
            channel=NAME,
            external_id=str(comment.get("ap_id") or comment["id"]),
            text=text,
            created_at=when,
            author=_author(creator),
            url=f"{self._session.account.instance}/comment/{comment['id']}",
            root=str(post.get("ap_id")) if post.get("ap_id") else None,
            matched=matched,
            points=score if isinstance(score, int) else None,
        )


def _author(person: dict[str, Any]) -> AuthorIn:
    actor = str(person.get("actor_id") or "")
    host = urlsplit(actor).hostname if actor.startswith("http") else None
    name = str(person.get("name") or "")
    display = person.get("display_name")
    return AuthorIn(
        handle=f"{name}@{host}" if host else name,
        name=display.strip() if isinstance(display, str) and display.strip() else None,
        url=actor or None,
    )


# -- answering ---------------------------------------------------------------------------


class LemmySender:
    """Answers a comment as the account.

    Lemmy has no idempotency key, so a retry (`attempt > 1`: the last try may have
    reached the instance) first reads the account's newest comments for one under the
    same parent with the same text, made since the reply was queued: found, it is the
    answer, and nothing is posted twice.
    """

    def __init__(
        self, client: httpx.AsyncClient, account: LemmyAccount, clock: Callable[[], float]
    ) -> None:
        self._session = LemmySession(client, account, clock)

    async def send(self, request: ReplyRequest) -> Sent:
        from scrm_tui.core.outgoing import PermanentError, TransientError

        found = _COMMENT_PATH.search(request.target_url or "")
        if found is None:
            raise PermanentError("a Lemmy reply needs the address of a comment (…/comment/<id>)")
        parent = int(found.group(1))
        if request.attempt > 1:
            ours = await self._own_reply(parent, request)
            if ours is not None:
                return ours
        view = await self._session.call("GET", "/comment", login=True, params={"id": parent})
        post_id = _dig(view, "comment_view", "comment", "post_id")
        if not isinstance(post_id, int):
            raise TransientError(f"{SERVICE} sent an unexpected response")
        body = {"content": request.text, "post_id": post_id, "parent_id": parent}
        made = await self._session.call("POST", "/comment", login=True, json=body)
        return self._sent(_dig(made, "comment_view", "comment"))

    async def _own_reply(self, parent: int, request: ReplyRequest) -> Sent | None:
        from scrm_tui.channels.text import same_text

        params = {"username": self._session.account.username, "sort": "New", "limit": str(_PAGE)}
        data = await self._session.call("GET", "/user", login=True, params=params)
        earliest = request.created_ms / 1000 - _LOOKBACK_S
        for view in data.get("comments") or []:
            comment = view.get("comment") if isinstance(view, dict) else None
            if not isinstance(comment, dict):
                continue
            path = str(comment.get("path") or "").split(".")
            when = iso_or_none(comment.get("published"))
            if (
                len(path) >= 2
                and path[-2] == str(parent)
                and same_text(comment.get("content"), request.text)
                and when is not None
                and when.timestamp() >= earliest
            ):
                return self._sent(comment)
        return None

    def _sent(self, comment: Any) -> Sent:
        from scrm_tui.core.outgoing import Sent, TransientError

        if not isinstance(comment, dict) or not isinstance(comment.get("id"), int):
            raise TransientError(f"{SERVICE} answered without the new comment")
        url = f"{self._session.account.instance}/comment/{comment['id']}"
        return Sent(remote_id=str(comment.get("ap_id") or comment["id"]), url=url)


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


# -- the record --------------------------------------------------------------------------


def read_account(look: Any, state_dir: Path | None) -> tuple[str | None, Any]:
    problem = look.need("instance", "username")
    if problem:
        return problem, None
    password, token = look("password"), look("token")
    if password is None and token is None:
        return "no password: set $SCRM_LEMMY_PASSWORD or [lemmy] password_env", None
    instance = str(look("instance")).rstrip("/")
    return None, LemmyAccount(instance, str(look("username")).lstrip("@"), password, token)


def sources(source: SourceConfig, watch: Watch, ctx: BuildContext) -> list[Built]:
    from scrm_tui.channels.building import Searched, Unavailable, search_terms

    account = ctx.accounts.get(NAME)
    if not isinstance(account, LemmyAccount):
        instance = ctx.setting(NAME, "instance")
        if "mentions" in source.kinds or instance is None:
            raise Unavailable(ctx.why_not(NAME) or "no account")
        account = LemmyAccount(instance.rstrip("/"), "")  # search needs no login
    session = LemmySession(ctx.client, account, ctx.clock)
    built: list[Built] = []
    for kind in source.kinds:
        if kind == "mentions":
            made = LemmySource(session, kind=kind, matcher=watch.match, clock=ctx.clock)
            built.append(("lemmy:mentions", made))
        else:
            for term in search_terms(watch):
                made = LemmySource(session, kind=kind, query=term, clock=ctx.clock)
                built.append((f"lemmy:search:{term}", Searched(made, watch)))
    return built


def sender(client: Any, account: Any, clock: Callable[[], float]) -> LemmySender:
    return LemmySender(client, account, clock)


def probe(ctx: ProbeContext, source: str | None) -> Probe | None:
    """The instance's `/site`; with a token, as the account (a password is not tried:
    a login is a request a check should not spend)."""
    from scrm_tui.channels.probing import Probe

    account = ctx.accounts.get(NAME)
    instance = (
        account.instance if isinstance(account, LemmyAccount) else ctx.setting(NAME, "instance")
    )
    if instance is None:
        return None
    if isinstance(account, LemmyAccount) and account.token:
        auth = (("Authorization", f"Bearer {account.token}"),)
        return Probe(
            SERVICE,
            f"{instance}/api/v3/site",
            headers=auth,
            hint=ctx.hint(NAME, "token"),
            read=_site,
        )
    note = "; password not tried" if source is None and isinstance(account, LemmyAccount) else ""
    return Probe(SERVICE, f"{instance.rstrip('/')}/api/v3/site", read=_site, note=note)


def _site(probe: Probe, data: Any, host: str, answers: str) -> tuple[str, str]:
    if not isinstance(data.get("site_view"), dict):
        return "fail", f"{host} answered, but not as a Lemmy instance does: check instance"
    me = _dig(data, "my_user", "local_user_view", "person", "name")
    return "ok", answers + (
        f"; token accepted (@{me})" if isinstance(me, str) and probe.hint else ""
    )


def handle_key(handle: str, home: str | None) -> str:
    """`name@instance`, case-insensitive, as Lemmy's own search treats it."""
    return handle.lstrip("@").casefold()


NETWORK = register(
    Network(
        name=NAME,
        label=SERVICE,
        badge="lemy",
        account_keys=frozenset({"instance", "username", "password", "token"}),
        source_keys=frozenset({"kinds"}),
        kinds=KINDS,
        competitor_kinds=("search",),
        interval_s=120.0,  # Lemmy's default search limit: 60 requests in 10 minutes
        text_limit=10_000,  # a comment's content, in characters
        handle_key=handle_key,
        mention_form=lambda handle: f"@{handle.lstrip('@')}",
        reach_full=2_000,
        points_full=500,  # a comment's score when it was fetched
        read_account=read_account,
        sources=sources,
        sender=sender,
        probe=probe,
    )
)
