"""Bluesky replies: a post under a record key fixed when queued, with mention and link facets."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from scrm_tui.channels.bluesky.session import (
    INVALID_HANDLE,
    LINK_FEATURE,
    POST,
    SERVICE,
    BlueskySession,
    at_uri,
    xrpc_error,
)
from scrm_tui.channels.http import (
    iso_utc,
    json_object,
    read_json,
    send_request,
)
from scrm_tui.core.outgoing import (
    BlueskyAccount,
    PermanentError,
    ReplyRequest,
    SendError,
    Sent,
    TransientError,
)

_MENTION_FEATURE = "app.bsky.richtext.facet#mention"
# Handle syntax of atproto.com/specs/handle, not preceded by a word, "@" or ".".
_MENTION = re.compile(
    r"(?<![\w@.])@((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
    r"[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(?![\w-])"
)
_LINK = re.compile(r"(?<![\w@/])https?://[^\s<>\"]+", re.IGNORECASE)
_RKEY = re.compile(r"[A-Za-z0-9._:~-]{1,512}")


@dataclass(frozen=True)
class _Ref:
    uri: str
    cid: str

    def json(self) -> dict[str, str]:
        return {"uri": self.uri, "cid": self.cid}


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
        parts = at_uri(uri)
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
        canonical = at_uri(parent.uri)
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
            facets.append(_facet(text, match.start(), end, {"$type": LINK_FEATURE, "uri": uri}))
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
        parts = at_uri(uri) if isinstance(uri, str) else None
        if parts is None or not isinstance(uri, str):
            raise TransientError(f"{SERVICE} answered without the address of the post")
        session = self._auth.cached
        who = parts[0]
        if session is not None and session.handle and session.handle != INVALID_HANDLE:
            who = session.handle
        return Sent(remote_id=uri, url=f"https://bsky.app/profile/{who}/post/{parts[2]}")


def _ref(value: Any) -> _Ref | None:
    if not isinstance(value, dict):
        return None
    uri, cid = value.get("uri"), value.get("cid")
    if isinstance(uri, str) and isinstance(cid, str) and uri and cid:
        return _Ref(uri, cid)
    return None


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


def _not_found(response: httpx.Response) -> bool:
    if response.status_code == 404:
        return True
    error, message = xrpc_error(response)
    return response.status_code == 400 and (
        error == "RecordNotFound" or "could not locate record" in message.lower()
    )


def _already_exists(response: httpx.Response) -> bool:
    if response.status_code not in (400, 409):
        return False
    error, message = xrpc_error(response)
    return (
        error in ("RecordAlreadyExists", "Conflict")
        or "already exist" in message.lower()
        or response.status_code == 409
    )
