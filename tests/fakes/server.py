"""The one server of the fakes: a real HTTP server on 127.0.0.1 and its fault API.

`ThreadedServer` is the life cycle every fake shares (the loopback, the replay, the
fault server); `LoopbackServer` routes requests to the networks' mixins
(tests/fakes/<network>.py), records them, and scripts the faults on a route:
`fail()`, `html()`, `truncate()`, `delay()`, `drop()` (see tests/fakes/loopback.py).
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, Protocol, Self, TypeVar
from urllib.parse import parse_qs, urlsplit

try:
    from tests.fakes.recorded import PAYLOADS, library
except ImportError:  # run as a script: python tests/fakes/loopback.py
    from recorded import PAYLOADS, library  # type: ignore[no-redef]

JsonDict = dict[str, Any]


class ThreadedServer:
    """Start, stop and address a ThreadingHTTPServer; `handler()` says who answers."""

    NAME = "server"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host, self._port = host, port
        self._stopping = threading.Event()  # set on stop: ends delayed answers
        self._released = threading.Event()  # set by release() or stop: ends held answers
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    def start(self) -> Self:
        self._stopping.clear()
        self._released.clear()
        self._httpd = ThreadingHTTPServer((self._host, self._port), self.handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._released.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError(f"{self.NAME}: start the server first")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"


class QuietHandler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1, no log lines (tests read what a server recorded instead);
    every method is answered by `_serve`."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each keep-alive answer waits for a delayed ACK

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        raise NotImplementedError

    def recorded(self) -> Recorded:
        """The request as received: its body read whole, header names in lower case."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        return Recorded(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            route=None,
        )

    def answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        """Send an answer; a client that gave up meanwhile (a timeout) is fine."""
        try:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            if status not in (204, 304):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status not in (204, 304):
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


@dataclass(frozen=True)
class Recorded:
    """One request as the server received it (header names in lower case)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    route: str | None

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def param(self, name: str, default: str = "") -> str:
        return self.query.get(name, [default])[-1]


@dataclass
class _Fault:
    kind: str  # fail | html | truncate | delay | hold | drop
    times: int | None
    status: int = 500
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    after: bool = False


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


_HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>{status} {title}</title></head>\n"
    "<body><center><h1>{status} {title}</h1></center><hr><center>nginx</center>\n"
    "<!-- request /secret/path?token=leaked-if-quoted -->\n</body></html>\n"
)


def html_page(status: int) -> bytes:
    """A proxy's HTML error page (it even quotes a path and a token)."""
    titles = {403: "Forbidden", 502: "Bad Gateway", 503: "Service Unavailable"}
    return _HTML_PAGE.format(status=status, title=titles.get(status, "Error")).encode()


class _Counted(Protocol):
    times: int | None


F = TypeVar("F", bound=_Counted)


def take(faults: dict[str, deque[F]], key: str) -> F | None:
    """The fault that answers this request of `key`, if any: each one answers the next
    `times` requests (None: all of them), then the next one scripted takes over."""
    queue = faults.get(key)
    if not queue:
        return None
    fault = queue[0]
    if fault.times is not None:
        fault.times -= 1
        if fault.times <= 0:
            queue.popleft()
    return fault


