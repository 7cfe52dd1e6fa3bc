"""A Blobs wrapper that counts every byte a handler reads from storage, whichever way it reads:
ranged and whole reads through the port, and what ffmpeg fetches from `media_url`, which it
serves over HTTP with `Range` support from the wrapped adapter's own ranged reads."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from klair.domain.errors import NotFound
from klair.ports.storage import Blobs

PIECE = 64 * 1024


class CountingBlobs:
    """Delegates to `inner`; `read` is the bytes handed out, `requests` the reads made (one
    per call of the port, one per HTTP request ffmpeg makes)."""

    def __init__(self, inner: Blobs, base_url: str = "") -> None:
        self.inner = inner
        self.base_url = base_url
        self.read = 0
        self.requests = 0
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def count(self, size: int, request: bool = True) -> None:
        with self._lock:
            self.read += size
            self.requests += request

    def read_range(self, name: str, start: int, end: int) -> bytes:
        data = self.inner.read_range(name, start, end)
        self.count(len(data))
        return data

    def read_bytes(self, name: str) -> bytes:
        data = self.inner.read_bytes(name)
        self.count(len(data))
        return data

    def download(self, name: str, path: Path) -> None:
        self.inner.download(name, path)
        self.count(path.stat().st_size)

    def media_url(self, name: str, minutes: int = 60) -> str:
        self.inner.size(name)  # NotFound as the port says
        return f"{self.base_url}/{quote(name)}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        # A small send buffer: what a client reads before it closes is what is counted, not
        # megabytes queued in the kernel that it never takes.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, PIECE)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        name = unquote(self.path.lstrip("/").split("?")[0])
        blobs = self.server.blobs
        blobs.count(0)
        try:
            size = blobs.inner.size(name)
        except NotFound:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start, end = 0, size  # end exclusive
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if wanted:
            start = int(wanted[1])
            end = min(size, int(wanted[2]) + 1) if wanted[2] else size
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
        else:
            self.send_response(200)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start))
        self.end_headers()
        if body:
            self._send(name, start, end)

    def _send(self, name: str, start: int, end: int) -> None:
        """In pieces, each read from storage only when the client takes the previous one:
        a client that closes early is counted for what it was sent, not the whole rest."""
        at = start
        try:
            while at < end:
                piece = self.server.blobs.inner.read_range(name, at, min(end, at + PIECE))
                self.server.blobs.count(len(piece), request=False)
                self.wfile.write(piece)
                at += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, blobs: CountingBlobs) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.blobs = blobs

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@contextmanager
def counting_blobs(inner: Blobs) -> Iterator[CountingBlobs]:
    blobs = CountingBlobs(inner)
    server = _Server(blobs)
    blobs.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield blobs
    finally:
        server.shutdown()
        server.server_close()
