"""Bluesky: listen (search, notifications) and reply under a fixed record key, one session."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from scrm_tui.channels.http import (
    check,
    clean,
    iso_utc,
    json_object,
    low_budget_wait,
    read_json,
    send_request,
)
from scrm_tui.channels.sessionfile import SessionFile
from scrm_tui.core.language import declared_code
from scrm_tui.core.listening import OVERLAP_S, Page, TermMatcher
from scrm_tui.core.models import AuthorIn, Channel, MentionIn
from scrm_tui.core.outgoing import (
    AuthError,
    BlueskyAccount,
    PermanentError,
    ReplyRequest,
    SendError,
    Sent,
    TransientError,
)

log = logging.getLogger(__name__)

SERVICE = "Bluesky"
POST = "app.bsky.feed.post"
_MENTION_FEATURE = "app.bsky.richtext.facet#mention"
_LINK_FEATURE = "app.bsky.richtext.facet#link"
_TAG_FEATURE = "app.bsky.richtext.facet#tag"
# Handle syntax of atproto.com/specs/handle, not preceded by a word, "@" or ".".
_MENTION = re.compile(
    r"(?<![\w@.])@((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
    r"[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(?![\w-])"
)
_LINK = re.compile(r"(?<![\w@/])https?://[^\s<>\"]+", re.IGNORECASE)
_RKEY = re.compile(r"[A-Za-z0-9._:~-]{1,512}")
INVALID_HANDLE = "handle.invalid"  # what the AppView shows when a handle fails to verify
_EXPIRED = ("ExpiredToken", "InvalidToken")


@dataclass(frozen=True)
class _Session:
    did: str
    handle: str
    access_jwt: str = field(repr=False)  # a crash screen shows locals: not these
    refresh_jwt: str = field(repr=False)
    pds: str = ""


@dataclass(frozen=True)
class _Ref:
    uri: str
    cid: str

    def json(self) -> dict[str, str]:
        return {"uri": self.uri, "cid": self.cid}


class BlueskySession:
    """One account's login, shared by everything that calls Bluesky as it.

    The session comes from createSession once (it is limited to about ten a day), is
    kept in memory and in `account.session_file` (for this service and account only),
    and is renewed with refreshSession when the access token expires. Every scrm
    process of the account shares that file: a renewal happens under its lock and
    first reads the file again, so when several processes see one token expire, the
    first renews it and the others take what it saved.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        account: BlueskyAccount,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._account = account
        self._clock = clock
        self._entryway = account.service.rstrip("/")
        self._identifier = account.identifier.strip().removeprefix("@")
        self._session: _Session | None = None
        self._lock = asyncio.Lock()
        path = account.session_file
        self._file = (
            SessionFile(path, service=self._entryway, account=self._identifier)
            if path is not None
            else None
        )

    @property
    def cached(self) -> _Session | None:
        return self._session

    async def current(self) -> _Session:
        async with self._lock:
            if self._session is None:
                self._session = self._load()
            if self._session is None:
                async with self._shared():
                    # Another process may have logged in while we waited.
                    self._session = self._load() or await self._create()
            return self._session

    @property
    def entryway(self) -> str:
        return self._entryway

    def check(self, response: httpx.Response, *, what: str | None = None) -> None:
        secrets = [self._account.password]
        if self._session is not None:
            secrets += [self._session.access_jwt, self._session.refresh_jwt]
        check(response, SERVICE, self._clock(), secrets=secrets, what=what)

    async def _renew(self, stale: _Session) -> _Session:
        async with self._lock:
            if self._session is not None and self._session is not stale:
                return self._session  # another send renewed it meanwhile
            async with self._shared():
                saved = self._load()
                if saved is not None and saved.access_jwt != stale.access_jwt:
                    fresh = saved  # another process renewed it meanwhile
                else:
                    fresh = await self._refresh(stale) or await self._create()
            self._session = fresh
            return fresh

    def _shared(self) -> contextlib.AbstractAsyncContextManager[None]:
        """The lock every process of this account takes to renew the session."""
        return self._file.locked() if self._file is not None else contextlib.nullcontext()

    async def _create(self) -> _Session:
        response = await send_request(
            self._client,
            "POST",
            f"{self._entryway}/xrpc/com.atproto.server.createSession",
            service=SERVICE,
            json={"identifier": self._identifier, "password": self._account.password},
        )
        if response.status_code == 401:
            error, message = _xrpc_error(response)
            # A server may echo what it was sent, the password with it.
            said = clean(message or error, secrets=[self._account.password])
            raise AuthError(
                f"{SERVICE} refused the login (401): {said or 'wrong app password'}", status=401
            )
        self.check(response)
        session = _session_from(json_object(response, SERVICE), fallback_pds=self._entryway)
        self._save(session)
        return session

    async def _refresh(self, stale: _Session) -> _Session | None:
        response = await send_request(
            self._client,
            "POST",
            f"{self._entryway}/xrpc/com.atproto.server.refreshSession",
            service=SERVICE,
            headers={"Authorization": f"Bearer {stale.refresh_jwt}"},
        )
        if response.status_code in (400, 401):
            return None  # the refresh token is spent too: log in again
        self.check(response)
        data = json_object(response, SERVICE)
        data.setdefault("did", stale.did)
        data.setdefault("handle", stale.handle)
        session = _session_from(data, fallback_pds=stale.pds)
        self._save(session)
        return session

    def _load(self) -> _Session | None:
        data = self._file.read() if self._file is not None else None
        if data is None:
            return None
        try:
            return _Session(
                did=_text(data, "did"),
                handle=_text(data, "handle"),
                access_jwt=_text(data, "accessJwt"),
                refresh_jwt=_text(data, "refreshJwt"),
                pds=_text(data, "pds"),
            )
        except KeyError:
            return None

    def _save(self, session: _Session) -> None:
        if self._file is None:
            return
        self._file.write(
            {
                "did": session.did,
                "handle": session.handle,
                "accessJwt": session.access_jwt,
                "refreshJwt": session.refresh_jwt,
                "pds": session.pds,
            }
        )

    # -- calls ---------------------------------------------------------------------

    async def call(self, method: str, nsid: str, *, pds: bool, **kwargs: Any) -> httpx.Response:
        """An authenticated XRPC call, renewed and repeated once if the token expired."""
        session = await self.current()
        response = await self._raw(method, nsid, session, pds=pds, **kwargs)
        if _expired(response):
            session = await self._renew(session)
            response = await self._raw(method, nsid, session, pds=pds, **kwargs)
        return response

    async def _raw(
        self, method: str, nsid: str, session: _Session, *, pds: bool, **kwargs: Any
    ) -> httpx.Response:
        base = session.pds if pds else self._entryway
        return await send_request(
            self._client,
            method,
            f"{base}/xrpc/{nsid}",
            service=SERVICE,
            headers={"Authorization": f"Bearer {session.access_jwt}"},
            **kwargs,
        )


