"""A real HTTP server on 127.0.0.1 that replays recorded payloads for the listening sources.

Each route is a path answered with a recorded file from tests/payloads, with the status
and headers manifest.json recorded for it, or with a body you give. Requests are
recorded; faults are scripted per route::

    with Replay() as server:
        server.route("/hn/search_by_date", file="hn_algolia_search_by_date_comment.json")
        server.fail("/hn/search_by_date", status=429, headers={"Retry-After": "30"})
        source = HackerNewsSource(client, query="apple", api_url=server.url("/hn"))
        ...
        [request] = server.requests("/hn/search_by_date")
        assert request.param("page") == "0"

A route's normal answer (`route()`): a file or `body`, `status`, extra `headers`,
`content_type` (with a charset to test decoding), `gzip=True` (Content-Encoding:
gzip), and `etag` / `last_modified`, which are sent and answer 304 Not Modified to a
request whose If-None-Match / If-Modified-Since matches.

Faults (each answers the next `times` requests of the route, `None` = all of them):
`fail()` a status/body/headers of your choice, `html()` a proxy's HTML error page,
`truncate()` the normal body cut short (with a matching Content-Length, so the client
reads a complete but broken document), `delay()` the normal answer after `seconds`
(stopping the server ends the wait at once).

Adding a network: `route()` its paths here (e.g. "/mastodon/api/v1/timelines/tag/x"
with file="mastodon_timeline_tag.json"); nothing else needs to change.
"""

from __future__ import annotations

import gzip as gzip_lib
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.fakes.recorded import PAYLOADS, library
from tests.fakes.server import FaultScript, QuietHandler, Recorded, _Fault, _Reply, take

# One request as received: the loopback's record of it (its body too; no route name).
Request = Recorded


@dataclass
class _Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False


class Replay(FaultScript):
    """The server: `with Replay() as server:` or `start()` / `stop()`."""

    NAME = "replay"

    def __init__(self, *, payloads: Path | None = None, host: str = "127.0.0.1") -> None:
        self._files, self._manifest = library(payloads or PAYLOADS)
        super().__init__(host)
        self._lock = threading.RLock()
        self._routes: dict[str, _Answer] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._requests: list[Request] = []

    # -- life cycle ------------------------------------------------------------------

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return type("Handler", (_Handler,), {"replay": self})

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- what to answer ----------------------------------------------------------------

    def payload(self, file: str) -> bytes:
        """A recorded file's bytes (to edit before giving it to `route(body=...)`)."""
        return self._files[file]

    def route(
        self,
        path: str,
        *,
        file: str | None = None,
        body: bytes | str | Any = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        content_type: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        gzip: bool = False,
    ) -> None:
        """What `path` answers (any method, any query) until routed again."""
        recorded = self._manifest.get(file, {}) if file else {}
        data = self.payload(file) if file is not None and body is None else _bytes(body)
        answer_headers = {k.lower(): v for k, v in (recorded.get("headers") or {}).items()}
        if content_type:
            answer_headers["content-type"] = content_type
        elif "content-type" not in answer_headers and not isinstance(body, bytes | str):
            answer_headers["content-type"] = "application/json; charset=utf-8"
        answer_headers.update({k.lower(): v for k, v in (headers or {}).items()})
        with self._lock:
            self._routes[path] = _Answer(
                status=status or int(recorded.get("status") or 200),
                body=data,
                headers=answer_headers,
                etag=etag,
                last_modified=last_modified,
                gzip=gzip,
            )

    def requests(self, path: str | None = None) -> list[Request]:
        with self._lock:
            return [r for r in self._requests if path is None or r.path == path]

    # -- serving -------------------------------------------------------------------------

    def _answer(self, request: Request) -> _Reply | None:
        """The reply to `request` (None: drop the connection), faults applied."""
        with self._lock:
            self._requests.append(request)
            route = self._routes.get(request.path)
            fault = take(self._faults, request.path)
        return self.scripted(fault, lambda: self._routed(request, route))

    @staticmethod
    def _routed(request: Request, route: _Answer | None) -> _Reply:
        if route is None:
            return _Reply(404, b'{"message":"no such route"}', {"content-type": "application/json"})
        headers = dict(route.headers)
        if route.etag:
            headers["etag"] = route.etag
        if route.last_modified:
            headers["last-modified"] = route.last_modified
        if (route.etag and request.headers.get("if-none-match") == route.etag) or (
            route.last_modified and request.headers.get("if-modified-since") == route.last_modified
        ):
            return _Reply(304, b"", headers)
        body = route.body
        if route.gzip:
            # (a truncate fault cuts what is sent: a gzip route's stream, cut short)
            body = gzip_lib.compress(body)
            headers["content-encoding"] = "gzip"
        return _Reply(route.status, body, headers)


class _Handler(QuietHandler):
    replay: Replay  # set on the subclass made by Replay.start

    def _serve(self) -> None:
        reply = self.replay._answer(self.recorded())
        if reply is None:
            self.close_connection = True
            return
        self.answer(reply.status, reply.headers, reply.body)


def _bytes(body: bytes | str | Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


def rss_feed(items: list[tuple[str, str, float]], title: str = "Kestrel news") -> str:
    """An RSS 2.0 document of (guid, title, unix time) items, newest first, as a
    listening test needs fresh ones (the recorded feeds are years old)."""
    from email.utils import formatdate
    from xml.sax.saxutils import escape

    entries = "".join(
        f"<item><guid>{escape(guid)}</guid><title>{escape(text)}</title>"
        f"<link>https://news.example/{escape(guid)}</link>"
        f"<pubDate>{formatdate(when, usegmt=True)}</pubDate></item>"
        for guid, text, when in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title>{entries}</channel></rss>"
    )
