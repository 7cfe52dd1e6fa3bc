"""A reverse proxy in front of fake-gcs-server that counts the body bytes it passes back, by
path: a test points the GCS adapter (its client and its signed URLs) at it and reads how
much of each object a handler read, as GCS would bill it (ranged reads included)."""

from __future__ import annotations

import http.client
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "host", "date", "server"}
)


class _Handler(BaseHTTPRequestHandler):
    server: CountingProxy
    # One request per connection: a reader that stops early closes it, and what was sent
    # until then is what is counted.
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._forward()

    def do_HEAD(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()

    def do_PUT(self) -> None:
        self._forward()

    def do_PATCH(self) -> None:
        self._forward()

    def do_DELETE(self) -> None:
        self._forward()

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        upstream = http.client.HTTPConnection(self.server.upstream, timeout=120)
        sent = 0
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            reply = upstream.getresponse()
            self.send_response(reply.status, reply.reason)
            for key, value in reply.getheaders():
                if key.lower() not in _HOP_BY_HOP:
                    self.send_header(key, value)
            self.end_headers()
            while self.command != "HEAD" and (chunk := reply.read(64 * 1024)):
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader had what it wanted
        finally:
            upstream.close()
            self.server.count(unquote(urlsplit(self.path).path), sent)


class CountingProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream  # host:port
        self._lock = threading.Lock()
        self._sent: dict[str, int] = defaultdict(int)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def count(self, path: str, sent: int) -> None:
        with self._lock:
            self._sent[path] += sent

    def sent(self, name: str) -> int:
        """Body bytes sent from every path naming the object `name` (a signed URL's, a JSON
        API download's, its metadata's)."""
        with self._lock:
            return sum(n for path, n in self._sent.items() if path.endswith("/" + name))

    def reset(self) -> None:
        with self._lock:
            self._sent.clear()


@contextmanager
def counting_proxy(upstream: str) -> Iterator[CountingProxy]:
    proxy = CountingProxy(upstream)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()