class BlueskySender:
    """Posts as one Bluesky account.

    The session comes from createSession once (it is limited to about ten a day), is
    kept in memory and in `account.session_file`, and is renewed with refreshSession
    when the access token expires. The record key is `request.key`, fixed when the
    post was queued, so a repeat can find the post instead of making a second one.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        account: BlueskyAccount,
        clock: Callable[[], float] = time.time,
        *,
        session: BlueskySession | None = None,
    ) -> None:
        self._client = client
        self._account = account
        self._clock = clock
        self._entryway = account.service.rstrip("/")
        # Shared with a BlueskySource of the same account: one login for both.
        self._auth = session or BlueskySession(client, account, clock)
        self._current = self._auth.current
        self._call = self._auth.call
        self._check = self._auth.check
        self._dids: dict[str, str] = {}  # handle -> DID, resolved before

    async def send(self, request: ReplyRequest) -> Sent:
        if not _RKEY.fullmatch(request.key) or request.key in (".", ".."):
            raise PermanentError("the queued post has a key Bluesky cannot use as a record key")
        session = await self._current()
        if request.attempt > 1:
            # An earlier attempt may have reached the PDS: look before posting again.
            found = await self._own_post(request.key)
            if found is not None:
                return found
        record: dict[str, Any] = {
            "$type": POST,
            "text": request.text,
            "createdAt": iso_utc(self._clock()),
        }
        if request.in_reply_to:
            parent, root = await self._reply_refs(request.in_reply_to)
            record["reply"] = {"root": root.json(), "parent": parent.json()}
        facets = await self._facets(request.text)
        if facets:
            record["facets"] = facets
        body = {"repo": session.did, "collection": POST, "rkey": request.key, "record": record}
        response = await self._call("POST", "com.atproto.repo.createRecord", pds=True, json=body)
        if response.is_success:
            return self._sent(json_object(response, SERVICE))
        exists = _already_exists(response)
        if exists or response.status_code >= 500:
            # A PDS refuses a second create under one key (the reference PDS with a 500).
            with contextlib.suppress(SendError):
                found = await self._own_post(request.key)
                if found is not None:
                    return found
            if exists:
                raise TransientError(
                    f"{SERVICE} says the post already exists but did not show it",
                    status=response.status_code,
                )
        self._check(response)
        raise TransientError(f"{SERVICE} answered HTTP {response.status_code}")

    async def _own_post(self, rkey: str) -> Sent | None:
        session = await self._current()
        params = {"repo": session.did, "collection": POST, "rkey": rkey}
        response = await self._call("GET", "com.atproto.repo.getRecord", pds=True, params=params)
        if _not_found(response):
            return None
        self._check(response)
        return self._sent(json_object(response, SERVICE))

    async def _reply_refs(self, uri: str) -> tuple[_Ref, _Ref]:
        """(parent, root): root is the parent's own root when it is itself a reply."""
        parts = _at_uri(uri)
        if parts is None or parts[1] != POST:
            raise PermanentError("a Bluesky reply needs the at:// address of a post")
        authority, collection, rkey = parts
        params = {"repo": authority, "collection": collection, "rkey": rkey}
        response = await self._call("GET", "com.atproto.repo.getRecord", pds=False, params=params)
        if _not_found(response):
            raise PermanentError(
                "the post you are answering was deleted or is not visible (RecordNotFound)",
                status=response.status_code,
            )
        self._check(response)
        data = json_object(response, SERVICE)
        parent = _ref(data)
        if parent is None:
            raise TransientError(f"{SERVICE} sent the parent post without its address")
        canonical = _at_uri(parent.uri)
        if canonical and not authority.startswith("did:") and canonical[0].startswith("did:"):
            self._dids[authority.lower()] = canonical[0]  # answered by handle: now we know
        value = data.get("value")
        reply = value.get("reply") if isinstance(value, dict) else None
        root = _ref(reply.get("root")) if isinstance(reply, dict) else None
        return parent, root or parent

    async def _facets(self, text: str) -> list[dict[str, Any]]:
        """Mention and link facets; offsets count UTF-8 bytes, as the lexicon says."""
        facets: list[dict[str, Any]] = []
        for match in _MENTION.finditer(text):
            did = await self._did_of(match.group(1).lower())
            if did:
                feature = {"$type": _MENTION_FEATURE, "did": did}
                facets.append(_facet(text, match.start(), match.end(), feature))
        for match in _LINK.finditer(text):
            uri = _trim_link(match.group(0))
            end = match.start() + len(uri)
            facets.append(_facet(text, match.start(), end, {"$type": _LINK_FEATURE, "uri": uri}))
        return sorted(facets, key=lambda facet: int(facet["index"]["byteStart"]))

    async def _did_of(self, handle: str) -> str | None:
        session = await self._current()
        if handle == session.handle.lower():
            return session.did
        if handle in self._dids:
            return self._dids[handle]
        try:
            response = await send_request(
                self._client,
                "GET",
                f"{self._entryway}/xrpc/com.atproto.identity.resolveHandle",
                service=SERVICE,
                params={"handle": handle},
            )
            data = read_json(response, SERVICE) if response.is_success else None
        except SendError:
            return None  # an unlinked mention is better than no reply
        did = data.get("did") if isinstance(data, dict) else None
        if not isinstance(did, str) or not did.startswith("did:"):
            return None
        self._dids[handle] = did
        return did

    def _sent(self, data: dict[str, Any]) -> Sent:
        uri = data.get("uri")
        parts = _at_uri(uri) if isinstance(uri, str) else None
        if parts is None or not isinstance(uri, str):
            raise TransientError(f"{SERVICE} answered without the address of the post")
        session = self._auth.cached
        who = parts[0]
        if session is not None and session.handle and session.handle != INVALID_HANDLE:
            who = session.handle
        return Sent(remote_id=uri, url=f"https://bsky.app/profile/{who}/post/{parts[2]}")


