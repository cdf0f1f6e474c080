"""Local servers on 127.0.0.1 for the demo and the tests: boards, an SMTP sink, a webhook sink.

Real servers, real sockets: the crawl and the deliveries go over loopback exactly as they
would to the internet. Every server binds port 0 and reports the port it got.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Reply:
    """One canned answer: status, body, headers; `delay` seconds before answering."""

    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0

    def encoded(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Handler = Callable[["Request"], "Reply"]


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # the default 5 makes parallel clients wait on SYN retries
    daemon_threads = True


@dataclass
class Request:
    method: str
    path: str  # path with query string
    headers: dict[str, str]
    body: bytes


class BoardServer:
    """Serves canned replies by path (with or without the query string).

    `routes[path]` is a Reply, a list of Replies (served in turn, the last one repeating),
    or a function of the Request. Unknown paths answer 404. Every request is logged in
    `requests`.
    """

    def __init__(self, routes: dict[str, Reply | list[Reply] | Handler] | None = None) -> None:
        self.routes: dict[str, Reply | list[Reply] | Handler] = dict(routes or {})
        self.requests: list[Request] = []
        self._turns: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, self.path, dict(self.headers.items()), body)
                reply = server.reply_for(request)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.encoded()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    if "Content-Length" not in reply.headers:
                        self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    return

            do_GET = do_POST = do_HEAD = _serve

        self.httpd = _Server(("127.0.0.1", 0), _H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def reply_for(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            route = self.routes.get(request.path)
            if route is None:
                route = self.routes.get(urlsplit(request.path).path)
            if route is None:
                return Reply(b"not found", status=404, content_type="text/plain")
            if isinstance(route, Reply):
                return route
            if isinstance(route, list):
                turn = self._turns.get(request.path, 0)
                self._turns[request.path] = turn + 1
                return route[min(turn, len(route) - 1)]
        return route(request)

    def start(self) -> BoardServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> BoardServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class WebhookSink(BoardServer):
    """Receives JSON (or form) webhook posts, answering 200 after `delay` seconds."""

    def __init__(self, delay: float = 0.0, status: int = 200) -> None:
        self.received: list[dict[str, Any]] = []
        self.delay = delay
        self.status = status
        super().__init__()
        self.routes["/"] = self._receive
        self.routes["/hook"] = self._receive

    def _receive(self, request: Request) -> Reply:
        if request.method == "POST":
            try:
                payload = json.loads(request.body or b"null")
            except json.JSONDecodeError:
                payload = {"raw": request.body.decode("utf-8", "replace")}
            with self._lock:
                self.received.append(payload)
        return Reply(b'{"ok": true}', status=self.status, delay=self.delay)

    def reply_for(self, request: Request) -> Reply:
        if urlsplit(request.path).path not in self.routes:
            return self._receive(request)
        return super().reply_for(request)


class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives."""

    def __init__(self, port: int = 0) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        sink = self
        logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd's own chatter

        class _Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                raw = envelope.original_content or envelope.content
                msg = message_from_bytes(raw, policy=policy.default)
                sink.messages.append(msg)  # type: ignore[arg-type]
                return "250 Message accepted for delivery"

        if port == 0:
            import socket

            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        self.port = port
        self.controller = Controller(
            _Handler(),
            hostname="127.0.0.1",
            port=port,
            auth_require_tls=False,
            auth_required=False,
            authenticator=lambda *a, **k: _auth_ok(),
        )

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def mailto(
        self, user: str = "student", password: str = "s3cretPass!", to: str = "student@example.edu"
    ) -> str:
        """An apprise mailto URL that delivers to this sink over plain SMTP."""
        return (
            f"mailto://{user}:{password}@127.0.0.1:{self.port}"
            f"?smtp=127.0.0.1&secure=no&from=internwatch@example.org&to={to}"
        )


def _auth_ok() -> Any:
    from aiosmtpd.smtp import AuthResult

    return AuthResult(success=True)


def serve_routes(folder: Path, name: str | None = None) -> tuple[BoardServer, dict[str, Any]]:
    """A started BoardServer for a fixture folder's `routes.json`, and the source to crawl.

    `routes.json`: `{"source": {...sources.yaml entry without url...}, "start": "/path",
    "routes": {"/path": {"file": "x.json", "status": 200, "content_type": "...", "headers": {}}}}`.
    In served files, `{{BASE}}` becomes the server's `http://127.0.0.1:PORT`.
    """
    spec = json.loads((folder / "routes.json").read_text())
    server = BoardServer()
    for path, route in spec["routes"].items():
        body = (folder / route["file"]).read_bytes() if "file" in route else route.get("body", "").encode()
        server.routes[path] = Reply(
            body.replace(b"{{BASE}}", server.base.encode()),
            status=route.get("status", 200),
            content_type=route.get("content_type", "application/json"),
            headers=route.get("headers", {}),
        )
    server.start()
    source = dict(spec["source"], url=server.url(spec["start"]))
    if name:
        source["name"] = name
    return server, source