class FaultScript(ThreadedServer):
    """The one fault API of the fakes: what the next requests of a route (a loopback's
    route name, a replay's path) meet instead of, or on top of, its answer. Each fault
    answers the next `times` requests (None: all), then the next scripted takes over."""

    _lock: threading.RLock
    _faults: dict[str, deque[_Fault]]
    _files: dict[str, bytes]
    _manifest: dict[str, JsonDict]

    def fail(
        self,
        route: str,
        status: int | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        *,
        payload: str | None = None,
        times: int | None = 1,
        after: bool = False,
    ) -> None:
        """Answer `route` with this error. `payload` names a recorded file: its body,
        and its status and headers from the manifest unless given."""
        recorded: JsonDict = {}
        if payload is not None:
            recorded = self._manifest.get(payload, {})
            body = self._files[payload] if body is None else body
        all_headers = {**recorded.get("headers", {}), **(headers or {})}
        data, content_type = _encode(body)
        if content_type and not any(k.lower() == "content-type" for k in all_headers):
            all_headers["Content-Type"] = content_type
        final = status if status is not None else int(recorded.get("status") or 500)
        self._add(route, _Fault("fail", times, final, data, all_headers, after=after))

    def html(self, route: str, status: int = 403, *, times: int | None = 1) -> None:
        """Answer with a proxy's HTML error page (it even quotes a path and a token)."""
        headers = {"Content-Type": "text/html; charset=utf-8"}
        self._add(route, _Fault("html", times, status, html_page(status), headers))

    def truncate(self, route: str, *, times: int | None = 1) -> None:
        """Do the real thing, then send only the first half of the body."""
        self._add(route, _Fault("truncate", times))

    def delay(self, route: str, seconds: float, *, times: int | None = 1) -> None:
        """Do the real thing at once, but answer only after `seconds`."""
        self._add(route, _Fault("delay", times, seconds=seconds))

    def hold(self, route: str, *, times: int | None = 1) -> None:
        """Do the real thing at once, but answer only once `release()` is called (or the
        server stops): a request held in flight for as long as a test needs."""
        self._add(route, _Fault("hold", times))

    def release(self) -> None:
        """Let every held answer go, and every later one of a `hold` at once."""
        self._released.set()

    def drop(self, route: str, *, times: int | None = 1, after: bool = False) -> None:
        """Close the connection without answering (after doing the thing if `after`)."""
        self._add(route, _Fault("drop", times, after=after))

    def scripted(self, fault: _Fault | None, act: Callable[[], _Reply]) -> _Reply | None:
        """The reply to a request that met `fault` (None: no fault): `act()` makes the
        route's own answer. None: drop the connection."""
        if fault is not None and not fault.after:
            if fault.kind == "drop":
                return None
            if fault.kind in ("fail", "html"):
                return _Reply(fault.status, fault.body, dict(fault.headers))
        reply = act()
        if fault is None:
            return reply
        if fault.kind == "drop":
            return None
        if fault.kind in ("fail", "html"):
            return _Reply(fault.status, fault.body, dict(fault.headers))
        if fault.kind == "truncate":
            reply.body = reply.body[: len(reply.body) // 2]
        if fault.kind == "delay":
            self._stopping.wait(fault.seconds)
        if fault.kind == "hold":
            self._released.wait()
        return reply

    def _add(self, route: str, fault: _Fault) -> None:
        with self._lock:
            self._faults.setdefault(route, deque()).append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()


class LoopbackServer(FaultScript):
    """Routes, records and faults; the networks' mixins add their routes and state."""

    NAME = "loopback"
    # route name -> (method, path pattern), each answered by `_on_<route>` (dots as _);
    # and the kinds of post kept for `posts()`: both filled by the networks' mixins.
    ROUTES: ClassVar[dict[str, tuple[str, str]]] = {}
    KINDS: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        payloads: Path | None = None,
        clock: Callable[[], float] = time.time,
        lenient: bool = False,
    ) -> None:
        self._files, self._manifest = library(payloads or PAYLOADS)
        # Lenient (the standalone server behind a demo): any status or post a reply
        # answers exists, public, so the demo's mentions can be answered.
        self.lenient = lenient
        super().__init__(host, port)
        self.clock = clock
        self._lock = threading.RLock()
        self._requests: list[Recorded] = []
        self._posts: dict[str, list[JsonDict]] = {kind: [] for kind in self.KINDS}
        self._faults: dict[str, deque[_Fault]] = {}
        self.errors: list[str] = []  # bugs of the server itself, for a test to show
        self._ids = itertools.count(1)
        self._limits: dict[str, dict[str, str]] = {}
        self._routes = [
            (method, re.compile(pattern), route, getattr(self, "_on_" + route.replace(".", "_")))
            for route, (method, pattern) in self.ROUTES.items()
        ]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return type("Handler", (_Handler,), {"loopback": self})

    def rate_limit(self, api: str, **headers: str) -> None:
        """Replace rate-limit headers of `api`'s read routes (mastodon, bluesky, reddit,
        github), e.g. `rate_limit("mastodon", **{"x-ratelimit-remaining": "3"})`."""
        with self._lock:
            self._limits.setdefault(api, {}).update(
                {name.lower().replace("_", "-"): value for name, value in headers.items()}
            )

    def routes(self) -> list[str]:
        return [route for _, _, route, _ in self._routes]

    def requests(self, route: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self._requests if route is None or r.route == route]

    def posts(self, kind: str) -> list[JsonDict]:
        """What was created: statuses, records, comments, or webhook deliveries
        (`{"json", "raw", "headers"}`), oldest first."""
        with self._lock:
            return copy.deepcopy(self._posts[kind])

    def count(self, kind: str) -> int:
        with self._lock:
            return len(self._posts[kind])

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {kind: len(items) for kind, items in self._posts.items()}

    def _handle(self, request: Recorded) -> _Reply | None:
        """The reply to send, or None to drop the connection; faults applied here."""
        route, action, match = self._find(request.method, request.path)
        request = dataclasses.replace(request, route=route)
        with self._lock:
            self._requests.append(request)
            fault = take(self._faults, route) if route else None
        if action is None or match is None:
            return _json(404, {"error": "no such route on the loopback server"})

        def act() -> _Reply:
            with self._lock:
                return action(request, match)

        return self.scripted(fault, act)

    def _find(
        self, method: str, path: str
    ) -> tuple[str | None, Callable[..., _Reply] | None, re.Match[str] | None]:
        for route_method, pattern, route, action in self._routes:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                return route, action, match
        return None, None, None

    def _add(self, route: str, fault: _Fault) -> None:
        if route not in self.routes():
            raise ValueError(f"loopback: no route {route!r}; routes are {self.routes()}")
        super()._add(route, fault)

    def _payload(self, name: str) -> Any:
        return json.loads(self._files[name])

    def _recorded(self, name: str, status: int | None = None, body: Any = None) -> _Reply:
        """A recorded file with its manifest status and headers (body replaceable)."""
        response = self._manifest.get(name, {})
        data = self._files[name] if body is None else json.dumps(body).encode()
        headers = {k: v for k, v in response.get("headers", {}).items() if k.lower() != "date"}
        headers.setdefault("content-type", "application/json; charset=utf-8")
        return _Reply(status or int(response.get("status") or 200), data, headers)

    def _iso(self, epoch: float) -> str:
        return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"

    def _limited(self, api: str, reply: _Reply) -> _Reply:
        reply.headers.update(self._limits.get(api, {}))
        return reply


