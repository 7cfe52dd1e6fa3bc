"""A local HTTP CONNECT proxy playing an operator's egress proxy (a residential proxy seen
from a cloud function): it checks Basic credentials, records every tunnel it is asked for,
and carries bytes to where `route` sends each target, the way the proxy's own network may
see a site differently from the data centre."""

from __future__ import annotations

import base64
import select
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Route = Callable[[str, int], tuple[str, int]]


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        head = self.rfile.readline(8192).decode("latin-1").strip()
        headers: dict[str, str] = {}
        while (line := self.rfile.readline(8192).decode("latin-1").strip()) != "":
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        method, target, _ = [*head.split(" "), "", "", ""][:3]
        if method != "CONNECT":
            self.server.refused.append(head)
            self._reply("405 Method Not Allowed")
            return
        if headers.get("proxy-authorization") != self.server.authorization:
            self.server.refused.append(head)
            self._reply("407 Proxy Authentication Required")
            return
        self.server.tunnels.append(target)
        host, _, port = target.rpartition(":")
        try:
            upstream = socket.create_connection(self.server.route(host.strip("[]"), int(port)), 5)
        except OSError:
            self._reply("502 Bad Gateway")
            return
        self._reply("200 Connection established")
        _pipe(self.connection, upstream)

    def _reply(self, status: str) -> None:
        self.wfile.write(f"HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n".encode())


def _pipe(client: socket.socket, upstream: socket.socket) -> None:
    with upstream:
        ends = [client, upstream]
        while True:
            readable, _, _ = select.select(ends, [], [], 10)
            if not readable:
                return
            for end in readable:
                data = end.recv(65536)
                if not data:
                    return
                (upstream if end is client else client).sendall(data)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, route: Route, authorization: str | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.route, self.authorization = route, authorization
        self.tunnels: list[str] = []  # "address:port" of every tunnel opened, in order
        self.refused: list[str] = []  # request lines refused (wrong method or credentials)


class ConnectProxy:
    def __init__(self, server: _Server, user: str, password: str) -> None:
        self._server = server
        port = server.server_address[1]
        self.url = f"http://{user}:{password}@127.0.0.1:{port}"

    @property
    def tunnels(self) -> list[str]:
        return self._server.tunnels

    @property
    def refused(self) -> list[str]:
        return self._server.refused


@contextmanager
def connect_proxy(
    route: Route = lambda host, port: (host, port),
    user: str = "klair",
    password: str = "s3cr:t",  # noqa: S107  # a test proxy
) -> Iterator[ConnectProxy]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    server = _Server(route, f"Basic {token}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ConnectProxy(server, user, password.replace(":", "%3A"))
    finally:
        server.shutdown()
        server.server_close()
