"""The operator's egress proxy as a tunnel opener: `CONNECT <judged address>:<port>` over
plain HTTP, so the proxy carries bytes to the very address the SSRF guard judged and never
resolves a name itself. TLS to the site runs inside the tunnel, end to end (the proxy sees
the site's address and port, not the traffic)."""

from __future__ import annotations

import base64
import socket
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address
from urllib.parse import unquote, urlsplit

from urllib3.util import connection

# The proxy's answer to CONNECT ends with an empty line well before this many bytes.
MAX_REPLY_BYTES = 16 * 1024


class ProxyRefused(OSError):
    """The proxy did not open the tunnel (its status line is the message)."""


@dataclass(frozen=True)
class EgressProxy:
    host: str
    port: int
    authorization: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, url: str) -> EgressProxy:
        """`http://[user:password@]host:port`; anything else is a configuration error."""
        parts = urlsplit(url.strip())
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(
                "KLAIR_EGRESS_PROXY must be http://[user:password@]host:port (an HTTP proxy "
                "that opens CONNECT tunnels; TLS to the site runs inside the tunnel)"
            )
        credentials = None
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            credentials = "Basic " + base64.b64encode(pair.encode()).decode()
        return cls(parts.hostname, parts.port or 8080, credentials)

    def tunnel(
        self,
        address: IPv4Address | IPv6Address,
        port: int,
        timeout: float | None,
        source_address: tuple[str, int] | None = None,
    ) -> socket.socket:
        """A socket connected, through the proxy, to `address:port`. Raises `ProxyRefused`
        (an `OSError`) when the proxy answers anything but 2xx."""
        sock = connection.create_connection(
            (self.host, self.port), timeout, source_address=source_address
        )
        try:
            target = f"[{address}]:{port}" if address.version == 6 else f"{address}:{port}"
            lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
            if self.authorization:
                lines.append(f"Proxy-Authorization: {self.authorization}")
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            status = _reply_status(sock)
            if not status.split(" ", 2)[1:2] or not status.split(" ", 2)[1].startswith("2"):
                raise ProxyRefused(f"the egress proxy refused the tunnel: {status[:120]}")
            return sock
        except BaseException:
            sock.close()
            raise


def _reply_status(sock: socket.socket) -> str:
    """The status line of the proxy's reply, read up to its blank line and no further (the
    tunnel's first bytes must stay in the socket)."""
    reply = b""
    while not reply.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        if not byte:
            raise ProxyRefused("the egress proxy closed the connection before the tunnel")
        reply += byte
        if len(reply) > MAX_REPLY_BYTES:
            raise ProxyRefused("the egress proxy's reply to CONNECT is too long")
    return reply.split(b"\r\n", 1)[0].decode("latin-1")