def _session_from(data: dict[str, Any], *, fallback_pds: str) -> _Session:
    try:
        return _Session(
            did=_text(data, "did"),
            handle=str(data.get("handle") or ""),
            access_jwt=_text(data, "accessJwt"),
            refresh_jwt=_text(data, "refreshJwt"),
            pds=_pds_of(data.get("didDoc")) or fallback_pds,
        )
    except KeyError:
        raise TransientError(f"{SERVICE} sent a session without its tokens") from None


def _pds_of(doc: Any) -> str | None:
    """The account's own PDS from its DID document: repo writes must go there."""
    services = doc.get("service") if isinstance(doc, dict) else None
    for service in services if isinstance(services, list) else []:
        if not isinstance(service, dict) or not str(service.get("id", "")).endswith("#atproto_pds"):
            continue
        endpoint = service.get("serviceEndpoint")
        if isinstance(endpoint, str) and endpoint.startswith(("https://", "http://")):
            return endpoint.rstrip("/")
    return None


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise KeyError(key)
    return value


def _at_uri(uri: str) -> tuple[str, str, str] | None:
    """`at://authority/collection/rkey` as its three parts."""
    if not uri.startswith("at://"):
        return None
    parts = uri[len("at://") :].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def _ref(value: Any) -> _Ref | None:
    if not isinstance(value, dict):
        return None
    uri, cid = value.get("uri"), value.get("cid")
    if isinstance(uri, str) and isinstance(cid, str) and uri and cid:
        return _Ref(uri, cid)
    return None


