"""Bluesky's session (one login for sources and sender, under a file lock) and XRPC basics."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from scrm_tui.channels.http import (
    check,
    clean,
    json_object,
    send_request,
)
from scrm_tui.channels.sessionfile import SessionFile
from scrm_tui.core.outgoing import (
    AuthError,
    BlueskyAccount,
    TransientError,
)

log = logging.getLogger(__name__)

SERVICE = "Bluesky"
POST = "app.bsky.feed.post"
LINK_FEATURE = "app.bsky.richtext.facet#link"
INVALID_HANDLE = "handle.invalid"  # what the AppView shows when a handle fails to verify
_EXPIRED = ("ExpiredToken", "InvalidToken")


@dataclass(frozen=True)
class _Session:
    did: str
    handle: str
    access_jwt: str = field(repr=False)  # a crash screen shows locals: not these
    refresh_jwt: str = field(repr=False)
    pds: str = ""


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
            error, message = xrpc_error(response)
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


def at_uri(uri: str) -> tuple[str, str, str] | None:
    """`at://authority/collection/rkey` as its three parts."""
    if not uri.startswith("at://"):
        return None
    parts = uri[len("at://") :].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def xrpc_error(response: httpx.Response) -> tuple[str, str]:
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
    error, message = xrpc_error(response)
    return error in _EXPIRED or "token has expired" in message.lower()
