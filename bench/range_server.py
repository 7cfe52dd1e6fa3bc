"""A local HTTP server for one directory that answers `Range` requests, as a bucket's signed
URLs do, and counts the body bytes it sends per file: what a benchmark reads to tell how much
of an object a reader fetched."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Handler(BaseHTTPRequestHandler):
    server: RangeServer
    protocol_version = "HTTP/1.0"  # a reader that stops early closes the connection

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        name = unquote(urlsplit(self.path).path).lstrip("/")
        path = self.server.root / name
        if not path.is_file():
            self.send_error(404)
            return
        size = path.stat().st_size
        first, last = 0, size - 1
        asked = self.headers.get("Range", "")
        if asked.startswith("bytes="):
            a, _, b = asked[6:].partition("-")
            first, last = int(a), min(int(b) if b else size - 1, size - 1)
        self.send_response(206 if asked else 200)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(last - first + 1))
        if asked:
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.end_headers()
        self._send(path, name, first, last - first + 1)

    def _send(self, path: Path, name: str, first: int, length: int) -> None:
        with path.open("rb") as f:
            f.seek(first)
            try:
                while length > 0 and (chunk := f.read(min(64 * 1024, length))):
                    self.wfile.write(chunk)
                    self.server.count(name, len(chunk))
                    length -= len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass


class RangeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self._lock = threading.Lock()
        self._sent: dict[str, int] = defaultdict(int)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{name}"

    def count(self, name: str, sent: int) -> None:
        with self._lock:
            self._sent[name] += sent

    def take(self, name: str) -> int:
        """Bytes sent of `name` since the last take."""
        with self._lock:
            return self._sent.pop(name, 0)


@contextmanager
def range_server(root: Path) -> Iterator[RangeServer]:
    server = RangeServer(root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
