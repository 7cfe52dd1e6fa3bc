"""A local stand-in for the Vertex AI endpoint: answers generateContent with scripted JSON
bodies and records every request exactly as the real google-genai client sent it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def fixture(name: str) -> dict[str, Any]:
    """A stored response body (`good`, `malformed`, `rate_limited`, ...)."""
    body: dict[str, Any] = json.loads((HERE / f"{name}.json").read_text())
    return body


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


def status_of(body: dict[str, Any]) -> int:
    """Error bodies carry their HTTP status (`{"error": {"code": 429, ...}}`)."""
    error = body.get("error")
    return int(error["code"]) if isinstance(error, dict) else 200


class VertexStub:
    """Replies in order from `script` (the last reply repeats once the script runs out)."""

    def __init__(self, *script: dict[str, Any], gate: threading.Event | None = None) -> None:
        self.script = list(script)
        # Replies wait for `gate` (if given): a call can be held open while a test acts.
        self.gate = gate
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def generate_calls(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith(":generateContent")]

    def _next(self, recorded: Recorded) -> dict[str, Any]:
        with self._lock:
            self.requests.append(recorded)
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    @contextmanager
    def running(self) -> Iterator[VertexStub]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # a model's description (the health probe reads one)
                stub.requests.append(Recorded("GET", self.path, dict(self.headers), {}))
                data = json.dumps({"name": self.path.rsplit("/", 1)[-1]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                recorded = Recorded("POST", self.path, dict(self.headers), json.loads(raw))
                reply = stub._next(recorded)
                if stub.gate is not None:
                    stub.gate.wait(timeout=30)
                data = json.dumps(reply).encode()
                self.send_response(status_of(reply))
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join(timeout=5)


def field(body: dict[str, Any], name: str) -> Any:
    """A field by its JSON name, camelCase or snake_case (the client sends either, per type)."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
    return body[name] if name in body else body[snake]
