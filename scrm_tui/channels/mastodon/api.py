"""Mastodon: listen (mentions, hashtags, search) and post replies made safe to repeat."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx

from scrm_tui.channels import cursor as cursor_codec
from scrm_tui.channels.http import (
    check,
    json_object,
    low_budget_wait,
    read_json,
    send_request,
)
from scrm_tui.channels.text import html_links, html_to_text, plain_address
from scrm_tui.core.domains import MAX_LINKS, ProfileLink
from scrm_tui.core.language import declared_code
from scrm_tui.core.listening import OVERLAP_S, Page, TermMatcher
from scrm_tui.core.models import AuthorIn, Channel, MentionIn
from scrm_tui.core.outgoing import (
    MastodonAccount,
    PermanentError,
    ReplyRequest,
    Sent,
    TransientError,
)
from scrm_tui.core.records import MAX_NAME_LENGTH
from scrm_tui.core.timefmt import iso_or_none

SERVICE = "Mastodon"
VISIBILITIES = ("public", "unlisted", "private", "direct")
# A visibility we do not know (a fork's "limited"): reply only to the people mentioned.
_UNKNOWN_PARENT_VISIBILITY = "direct"


class MastodonSender:
    """Posts as one Mastodon account.

    Every attempt carries `Idempotency-Key: request.key`; Mastodon remembers it for an
    hour and answers a repeat with the status it already created, so a retry after a
    crash or a lost answer cannot post twice.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        account: MastodonAccount,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._account = account
        self._clock = clock
        self._base = account.base_url.rstrip("/")

    async def send(self, request: ReplyRequest) -> Sent:
        visibility = await self._visibility(request)
        body: dict[str, Any] = {"status": request.text, "visibility": visibility}
        if request.in_reply_to:
            body["in_reply_to_id"] = request.in_reply_to
        response = await send_request(
            self._client,
            "POST",
            f"{self._base}/api/v1/statuses",
            service=SERVICE,
            json=body,
            headers={**self._auth(), "Idempotency-Key": request.key},
        )
        self._check(response)
        status = json_object(response, SERVICE)
        status_id = status.get("id")
        if not isinstance(status_id, str | int) or isinstance(status_id, bool):
            raise TransientError(f"{SERVICE} answered without the new status", status=200)
        url = status.get("url") or status.get("uri")
        return Sent(remote_id=str(status_id), url=url if isinstance(url, str) else None)

    async def _visibility(self, request: ReplyRequest) -> str:
        chosen = self._account.visibility
        if chosen in VISIBILITIES:
            return chosen
        if chosen != "follow":
            raise PermanentError(
                f'unknown Mastodon visibility "{chosen}" '
                "(use follow, public, unlisted, private or direct)"
            )
        if not request.in_reply_to:
            return "public"
        # "follow": answer a followers-only or direct post as privately as it was made.
        response = await send_request(
            self._client,
            "GET",
            f"{self._base}/api/v1/statuses/{quote(request.in_reply_to, safe='')}",
            service=SERVICE,
            headers=self._auth(),
        )
        if response.status_code == 404:
            raise PermanentError(
                "the post you are answering was deleted or is not visible to this account (404)",
                status=404,
            )
        self._check(response)
        parent = json_object(response, SERVICE).get("visibility")
        return parent if parent in VISIBILITIES else _UNKNOWN_PARENT_VISIBILITY

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._account.token}"}

    def _check(self, response: httpx.Response) -> None:
        check(response, SERVICE, self._clock(), secrets=(self._account.token,))


# -- listening -----------------------------------------------------------------------

KINDS = ("notifications", "tag", "search")
_PAGE = {"notifications": 80, "tag": 40, "search": 40}  # each endpoint's maximum limit
_BAD_CURSOR = cursor_codec.damaged(SERVICE)


