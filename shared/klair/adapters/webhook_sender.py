"""The `WebhookSender` on httpcore behind the SSRF guard: every connection resolves its host
through `Guard.resolve` and connects only to an address judged there (TLS still verifies the
host name), redirects are never followed (httpcore does not), no proxy is ever used."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable, Mapping

import httpcore

from klair.adapters.ssrf import Guard
from klair.domain.errors import UnsafeUrl
from klair.domain.notification import Attempt

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting to judged addresses only (no DNS rebinding)."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._guard.resolve(host, port)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"{host} does not resolve") from exc
        failure: Exception = httpcore.ConnectError(f"no address to connect to for {host}")
        for address in addresses:
            try:
                return super().connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure


class GuardedWebhookSender:
    """One connection pool per instance (made on first use: no I/O at wiring). Registration
    also requires https, except for hosts on the guard's allow-list (tests, the local stack)."""

    def __init__(self, guard: Guard, timeout: float = 10.0, require_https: bool = True) -> None:
        self._guard = guard
        self._timeout = timeout
        self._require_https = require_https
        self._pool: httpcore.ConnectionPool | None = None
        self._lock = threading.Lock()

    def check(self, url: str) -> None:
        target = self._guard.check_url(url)
        if self._require_https and not target.trusted and not url.lower().startswith("https:"):
            # Events carry job data: only the local stack's allow-listed hosts get plain http.
            raise UnsafeUrl("webhook URLs must use https", code="url_https_required")
        self._guard.judge_now(url)

    def send(self, url: str, headers: Mapping[str, str], body: bytes) -> Attempt:
        timeouts = dict.fromkeys(("connect", "read", "write", "pool"), self._timeout)
        try:
            self._guard.check_url(url)
            with self._connections().stream(
                "POST",
                url,
                headers=list(headers.items()),
                content=body,
                extensions={"timeout": timeouts},
            ) as response:
                return Attempt(status=response.status)
        except UnsafeUrl as refusal:
            return Attempt(error=refusal.code, refused=True)
        except httpcore.TimeoutException:
            return Attempt(error="timeout")
        except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as exc:
            return Attempt(error=f"{type(exc).__name__}: {exc}"[:300])

    def _connections(self) -> httpcore.ConnectionPool:
        with self._lock:
            if self._pool is None:
                self._pool = httpcore.ConnectionPool(
                    network_backend=GuardedBackend(self._guard), max_connections=20
                )
            return self._pool