def _tags(facets: Any) -> tuple[str, ...]:
    """The hashtags a post's facets declare (`app.bsky.richtext.facet#tag`)."""
    found = []
    for facet in facets if isinstance(facets, list) else []:
        features = facet.get("features") if isinstance(facet, dict) else None
        for feature in features if isinstance(features, list) else []:
            if isinstance(feature, dict) and feature.get("$type") == _TAG_FEATURE:
                tag = feature.get("tag")
                if isinstance(tag, str):
                    found.append(tag)
    return tuple(found)


def expand_links(text: str, facets: Any) -> str:
    """`text` with each link facet's full address where the text shows it shortened.

    Clients write a long link as `drive.google.com/file/d/1rpor...` and keep the whole
    address in a link facet over those bytes (UTF-8 offsets). A facet whose range is not
    inside the text, cuts a character or overlaps another is left alone.
    """
    data = text.encode("utf-8")
    spans: list[tuple[int, int, str]] = []
    for facet in facets if isinstance(facets, list) else []:
        index = facet.get("index") if isinstance(facet, dict) else None
        features = facet.get("features") if isinstance(facet, dict) else None
        if not isinstance(index, dict) or not isinstance(features, list):
            continue
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(data)):
            continue
        for feature in features:
            uri = feature.get("uri") if isinstance(feature, dict) else None
            if feature.get("$type") == _LINK_FEATURE and isinstance(uri, str) and _is_web(uri):
                spans.append((start, end, uri))
                break
    out, at = [], 0
    for start, end, uri in sorted(spans):
        if start < at:
            continue  # overlaps the one before
        try:
            shown = data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            continue  # the offsets cut a character: not this text's facet
        out += [data[at:start], (shown if shown == uri else uri).encode("utf-8")]
        at = end
    if not out:
        return text
    return b"".join([*out, data[at:]]).decode("utf-8", errors="replace")


def _is_web(uri: str) -> bool:
    return uri.startswith(("https://", "http://")) and not any(c.isspace() for c in uri)


def _facet(text: str, start: int, end: int, feature: dict[str, str]) -> dict[str, Any]:
    byte_start = len(text[:start].encode("utf-8"))
    byte_end = byte_start + len(text[start:end].encode("utf-8"))
    return {"index": {"byteStart": byte_start, "byteEnd": byte_end}, "features": [feature]}


def _trim_link(url: str) -> str:
    """Drop sentence punctuation after a link, and a ")" that closes the prose."""
    while url and url[-1] in ".,;:!?'\"":
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def _xrpc_error(response: httpx.Response) -> tuple[str, str]:
    """XRPC's {"error", "message"} of a failed call, or empty strings."""
    if response.is_success:
        return "", ""
    try:
        data = json.loads(response.content)
    except ValueError:
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    error, message = data.get("error"), data.get("message")
    return (error if isinstance(error, str) else ""), (message if isinstance(message, str) else "")


def _expired(response: httpx.Response) -> bool:
    if response.status_code not in (400, 401):
        return False
    error, message = _xrpc_error(response)
    return error in _EXPIRED or "token has expired" in message.lower()


def _not_found(response: httpx.Response) -> bool:
    if response.status_code == 404:
        return True
    error, message = _xrpc_error(response)
    return response.status_code == 400 and (
        error == "RecordNotFound" or "could not locate record" in message.lower()
    )


def _already_exists(response: httpx.Response) -> bool:
    if response.status_code not in (400, 409):
        return False
    error, message = _xrpc_error(response)
    return (
        error in ("RecordAlreadyExists", "Conflict")
        or "already exist" in message.lower()
        or response.status_code == 409
    )