class MastodonSource:
    """Polls one Mastodon endpoint: mention notifications, a hashtag timeline or search.

    Every poll pages down from the top (`max_id`), newest first, until it reaches items
    dated before its floor. The cursor is JSON `{"since_ms": S, "newest_ms": N,
    "max_id": M}`: S the floor of this series of pages, N the newest date seen, M where
    the next page starts (null: at the top). When a series ends the next floor is
    OVERLAP_S before N: a remote status that federates late gets an id from its own
    date (Mastodon::Snowflake) and lands below newer ones, and is found there; what is
    read twice, storage drops. A crash in the middle of a series resumes at M. The
    first poll's floor is the backfill window's start.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        account: MastodonAccount | None,
        *,
        base_url: str,
        kind: str,
        tag: str | None = None,
        query: str | None = None,
        matcher: TermMatcher | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown Mastodon source kind {kind!r} (use {', '.join(KINDS)})")
        if kind == "tag" and not (tag or "").strip("# "):
            raise ValueError("a Mastodon tag source needs a tag")
        if kind == "search" and not (query or "").strip():
            raise ValueError("a Mastodon search source needs a query")
        self._client = client
        self._account = account
        self._base = base_url.rstrip("/")
        self._host = (httpx.URL(self._base).host or "").casefold()
        self._kind = kind
        self._tag = (tag or "").strip().lstrip("#")
        self._query = (query or "").strip()
        self._matcher = matcher
        self._clock = clock

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        if self._kind == "notifications" and self._account is None:
            raise PermanentError(f"{SERVICE}: mention notifications need an access token")
        series = _Series.parse(cursor, since_ms)
        response, items = await self._get({"max_id": series.max_id} if series.max_id else {})
        # A date ahead of our clock (a server's clock, a forged post) must not lift the
        # floor past what is still to come.
        now_ms = int(self._clock() * 1000)
        newest = series.newest_ms
        mentions: list[MentionIn] = []
        reached_floor = False
        for _, when_ms, mention in items:
            if when_ms is None:
                continue
            newest = max(newest, min(when_ms, now_ms))
            if when_ms < series.since_ms:
                reached_floor = True
            elif mention is not None:
                mentions.append(mention)
        lowest = min((key for key, _, _ in items), key=_id_order, default=None)
        wait = self._wait(response)
        if reached_floor or lowest is None or len(items) < self._limit:
            following = _Series(newest - int(OVERLAP_S * 1000), newest, None)
            return Page(tuple(mentions), following.dump(), wait_s=wait)
        progress = min((m.created_at for m in mentions), default=None)
        return Page(
            tuple(mentions),
            _Series(series.since_ms, newest, lowest).dump(),
            more=True,
            wait_s=wait,
            progress=progress.strftime("%Y-%m-%d %H:%M") if progress else None,
        )

    @property
    def _limit(self) -> int:
        return _PAGE[self._kind]

    async def _get(
        self, params: dict[str, str]
    ) -> tuple[httpx.Response, list[tuple[str, int | None, MentionIn | None]]]:
        """The answer and its items as (paging id, its date in ms, mention or None when
        it is dropped). The date is the item's own: a notification's is when it came."""
        query: list[tuple[str, str]] = [*params.items(), ("limit", str(self._limit))]
        if self._kind == "notifications":
            path = "/api/v1/notifications"
            query.append(("types[]", "mention"))
        elif self._kind == "tag":
            path = f"/api/v1/timelines/tag/{quote(self._tag, safe='')}"
        else:
            path = "/api/v2/search"
            query += [("type", "statuses"), ("q", self._query)]
        headers = {"Authorization": f"Bearer {self._account.token}"} if self._account else {}
        response = await send_request(
            self._client,
            "GET",
            f"{self._base}{path}",
            service=SERVICE,
            params=query,
            headers=headers,
        )
        secrets = (self._account.token,) if self._account else ()
        check(response, SERVICE, self._clock(), secrets=secrets, what=self._what())
        data = read_json(response, SERVICE)
        if self._kind == "search":
            data = data.get("statuses") if isinstance(data, dict) else None
        if not isinstance(data, list):
            raise TransientError(f"{SERVICE} sent an unexpected response", status=200)
        items: list[tuple[str, int | None, MentionIn | None]] = []
        for entry in data:
            if not isinstance(entry, dict) or not _is_id(entry.get("id")):
                continue
            status = entry.get("status") if self._kind == "notifications" else entry
            when = iso_or_none(entry.get("created_at"))
            when_ms = int(when.timestamp() * 1000) if when is not None else None
            items.append((str(entry["id"]), when_ms, self._mention(status)))
        return response, items

    def _what(self) -> str:
        """What a 404 could not find: the API of this kind, or the hashtag, on the host."""
        if self._kind == "tag":
            return f"the hashtag #{self._tag} on {self._host}"
        endpoint = "notifications" if self._kind == "notifications" else "search (/api/v2/search)"
        return f"the {endpoint} API on {self._host}"

    def _mention(self, status: Any) -> MentionIn | None:
        if not isinstance(status, dict) or not _is_id(status.get("id")):
            return None
        if isinstance(status.get("reblog"), dict):
            return None  # a boost repeats someone's post; the post itself is what counts
        created = iso_or_none(status.get("created_at"))
        account = status.get("account")
        if created is None or not isinstance(account, dict):
            return None
        text = html_to_text(str(status.get("content") or ""), hrefs=False)
        spoiler = str(status.get("spoiler_text") or "").strip()
        if spoiler:
            text = f"{spoiler}\n\n{text}" if text else spoiler
        matched = self._matcher(text) if self._matcher is not None else None
        if self._kind == "tag":
            if self._matcher is not None and matched is None:
                return None  # a hashtag timeline brings more than the watch terms
            matched = matched or f"#{self._tag}"
        elif self._kind == "search":
            matched = matched or self._query
        parent = status.get("in_reply_to_id")
        url = status.get("url") or status.get("uri")
        return MentionIn(
            channel=Channel.MASTODON,
            external_id=str(status["id"]),
            text=text,
            created_at=created,
            author=self._author(account),
            url=url if isinstance(url, str) else None,
            in_reply_to=str(parent) if _is_id(parent) else None,
            root=None,  # Mastodon's status does not name its thread's root
            matched=matched,
            hashtags=_tags(status.get("tags")),
            lang=declared_code(status.get("language")),
        )

    def _author(self, account: dict[str, Any]) -> AuthorIn:
        acct = str(account.get("acct") or account.get("username") or "").lstrip("@")
        if acct and "@" not in acct:
            # A local account is shown without its instance: add the one we asked.
            acct = f"{acct}@{self._host}"
        name = account.get("display_name")
        followers = account.get("followers_count")
        url = account.get("url")
        return AuthorIn(
            handle=acct,
            name=name.strip() or None if isinstance(name, str) else None,
            followers=followers if isinstance(followers, int) and followers >= 0 else None,
            url=url if isinstance(url, str) else None,
            links=_profile_links(account.get("fields")),
        )

    def _wait(self, response: httpx.Response) -> float | None:
        return low_budget_wait(response, self._clock())


class _Series:
    """The cursor of a MastodonSource (see there)."""

    def __init__(self, since_ms: int, newest_ms: int, max_id: str | None) -> None:
        self.since_ms, self.newest_ms, self.max_id = since_ms, newest_ms, max_id

    @classmethod
    def parse(cls, cursor: str | None, since_ms: int) -> _Series:
        if cursor is None:
            return cls(since_ms, since_ms, None)
        cursor = cursor.strip()
        if _is_id(cursor) and not cursor.startswith("{"):
            # The newest id, as earlier versions kept it: read the backfill window
            # again once (storage drops what is known) rather than guess a date.
            return cls(since_ms, since_ms, None)
        data = cursor_codec.load(cursor, _CURSOR_FIELDS, _BAD_CURSOR)
        newest = data["newest_ms"]  # an earlier backfill's has none: its floor, then
        return cls(data["since_ms"], data["since_ms"] if newest is None else newest, data["max_id"])

    def dump(self) -> str:
        data = {"since_ms": self.since_ms, "newest_ms": self.newest_ms, "max_id": self.max_id}
        return cursor_codec.dump(data)


def _profile_links(fields: Any) -> tuple[ProfileLink, ...] | None:
    """The links of an account's profile fields (`{name, value, verified_at}`, the value
    HTML): verified when the server found a rel=me link back to the profile on that page
    (`verified_at` set), which proves the author controls it. A field without a link
    (pronouns, a bare word) is no address. None when the account has no `fields` at all
    (an older server): nothing is known, not "none"."""
    if not isinstance(fields, list):
        return None
    found: list[ProfileLink] = []
    for field in fields[:MAX_LINKS]:
        if not isinstance(field, dict) or not isinstance(field.get("value"), str):
            continue
        label = field.get("name")
        for href in html_links(field["value"])[:1]:
            if plain_address(href):
                found.append(
                    ProfileLink(
                        href,
                        verified=bool(field.get("verified_at")),
                        label=label.strip()[:MAX_NAME_LENGTH] if isinstance(label, str) else "",
                    )
                )
    return tuple(found)


def _is_id(value: Any) -> bool:
    return (isinstance(value, str) and bool(value.strip())) or (
        isinstance(value, int) and not isinstance(value, bool)
    )


_CURSOR_FIELDS = {
    "since_ms": cursor_codec.Field(cursor_codec.is_int),
    "newest_ms": cursor_codec.Field(cursor_codec.or_none(cursor_codec.is_int), None),
    "max_id": cursor_codec.Field(cursor_codec.or_none(_is_id), None),
}


def _id_order(value: str) -> tuple[int, str]:
    """Mastodon ids are numbers in strings: longer is larger, then by digits."""
    return (len(value), value)


def _tags(tags: Any) -> tuple[str, ...]:
    """The hashtags a status declares (`tags: [{"name": "kestrel", ...}]`)."""
    if not isinstance(tags, list):
        return ()
    return tuple(
        tag["name"] for tag in tags if isinstance(tag, dict) and isinstance(tag.get("name"), str)
    )