class _Handler(QuietHandler):
    loopback: LoopbackServer  # set on the subclass made by LoopbackServer.handler

    def _serve(self) -> None:
        recorded = self.recorded()
        try:
            reply = self.loopback._handle(recorded)
        except Exception as err:  # a bug here must show up in the test, not hang it
            self.loopback.errors.append(f"{recorded.method} {recorded.path}: {err!r}")
            reply = _json(500, {"error": "LoopbackBug", "message": repr(err)})
        if reply is None:
            self.close_connection = True
            return
        self.answer(reply.status, reply.headers, reply.body)


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> _Reply:
    return _Reply(
        status,
        json.dumps(body).encode(),
        {"content-type": "application/json; charset=utf-8", **(headers or {})},
    )


def _encode(body: Any) -> tuple[bytes, str | None]:
    if body is None:
        return b"", None
    if isinstance(body, bytes):
        return body, None
    if isinstance(body, str):
        return body.encode(), "text/plain; charset=utf-8"
    return json.dumps(body).encode(), "application/json; charset=utf-8"


S = TypeVar("S", bound=LoopbackServer)


def serving(server: S) -> Iterator[S]:
    """For a pytest fixture (`yield from serving(Loopback())`): a fresh server per test,
    and a failure if the server itself crashed on a request (see `errors`)."""
    with server:
        yield server
    if server.errors:
        raise AssertionError("loopback server errors: " + "; ".join(server.errors))
