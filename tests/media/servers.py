"""A local HTTP server playing the sites Klair downloads from: files (with or without a size),
redirects, error statuses, members' files that need a session cookie, a page with no video
and a server that never answers. It records every request, so a test can tell that a refused
URL was never fetched."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SESSION_COOKIE = "klair_session=signed-in"
PAGE = b"<!doctype html><html><head><title>Hello</title></head><body><p>No video.</p></body></html>"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        self.server.hits.append(self.path)
        parts = urlsplit(self.path)
        route, _, rest = parts.path.lstrip("/").partition("/")
        if route == "redirect":
            self._redirect(parse_qs(parts.query)["to"][0])
        elif route == "status":
            self._status(int(rest), body)
        elif route == "hang":
            time.sleep(self.server.hang_seconds)
            self._status(200, body)
        elif route == "page":
            self._send(PAGE, "text/html", body)
        elif route in ("files", "stream"):
            self._file(self.server.root / rest, sized=route == "files", body=body)
        elif route == "flaky":
            self._flaky(self.server.root / rest, body)
        elif route == "signed-in":  # a members' file: only with the session cookie
            self.server.cookies.append(self.headers.get("Cookie", ""))
            if SESSION_COOKIE in self.headers.get("Cookie", "").split("; "):
                self._file(self.server.root / rest, sized=True, body=body)
            else:
                self._status(403, body)
        else:
            self._status(404, body)

    def _redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _status(self, code: int, body: bool) -> None:
        self._send(f"status {code}\n".encode(), "text/plain", body, code)

    def _send(self, data: bytes, kind: str, body: bool, code: int = 200) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _file(self, path: Path, sized: bool, body: bool) -> None:
        if not path.is_file():
            self._status(404, body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4" if path.suffix == ".mp4" else "audio/mp4")
        if sized:
            self.send_header("Content-Length", str(path.stat().st_size))
        else:  # like a live or chunked response: the size is unknown until the end
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if body:
            with path.open("rb") as f:
                shutil.copyfileobj(f, self.wfile)

    def _flaky(self, path: Path, body: bool) -> None:
        """A connection that drops halfway through the file unless asked for a range (as
        `Range: bytes=N-` resumes a download), which it then serves."""
        data = path.read_bytes()
        asked = self.headers.get("Range", "")
        start = int(asked.removeprefix("bytes=").rstrip("-")) if asked else 0
        self.send_response(206 if asked else 200)
        if asked:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(data) - start))
        self.send_header("Content-Type", "video/mp4")
        self.end_headers()
        if body:
            self.wfile.write(data[start:] if asked else data[: len(data) // 2])
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self.hits: list[str] = []
        self.cookies: list[str] = []  # the Cookie header of each members' request
        self.hang_seconds = 5.0

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that give up (timeouts, refused downloads) are expected here


class MediaServer:
    def __init__(self, server: _Server) -> None:
        self._server = server
        self.port = int(server.server_address[1])
        self.base = f"http://127.0.0.1:{self.port}"

    @property
    def hits(self) -> list[str]:
        return self._server.hits

    @property
    def cookies(self) -> list[str]:
        return self._server.cookies

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"


@contextmanager
def media_server(root: Path) -> Iterator[MediaServer]:
    server = _Server(root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield MediaServer(server)
    finally:
        server.shutdown()
        server.server_close()
