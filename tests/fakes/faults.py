"""A real HTTP server on 127.0.0.1 that misbehaves the ways real servers do under load.

Beside the fakes of the networks (loopback.py, replay.py) this one answers any path as
told, including the faults a read timeout alone does not catch::

    with FaultServer() as server:
        server.drip("/feed.xml", every_s=0.2)     # 200, then one byte every 0.2 s, forever
        server.hang("/hook")                      # reads the request, never answers
        server.huge("/api", size=64 * 2**20)      # a 64 MB body, streamed as fast as it goes
        server.huge("/bomb", size=2**30, gzip=True)  # ~1 MB on the wire, 1 GB unpacked
        server.answer("/ok.xml", body=rss_feed(...), content_type="application/rss+xml")
        ...
        await server.arrived("/feed.xml")         # the request is in: it is being answered
        assert server.sent("/api") < 16 * 2**20   # the client hung up early

A drip or a hang lasts until the client hangs up or the server stops (stopping ends
every wait at once). `wait()` / `arrived()` block until a path has seen so many requests:
what a test waits for, instead of sleeping.
"""

from __future__ import annotations

import asyncio
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

try:
    from tests.fakes.server import QuietHandler, ThreadedServer
except ImportError:  # run as a script
    from server import QuietHandler, ThreadedServer  # type: ignore[no-redef]

_CHUNK = 64 * 1024


@dataclass
class _Behaviour:
    kind: str  # answer | drip | hang | huge
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    every_s: float = 1.0
    size: int = 0
    gzip: bool = False


@dataclass(frozen=True)
class Arrival:
    """One request as received: method, path, headers (lower-case names), body."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FaultServer(ThreadedServer):
    """`with FaultServer() as server:`; each path answers as last told (404 if never)."""

    NAME = "fault server"

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        self._changed = threading.Condition()
        self._paths: dict[str, _Behaviour] = {}
        self._arrivals: list[Arrival] = []
        self._sent: dict[str, int] = {}

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return type("Handler", (_Handler,), {"faults": self})

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- what each path does ---------------------------------------------------------

    def answer(
        self,
        path: str,
        *,
        body: bytes | str = b"",
        status: int = 200,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        """A normal, complete answer."""
        data = body.encode() if isinstance(body, str) else body
        self._set(path, _Behaviour("answer", status, data, _headers(content_type, headers)))

    def drip(
        self,
        path: str,
        *,
        every_s: float = 2.0,
        status: int = 200,
        content_type: str = "application/json",
        length: int = 1_000_000,
    ) -> None:
        """Status and headers at once (`Content-Length: length`), then one byte every
        `every_s`: each byte comes well within a read timeout, the answer never ends."""
        headers = _headers(content_type, {"Content-Length": str(length)})
        self._set(path, _Behaviour("drip", status, headers=headers, every_s=every_s))

    def hang(self, path: str) -> None:
        """Accept and read the request, then never answer a byte."""
        self._set(path, _Behaviour("hang"))

    def huge(
        self,
        path: str,
        *,
        size: int,
        gzip: bool = False,
        content_type: str = "application/json",
    ) -> None:
        """A `size`-byte body sent as fast as the client reads it. `gzip=True` sends
        zeros compressed (about a thousandth of `size` on the wire) with no length:
        only the unpacked size shows how big it is."""
        self._set(path, _Behaviour("huge", headers=_headers(content_type), size=size, gzip=gzip))

    # -- what happened ----------------------------------------------------------------

    def arrivals(self, path: str | None = None) -> list[Arrival]:
        with self._changed:
            return [a for a in self._arrivals if path is None or a.path == path]

    def sent(self, path: str) -> int:
        """Bytes of body written to `path`'s clients before they hung up (or it ended)."""
        with self._changed:
            return self._sent.get(path, 0)

    def wait(self, path: str, count: int = 1, timeout: float = 30.0) -> list[Arrival]:
        """Block until `path` has seen `count` requests; fails after `timeout`."""
        with self._changed:
            if not self._changed.wait_for(
                lambda: len([a for a in self._arrivals if a.path == path]) >= count, timeout
            ):
                raise AssertionError(f"{path}: {count} request(s) never arrived")
            return [a for a in self._arrivals if a.path == path]

    async def arrived(self, path: str, count: int = 1, timeout: float = 30.0) -> list[Arrival]:
        """`wait()` for async tests: the client this waits for runs on the same loop."""
        return await asyncio.to_thread(self.wait, path, count, timeout)

    # -- serving -------------------------------------------------------------------------

    def _set(self, path: str, behaviour: _Behaviour) -> None:
        with self._changed:
            self._paths[path] = behaviour

    def _arrive(self, arrival: Arrival) -> _Behaviour | None:
        with self._changed:
            self._arrivals.append(arrival)
            self._changed.notify_all()
            return self._paths.get(arrival.path)

    def _wrote(self, path: str, size: int) -> None:
        with self._changed:
            self._sent[path] = self._sent.get(path, 0) + size

    @property
    def stopping(self) -> threading.Event:
        return self._stopping


class _Handler(QuietHandler):
    faults: FaultServer  # set on the subclass made by FaultServer.handler

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        headers = {k.lower(): v for k, v in self.headers.items()}
        behaviour = self.faults._arrive(Arrival(self.command, path, headers, body))
        try:
            if behaviour is None:
                self._head(404, _headers("application/json", {"Content-Length": "2"}))
                self.wfile.write(b"{}")
            elif behaviour.kind == "answer":
                self._head(
                    behaviour.status,
                    {**behaviour.headers, "Content-Length": str(len(behaviour.body))},
                )
                self._write(path, behaviour.body)
            elif behaviour.kind == "drip":
                self._drip(path, behaviour)
            elif behaviour.kind == "hang":
                self.close_connection = True
                self.faults.stopping.wait()
            else:
                self._huge(path, behaviour)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up: what these faults are for

    def _head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()

    def _write(self, path: str, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()
        self.faults._wrote(path, len(data))

    def _drip(self, path: str, behaviour: _Behaviour) -> None:
        self.close_connection = True
        self._head(behaviour.status, behaviour.headers)
        stopping = self.faults.stopping
        while not stopping.wait(behaviour.every_s):
            self._write(path, b" ")

    def _huge(self, path: str, behaviour: _Behaviour) -> None:
        self.close_connection = True
        stopping = self.faults.stopping
        if not behaviour.gzip:
            self._head(200, {**behaviour.headers, "Content-Length": str(behaviour.size)})
            left = behaviour.size
            block = b"x" * _CHUNK
            while left > 0 and not stopping.is_set():
                self._write(path, block[: min(left, _CHUNK)])
                left -= _CHUNK
            return
        # No Content-Length: the body ends when the connection closes.
        self._head(200, {**behaviour.headers, "Content-Encoding": "gzip", "Connection": "close"})
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
        zeros = bytes(_CHUNK * 16)
        left = behaviour.size
        while left > 0 and not stopping.is_set():
            self._write(path, packer.compress(zeros[: min(left, len(zeros))]))
            left -= len(zeros)
        self._write(path, packer.flush())


def _headers(content_type: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"Content-Type": content_type, **(extra or {})}


def main() -> None:
    """By hand: `python tests/fakes/faults.py` serves /drip, /hang and /huge until Ctrl+C."""
    with FaultServer() as server:
        server.drip("/drip")
        server.hang("/hang")
        server.huge("/huge", size=300 * 2**20)
        print(f"{server.url('/drip')}  {server.url('/hang')}  {server.url('/huge')}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
