"""Bluesky on the loopback: the entryway (sessions, reads) and the PDS (writes), records checked
against the app.bsky.feed.post lexicon, searchPosts and listNotifications with their cursors."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from typing import Any

from tests.fakes.server import JsonDict, LoopbackServer, Recorded, _json, _Reply

try:
    import regex
except ImportError:  # run by hand outside the venv: count code points instead
    regex = None

_XRPC = r"/(bsky|pds)/xrpc/"

ROUTES = {
    "bluesky.createSession": ("POST", _XRPC + r"com\.atproto\.server\.createSession"),
    "bluesky.refreshSession": ("POST", _XRPC + r"com\.atproto\.server\.refreshSession"),
    "bluesky.getRecord": ("GET", _XRPC + r"com\.atproto\.repo\.getRecord"),
    "bluesky.createRecord": ("POST", _XRPC + r"com\.atproto\.repo\.createRecord"),
    "bluesky.resolveHandle": ("GET", _XRPC + r"com\.atproto\.identity\.resolveHandle"),
    "bluesky.searchPosts": ("GET", _XRPC + r"app\.bsky\.feed\.searchPosts"),
    "bluesky.listNotifications": ("GET", _XRPC + r"app\.bsky\.notification\.listNotifications"),
    "bluesky.health": ("GET", _XRPC + r"_health"),
}
KINDS = ("bluesky",)
_B32 = "234567abcdefghijklmnopqrstuvwxyz"


class BlueskyFake(LoopbackServer):
    """Bluesky for the loopback (`Loopback` mixes every network in)."""

    BLUESKY_HANDLE = "scrm-test.bsky.social"
    BLUESKY_EMAIL = "scrm-test@example.com"
    BLUESKY_DID = "did:plc:scrmloopbacktest0000000"
    BLUESKY_PASSWORD = "loop-back-app-pass"
    # The recorded parent post (getRecord fixture) and its author.
    PARENT_HANDLE = "bskyr.bsky.social"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._handles: dict[str, str] = {self.BLUESKY_HANDLE: self.BLUESKY_DID}
        self._records: dict[str, JsonDict] = {}  # at:// uri -> {"uri", "cid", "value"}
        self._access: set[str] = set()
        self._expired: set[str] = set()
        self._refresh: set[str] = set()
        self._sessions_created = 0
        self._bsky_search: list[JsonDict] = self._payload("bluesky_searchPosts.json")["posts"]
        notes = self._payload("bluesky_listNotifications.json")["notifications"]
        self._bsky_notes: list[JsonDict] = notes
        parent = self._payload("bluesky_getRecord_parent.json")
        self._records[parent["uri"]] = parent
        self._handles[self.PARENT_HANDLE] = parent["uri"].split("/")[2]

    @property
    def bluesky_url(self) -> str:
        """The entryway (like bsky.social): sessions and reads; refuses repo writes."""
        return f"{self.base_url}/bsky"

    @property
    def pds_url(self) -> str:
        """The account's PDS, named in the session's DID document: writes go here."""
        return f"{self.base_url}/pds"

    def bluesky_account(self, **changes: Any) -> Any:
        from scrm_tui.core.outgoing import BlueskyAccount

        return BlueskyAccount(
            **{
                "identifier": self.BLUESKY_HANDLE,
                "password": self.BLUESKY_PASSWORD,
                "service": self.bluesky_url,
                **changes,
            }
        )

    def add_bluesky_handle(self, handle: str, did: str) -> None:
        with self._lock:
            self._handles[handle.lower()] = did

    def add_bluesky_post(
        self, did: str, rkey: str, text: str = "a post", *, root: JsonDict | None = None
    ) -> JsonDict:
        """A post in someone's repo; `root` ({uri, cid}) makes it a reply in a thread."""
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        value: JsonDict = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": self._iso(self.clock()),
        }
        if root is not None:
            value["reply"] = {"root": root, "parent": root}
        record = {"uri": uri, "cid": _cid(uri), "value": value}
        with self._lock:
            self._records[uri] = record
        return {"uri": uri, "cid": record["cid"]}

    @property
    def parent_post(self) -> JsonDict:
        """The recorded getRecord fixture (a top-level post by bskyr.bsky.social)."""
        data = json.loads(self._files["bluesky_getRecord_parent.json"])
        return {"uri": data["uri"], "cid": data["cid"]}

    def expire_bluesky(self, *, refresh: bool = False) -> None:
        """Every access token expires (and every refresh token too when `refresh`)."""
        with self._lock:
            self._expired |= self._access
            self._access.clear()
            if refresh:
                self._refresh.clear()

    def add_bluesky_search_post(
        self,
        did: str,
        rkey: str,
        text: str,
        *,
        at: str,
        handle: str = "someone.bsky.social",
        reply: JsonDict | None = None,
        reason: str | None = None,
        created_at: str | None = None,
    ) -> JsonDict:
        """A post searchPosts finds (or, with `reason`, a notification about it), indexed
        `at`; `created_at` (default: the same) is the date its author's app gave it."""
        post: JsonDict = copy.deepcopy(self._payload("bluesky_searchPosts.json")["posts"][0])
        uri = f"at://{did}/app.bsky.feed.post/{rkey}"
        post.update(uri=uri, cid=_cid(uri), indexedAt=at)
        post["author"].update(did=did, handle=handle, displayName=handle.split(".")[0])
        post["record"] = {
            "$type": "app.bsky.feed.post",
            "createdAt": created_at or at,
            "text": text,
        }
        if reply is not None:
            post["record"]["reply"] = reply
        with self._lock:
            if reason is None:
                self._bsky_search.append(post)
            else:
                note = {**post, "reason": reason, "isRead": False, "labels": []}
                self._bsky_notes.append(note)
        return post

    def _bsky_error(self, status: int, error: str, message: str) -> _Reply:
        return _json(status, {"error": error, "message": message})

    def _bsky_auth(self, request: Recorded, *, required: bool) -> _Reply | None:
        header = request.headers.get("authorization", "")
        if not header:
            return (
                self._bsky_error(401, "AuthMissing", "Authentication Required")
                if required
                else None
            )
        token = header.removeprefix("Bearer ")
        if token in self._access:
            return None
        if token in self._expired:
            return self._bsky_error(400, "ExpiredToken", "Token has expired")
        return self._bsky_error(400, "InvalidToken", "Token could not be verified")

    def _bsky_session_body(self) -> JsonDict:
        n = next(self._ids)
        access, refresh = f"access-{n}-{os.urandom(4).hex()}", f"refresh-{n}-{os.urandom(4).hex()}"
        self._access.add(access)
        self._refresh.add(refresh)
        body: JsonDict = self._payload("bluesky_createSession.json")
        doc = body["didDoc"]
        doc["id"] = self.BLUESKY_DID
        doc["alsoKnownAs"] = [f"at://{self.BLUESKY_HANDLE}"]
        doc["verificationMethod"][0]["id"] = f"{self.BLUESKY_DID}#atproto"
        doc["verificationMethod"][0]["controller"] = self.BLUESKY_DID
        doc["service"][0]["serviceEndpoint"] = self.pds_url
        body.update(
            did=self.BLUESKY_DID,
            handle=self.BLUESKY_HANDLE,
            email=self.BLUESKY_EMAIL,
            accessJwt=access,
            refreshJwt=refresh,
        )
        return body

    def _on_bluesky_createSession(self, request: Recorded, match: re.Match[str]) -> _Reply:
        data = request.json()
        who = str(data.get("identifier", "")).lower()
        if who not in (self.BLUESKY_HANDLE, self.BLUESKY_EMAIL) or (
            data.get("password") != self.BLUESKY_PASSWORD
        ):
            return self._recorded("bluesky_error_401_bad_password.json")
        self._sessions_created += 1
        reply = self._recorded("bluesky_createSession.json", body={})
        left = 10 - self._sessions_created
        reply.headers["ratelimit-remaining"] = str(max(0, left))
        reply.headers["ratelimit-reset"] = str(int(self.clock()) + 86400)
        if left < 0:  # createSession: 10 a day (ratelimit-policy 10;w=86400)
            reply.status = 429
            reply.body = self._files["bluesky_error_429_rate_limit.json"]
            return reply
        reply.body = json.dumps(self._bsky_session_body()).encode()
        return reply

    def _on_bluesky_refreshSession(self, request: Recorded, match: re.Match[str]) -> _Reply:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self._refresh:
            return self._bsky_error(400, "ExpiredToken", "Token has been revoked")
        self._refresh.discard(token)  # refresh tokens rotate: the old one is spent
        body = self._bsky_session_body()
        keep = ("did", "didDoc", "handle", "accessJwt", "refreshJwt", "active")
        return _json(200, {k: body[k] for k in keep})

    def _on_bluesky_getRecord(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._bsky_auth(request, required=False)
        if refused:
            return refused
        repo = request.param("repo")
        did = repo if repo.startswith("did:") else self._handles.get(repo.lower(), repo)
        uri = f"at://{did}/{request.param('collection')}/{request.param('rkey')}"
        record = self._records.get(uri)
        if record is None and self.lenient and did != self.BLUESKY_DID:
            self.add_bluesky_post(did, request.param("rkey"), "a post from the demo")
            record = self._records.get(uri)
        if record is None:
            return self._bsky_error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return self._recorded("bluesky_getRecord_parent.json", body=record)

    def _on_bluesky_createRecord(self, request: Recorded, match: re.Match[str]) -> _Reply:
        if match.group(1) == "bsky":
            # bsky.social is an entryway: repo writes go to the account's PDS.
            return self._bsky_error(400, "AuthMissing", "Authentication Required")
        refused = self._bsky_auth(request, required=True)
        if refused:
            return refused
        data = request.json()
        if data.get("repo") not in (self.BLUESKY_DID, self.BLUESKY_HANDLE):
            return self._bsky_error(401, "AuthRequired", "Authentication Required")
        record = data.get("record") or {}
        problem = _bluesky_problem(record)
        if problem == "too long":
            return self._recorded("bluesky_error_400_text_too_long.json")
        if problem:
            return self._bsky_error(
                400, "InvalidRequest", f"Invalid app.bsky.feed.post record: {problem}"
            )
        rkey = str(data.get("rkey") or _tid(self.clock()))
        uri = f"at://{self.BLUESKY_DID}/{data.get('collection')}/{rkey}"
        if uri in self._records:
            # @atproto/repo's MST: "There is already a value at key" -> a plain 500.
            return self._bsky_error(500, "InternalServerError", "Internal Server Error")
        cid = _cid(uri + json.dumps(record, sort_keys=True))
        self._records[uri] = {"uri": uri, "cid": cid, "value": record}
        self._posts["bluesky"].append({"uri": uri, "cid": cid, "rkey": rkey, "record": record})
        body = self._payload("bluesky_createRecord_reply_response.json")
        body.update(uri=uri, cid=cid)
        body["commit"] = {"cid": _cid("commit" + uri), "rev": _tid(self.clock())}
        return self._recorded("bluesky_createRecord_reply_response.json", body=body)

    def _on_bluesky_resolveHandle(self, request: Recorded, match: re.Match[str]) -> _Reply:
        did = self._handles.get(request.param("handle").lower())
        if did is None:
            return self._bsky_error(400, "InvalidRequest", "Unable to resolve handle")
        return _json(200, {"did": did})

    def _bsky_read_headers(self, file: str) -> dict[str, str]:
        headers = dict(self._manifest.get(file, {}).get("headers", {}))
        headers.pop("date", None)
        return headers

    def _on_bluesky_searchPosts(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._bsky_auth(request, required=True)
        if refused:
            return refused
        if not request.param("q"):
            return self._bsky_error(400, "InvalidRequest", 'Params must have the property "q"')
        since, until = request.param("since"), request.param("until")
        # sort=latest orders by a post's sort time, and since/until compare it: the
        # earlier of createdAt and indexedAt (so one indexed late sorts by its date).
        posts = sorted(self._bsky_search, key=_sort_at, reverse=True)
        posts = [
            p
            for p in posts
            if (not since or _sort_at(p) >= since) and (not until or _sort_at(p) < until)
        ]
        offset = int(request.param("cursor") or 0)
        limit = min(100, int(request.param("limit", "25")))
        chunk = posts[offset : offset + limit]
        body: JsonDict = {"posts": chunk}
        if offset + limit < len(posts):
            body["cursor"] = str(offset + limit)  # an offset, as recorded
        reply = _json(200, body, self._bsky_read_headers("bluesky_searchPosts.json"))
        return self._limited("bluesky", reply)

    def _on_bluesky_listNotifications(self, request: Recorded, match: re.Match[str]) -> _Reply:
        refused = self._bsky_auth(request, required=True)
        if refused:
            return refused
        reasons = request.query.get("reasons", []) + request.query.get("reasons[]", [])
        notes = sorted(self._bsky_notes, key=lambda n: str(n["indexedAt"]), reverse=True)
        notes = [n for n in notes if not reasons or n["reason"] in reasons]
        cursor = request.param("cursor")
        if cursor:
            notes = [n for n in notes if n["indexedAt"] < cursor]
        limit = min(100, int(request.param("limit", "50")))
        chunk = notes[:limit]
        body: JsonDict = {"notifications": chunk, "priority": False}
        if len(notes) > limit:
            body["cursor"] = chunk[-1]["indexedAt"]  # a timestamp, as recorded
        file = "bluesky_listNotifications.json"
        return self._limited("bluesky", _json(200, body, self._bsky_read_headers(file)))

    def _on_bluesky_health(self, request: Recorded, match: re.Match[str]) -> _Reply:
        return _json(200, {"version": "0.4.0-loopback"})


def _sort_at(post: JsonDict) -> str:
    """A Bluesky post's sort time (ISO strings in Z form compare as times)."""
    indexed = str(post["indexedAt"])
    created = str((post.get("record") or {}).get("createdAt") or indexed)
    return min(created, indexed)


def _cid(seed: str) -> str:
    """A CID-looking string (bafyrei + base32 of a hash): unique per content."""
    digest = hashlib.sha256(seed.encode()).digest()
    bits = int.from_bytes(digest, "big")
    return "bafyrei" + "".join(_B32[(bits >> (5 * i)) & 31] for i in range(52))


def _tid(epoch: float) -> str:
    """A record key in TID form: 13 base32-sortable characters of microseconds."""
    value = (int(epoch * 1_000_000) << 10) | (os.getpid() & 0x3FF)
    return "".join(_B32[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def _bluesky_problem(record: Any) -> str | None:
    """What the app.bsky.feed.post lexicon would reject, in the PDS's words."""
    if not isinstance(record, dict) or record.get("$type") != "app.bsky.feed.post":
        return "Record/$type must be app.bsky.feed.post"
    text = record.get("text")
    if not isinstance(text, str):
        return "Record/text must be a string"
    graphemes = len(regex.findall(r"\X", text)) if regex else len(text)
    if graphemes > 300 or len(text.encode()) > 3000:
        return "too long"
    if not isinstance(record.get("createdAt"), str):
        return 'Record must have the property "createdAt"'
    reply = record.get("reply")
    if reply is not None:
        for part in ("root", "parent"):
            ref = reply.get(part) if isinstance(reply, dict) else None
            if not (
                isinstance(ref, dict)
                and isinstance(ref.get("uri"), str)
                and isinstance(ref.get("cid"), str)
            ):
                return f"Record/reply/{part} must be a strong ref"
    for facet in record.get("facets") or []:
        index = facet.get("index", {}) if isinstance(facet, dict) else {}
        start, end = index.get("byteStart"), index.get("byteEnd")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            return "Record/facets/index must have byteStart < byteEnd"
    return None
