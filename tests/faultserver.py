"""A raw-socket HTTP server on 127.0.0.1 that misbehaves on purpose, for the fault tests.

Each route is a `Behaviour`: a function given the parsed request and the connected socket,
which writes whatever bytes it likes (or none) and returns; the server then closes the
connection (one request per connection, `Connection: close`). The helpers below build the
behaviours: a proper reply, answers served in turn, a slow answer, a dropped connection, a
body shorter than its Content-Length, redirects, a 100 MB streamed body, a gzip bomb.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

#: bytes written per send of a streamed body
CHUNK = 64 * 1024


@dataclass(frozen=True)
class RawRequest:
    method: str
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when the request was read


Behaviour = Callable[[RawRequest, socket.socket], None]

_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 429: "Too Many Requests",
            503: "Service Unavailable", 404: "Not Found"}


def head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
    lines += [f"{k}: {v}" for k, v in {**headers, "Connection": "close"}.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def reply(body: bytes | str, status: int = 200, content_type: str = "application/json",
          headers: dict[str, str] | None = None) -> Behaviour:
    """A well-formed answer with a correct Content-Length."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def serve(request: RawRequest, conn: socket.socket) -> None:
        extra = {"Content-Type": content_type, "Content-Length": str(len(data)), **(headers or {})}
        conn.sendall(head(status, extra) + data)

    return serve


def in_turn(behaviours: Sequence[Behaviour]) -> Behaviour:
    """The first request gets the first behaviour, and so on; the last one repeats."""
    lock = threading.Lock()
    turn = [0]

    def serve(request: RawRequest, conn: socket.socket) -> None:
        with lock:
            index = min(turn[0], len(behaviours) - 1)
            turn[0] += 1
        behaviours[index](request, conn)

    return serve


def slow(seconds: float, then: Behaviour) -> Behaviour:
    """Wait before answering (a server slower than the client's timeout)."""

    def serve(request: RawRequest, conn: socket.socket) -> None:
        time.sleep(seconds)
        then(request, conn)

    return serve


def drop() -> Behaviour:
    """Read the request, then close the connection without a byte (reset, not FIN)."""

    def serve(request: RawRequest, conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return serve


def truncated(body: bytes, claimed: int) -> Behaviour:
    """Claim `claimed` bytes in Content-Length, send `body` (shorter), close."""

    def serve(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": "application/json",
                                "Content-Length": str(claimed)}) + body)

    return serve


def redirect(location: str, status: int = 302) -> Behaviour:
    return reply(b"", status=status, content_type="text/plain", headers={"Location": location})


def stream(total: int, content_type: str = "application/json") -> Behaviour:
    """A body of `total` bytes with no Content-Length, ended by closing (as a stream would)."""
    chunk = b"[" + b"0," * (CHUNK // 2 - 1) + b"0"

    def serve(request: RawRequest, conn: socket.socket) -> None:
        conn.sendall(head(200, {"Content-Type": content_type}))
        sent = served_bytes[request.path] = 0
        while sent < total:
            piece = chunk[: min(len(chunk), total - sent)]
            conn.sendall(piece)
            sent = served_bytes[request.path] = sent + len(piece)

    return serve


#: bytes actually written per streamed path (a client that aborts makes the send fail early)
served_bytes: dict[str, int] = {}


def gzip_bomb_bytes(expanded: int) -> bytes:
    """A gzip member that inflates to `expanded` zero bytes (about 1/1000 of that compressed)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    block = bytes(1024 * 1024)
    parts = []
    for _ in range(expanded // len(block)):
        parts.append(compressor.compress(block))
    parts.append(compressor.flush())
    return b"".join(parts)


def gzip_bomb(expanded: int) -> Behaviour:
    data = gzip_bomb_bytes(expanded)
    return reply(data, headers={"Content-Encoding": "gzip"})


class FaultServer:
    """`routes[path] -> Behaviour` (path without the query string); unknown paths answer 404.

    `requests` logs every request received (method, path, headers)."""

    def __init__(self, routes: dict[str, Behaviour] | None = None) -> None:
        self.routes: dict[str, Behaviour] = dict(routes or {})
        self.requests: list[RawRequest] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self.port: int = self._sock.getsockname()[1]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path.split("?", 1)[0] == path)

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        try:
            request = _read_request(conn)
            if request is None:
                return
            self.requests.append(request)
            behaviour = self.routes.get(request.path.split("?", 1)[0])
            if behaviour is None:
                reply(b"not found", status=404, content_type="text/plain")(request, conn)
            else:
                behaviour(request, conn)
        except OSError:
            return  # the client went away (timeout, maxsize abort): that is the point
        finally:
            conn.close()

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._sock.close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _read_request(conn: socket.socket) -> RawRequest | None:
    conn.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return None
        data += piece
        if len(data) > 1024 * 1024:
            return None
    conn.settimeout(None)
    header_blob = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    first, *lines = header_blob.split("\r\n")
    method, path, _ = first.split(" ", 2)
    headers = {}
    for line in lines:
        key, _, value = line.partition(":")
        headers[key.strip()] = value.strip()
    return RawRequest(method, path, headers, time.monotonic())