# -- listening -----------------------------------------------------------------------

SOURCE_KINDS = ("search", "notifications")
NOTIFICATION_REASONS = ("mention", "reply", "quote")
_LIMIT = 100
# searchPosts' `since` compares a post's sort time (its createdAt when that is earlier
# than indexedAt), our floor is an indexedAt: ask this much earlier and drop repeats.
_MARGIN_S = OVERLAP_S
_SEEN_MAX = 1000
_BAD_CURSOR = f"{SERVICE}: the stored cursor is damaged (reset the source to backfill again)"


class BlueskySource:
    """Polls searchPosts (sort=latest) for one query, or listNotifications for
    mentions, replies and quotes, through the account's shared session.

    Both answer newest first, so a poll pages down from the top until it reaches what
    it stored last time. The cursor is JSON::

        {"newest": ISO, "seen": {uri: indexedAt}, "page": api cursor | null,
         "top": ISO | null, "run": {uri: indexedAt}}

    `newest` is the indexedAt of the newest post stored (first run: the window start)
    and `seen` the posts stored within _MARGIN_S below it, so a repeat is dropped and a
    post indexed late is still taken. While a poll pages down (`more=True`), `page` is
    the API's cursor for the next page and `top`/`run` what this series of pages has
    seen; `newest`/`seen` move up only when the series is finished, so a crash in
    the middle reads the series again instead of skipping its rest.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        account: BlueskyAccount,
        *,
        kind: str,
        query: str | None = None,
        matcher: TermMatcher | None = None,
        clock: Callable[[], float] = time.time,
        session: BlueskySession | None = None,
    ) -> None:
        if kind not in SOURCE_KINDS:
            raise ValueError(f"unknown Bluesky source kind {kind!r} (use search or notifications)")
        if kind == "search" and not (query or "").strip():
            raise ValueError("a Bluesky search source needs a query")
        self._kind = kind
        self._query = (query or "").strip()
        self._matcher = matcher
        self._clock = clock
        self._auth = session or BlueskySession(client, account, clock)

    @property
    def session(self) -> BlueskySession:
        """The login, to give a BlueskySender of the same account."""
        return self._auth

    async def fetch(self, cursor: str | None, since_ms: int) -> Page:
        state = _State.parse(cursor, since_ms)
        floor = _moment(state.newest)
        assert floor is not None
        params: list[tuple[str, str]] = [("limit", str(_LIMIT))]
        if self._kind == "search":
            nsid = "app.bsky.feed.searchPosts"
            since = iso_utc(max(0.0, floor.timestamp() - _MARGIN_S))
            params += [("q", self._query), ("sort", "latest"), ("since", since)]
            key = "posts"
        else:
            nsid = "app.bsky.notification.listNotifications"
            params += [("reasons", reason) for reason in NOTIFICATION_REASONS]
            key = "notifications"
        if state.page:
            params.append(("cursor", state.page))
        response = await self._auth.call("GET", nsid, pds=False, params=params)
        host = httpx.URL(self._auth.entryway).host or self._auth.entryway
        self._auth.check(response, what=f"{nsid} on {host}")
        data = json_object(response, SERVICE)
        items = data.get(key)
        if not isinstance(items, list):
            raise TransientError(f"{SERVICE} sent an unexpected response", status=200)
        mentions: list[MentionIn] = []
        reached = False
        oldest_allowed = floor.timestamp() - _MARGIN_S
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("uri"), str):
                continue
            if self._kind == "notifications" and item.get("reason") not in NOTIFICATION_REASONS:
                continue  # the server ignored `reasons`: a like or a follow is no mention
            indexed = _moment(item.get("indexedAt"))
            if indexed is None:
                continue
            if indexed.timestamp() < oldest_allowed:
                reached = True  # below what was stored last time: the rest is older
                continue
            uri, stamp = item["uri"], str(item["indexedAt"])
            if uri in state.seen or uri in state.run or (indexed < floor and not state.seen):
                continue
            state.run[uri] = stamp
            if state.top is None or stamp > state.top:
                state.top = stamp
            mention = self._mention(item)
            if mention is not None:
                mentions.append(mention)
        next_page = data.get("cursor")
        wait = low_budget_wait(response, self._clock())
        if items and not reached and isinstance(next_page, str) and next_page:
            state.page = next_page
            oldest = min((m.created_at for m in mentions), default=None)
            progress = oldest.strftime("%Y-%m-%d %H:%M") if oldest else None
            return Page(tuple(mentions), state.dump(), more=True, wait_s=wait, progress=progress)
        return Page(tuple(mentions), state.finished().dump(), wait_s=wait)

    def _mention(self, item: dict[str, Any]) -> MentionIn | None:
        record = item.get("record")
        author = item.get("author")
        parts = _at_uri(item["uri"])
        if not isinstance(record, dict) or not isinstance(author, dict) or parts is None:
            return None
        if record.get("$type", POST) != POST:
            return None
        text = expand_links(str(record.get("text") or ""), record.get("facets"))
        created = _moment(record.get("createdAt")) or _moment(item.get("indexedAt"))
        if created is None:
            return None
        reply = record.get("reply")
        parent = _ref_uri(reply, "parent")
        root = _ref_uri(reply, "root")
        handle = str(author.get("handle") or "")
        if not handle or handle == INVALID_HANDLE:
            # A handle whose domain no longer points to the account: the DID is the one
            # name that stays (and what bsky.app links by), so it is the identity key too.
            handle = str(author.get("did") or parts[0])
        name = author.get("displayName")
        followers = author.get("followersCount")
        matched = self._matcher(text) if self._matcher is not None else None
        if self._kind == "search":
            matched = matched or self._query
        return MentionIn(
            channel=Channel.BLUESKY,
            external_id=item["uri"],
            text=text,
            created_at=created,
            author=AuthorIn(
                handle=handle,
                name=name.strip() or None if isinstance(name, str) else None,
                followers=followers if isinstance(followers, int) and followers >= 0 else None,
                url=f"https://bsky.app/profile/{handle}",
            ),
            url=f"https://bsky.app/profile/{handle}/post/{parts[2]}",
            in_reply_to=parent,
            root=root or parent,
            matched=matched,
            hashtags=_tags(record.get("facets")),
            lang=declared_code(record.get("langs")),
        )


class _State:
    """The cursor of a BlueskySource, parsed (see there)."""

    def __init__(
        self,
        newest: str,
        seen: dict[str, str],
        page: str | None = None,
        top: str | None = None,
        run: dict[str, str] | None = None,
    ) -> None:
        self.newest, self.seen, self.page, self.top = newest, seen, page, top
        self.run = run or {}

    @classmethod
    def parse(cls, cursor: str | None, since_ms: int) -> _State:
        if cursor is None:
            return cls(iso_utc(since_ms / 1000), {})
        try:
            data = json.loads(cursor)
            newest, seen = data["newest"], data.get("seen") or {}
            page, top, run = data.get("page"), data.get("top"), data.get("run") or {}
        except (ValueError, TypeError, KeyError, AttributeError):
            raise PermanentError(_BAD_CURSOR) from None
        maps_ok = all(
            isinstance(m, dict) and all(isinstance(v, str) for v in m.values()) for m in (seen, run)
        )
        if not (isinstance(newest, str) and _moment(newest) and maps_ok):
            raise PermanentError(_BAD_CURSOR)
        if not all(v is None or isinstance(v, str) for v in (page, top)):
            raise PermanentError(_BAD_CURSOR)
        return cls(newest, seen, page, top, run)

    def finished(self) -> _State:
        """The state after a series of pages: the floor moves up to the newest seen."""
        newest = max(self.newest, self.top or self.newest, key=_sort_key)
        seen = {**self.seen, **self.run}
        floor = _moment(newest)
        assert floor is not None
        keep = floor.timestamp() - _MARGIN_S
        recent = {
            uri: stamp
            for uri, stamp in seen.items()
            if (_moment(stamp) or floor).timestamp() >= keep
        }
        newest_first = sorted(recent.items(), key=lambda pair: _sort_key(pair[1]), reverse=True)
        return _State(newest, dict(newest_first[:_SEEN_MAX]))

    def dump(self) -> str:
        data: dict[str, Any] = {"newest": self.newest, "seen": self.seen}
        if self.page is not None:
            data.update(page=self.page, top=self.top, run=self.run)
        return json.dumps(data, separators=(",", ":"))


def _moment(value: Any) -> datetime | None:
    """An atproto datetime (Z or an offset, micro- or milliseconds) in UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _sort_key(value: str) -> float:
    moment = _moment(value)
    return moment.timestamp() if moment else 0.0


def _ref_uri(reply: Any, part: str) -> str | None:
    ref = reply.get(part) if isinstance(reply, dict) else None
    uri = ref.get("uri") if isinstance(ref, dict) else None
    return uri if isinstance(uri, str) and uri.startswith("at://") else None
