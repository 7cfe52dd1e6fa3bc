"""yt-dlp networking behind the SSRF guard: the only request handler a Klair `YoutubeDL` has.

Built on yt-dlp's public extension points only: a `RequestHandler` subclass (its documented
`_send`/`_check_extensions` hooks) returning a public `Response`, handed to the public
`YoutubeDL.build_request_director`; the transport is `requests` and `urllib3`, ours. Every
hop, the first request and each redirect, passes `Guard.check_url` before it is sent (a
redirect is judged as soon as its `Location` is read); every new connection resolves its
host through `Guard.resolve` and connects only to the addresses judged there, either
directly or through the operator's egress proxy as a `CONNECT` tunnel to that judged
address (the proxy never resolves a name, so DNS cannot answer it differently: no
rebinding). The proxy itself is trusted configuration. A refusal surfaces as
`BlockedRequest`, which carries the `UnsafeUrl` for the job.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urljoin

import requests
import urllib3
from requests import PreparedRequest
from requests import Response as RequestsResponse
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection
from yt_dlp.networking import RequestHandler, Response
from yt_dlp.networking.exceptions import (
    CertificateVerifyError,
    HTTPError,
    ProxyError,
    RequestError,
    SSLError,
    TransportError,
)

from klair.adapters.egress_proxy import EgressProxy
from klair.adapters.ssrf import Guard
from klair.domain.errors import UnsafeUrl

MAX_REDIRECTS = 10
_EXTENSIONS = ("cookiejar", "timeout", "legacy_ssl", "keep_header_casing")


class BlockedRequest(RequestError):  # type: ignore[misc]  # yt-dlp is untyped
    """A request the guard refused; yt-dlp passes `RequestError`s through unchanged."""

    def __init__(self, refusal: UnsafeUrl) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def _guarded_connect(
    guard: Guard, proxy: EgressProxy | None, conn: HTTPConnection
) -> socket.socket:
    """urllib3's `_new_conn`, connecting only to addresses the guard judged: directly, or
    through a tunnel the proxy opens to that address."""
    try:
        addresses = guard.resolve(conn.host, conn.port)
    except UnsafeUrl as refusal:
        raise BlockedRequest(refusal) from None
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    failure: Exception = NewConnectionError(conn, f"no address to connect to for {conn.host}")
    for address in addresses:
        try:
            if proxy is not None:
                return proxy.tunnel(address, conn.port, conn.timeout, conn.source_address)
            return connection.create_connection(
                (str(address), conn.port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except TimeoutError as exc:
            failure = ConnectTimeoutError(conn, f"connecting to {conn.host} timed out: {exc}")
        except OSError as exc:
            failure = NewConnectionError(conn, f"failed to connect to {conn.host}: {exc}")
    raise failure


def _pool_classes(guard: Guard, proxy: EgressProxy | None) -> dict[str, type[HTTPConnectionPool]]:
    class GuardedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return _guarded_connect(guard, proxy, self)

    class GuardedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return _guarded_connect(guard, proxy, self)

    class GuardedHTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    return {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}


def _judge(guard: Guard, url: str) -> None:
    try:
        guard.check_url(url)
    except UnsafeUrl as refusal:
        raise BlockedRequest(refusal) from None


class _GuardedAdapter(requests.adapters.HTTPAdapter):
    def __init__(self, guard: Guard, proxy: EgressProxy | None) -> None:
        self._guard, self._proxy = guard, proxy
        super().__init__(max_retries=urllib3.util.Retry(False))

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self._guard, self._proxy)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        raise BlockedRequest(UnsafeUrl("downloads use only the operator's egress proxy"))

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> RequestsResponse:
        _judge(self._guard, str(request.url))  # the first request and every redirect
        return super().send(request, *args, **kwargs)


class _GuardedSession(requests.Session):
    def __init__(self, guard: Guard, proxy: EgressProxy | None, cookies: Any) -> None:
        super().__init__()
        self._guard = guard
        self.adapters.clear()
        adapter = _GuardedAdapter(guard, proxy)
        self.mount("https://", adapter)
        self.mount("http://", adapter)
        self.headers.clear()
        self.cookies = cookies
        self.trust_env = False  # proxies from the environment would skip the guard's tunnel
        self.max_redirects = MAX_REDIRECTS

    def get_redirect_target(self, resp: RequestsResponse) -> str | None:
        """Judge where a redirect leads before requests even picks a transport for it."""
        location: str | None = super().get_redirect_target(resp)
        if location is not None:
            _judge(self._guard, urljoin(str(resp.url), location))
        return location


class _Answer(Response):  # type: ignore[misc]
    """A streamed `requests` response as yt-dlp's `Response`, its read errors mapped."""

    def __init__(self, answer: RequestsResponse) -> None:
        super().__init__(
            fp=answer.raw, headers=answer.headers, url=answer.url,
            status=answer.status_code, reason=answer.reason,
        )  # fmt: skip

    def read(self, amt: int | None = None) -> bytes:
        try:
            if amt is None:
                parts = iter(lambda: self.fp.read(1 << 20, decode_content=True), b"")
                return b"".join(parts)
            data: bytes = self.fp.read(amt, decode_content=True)
            return data
        except urllib3.exceptions.SSLError as exc:
            raise SSLError(cause=exc) from exc
        except urllib3.exceptions.HTTPError as exc:  # protocol errors, incomplete reads
            raise TransportError(cause=exc) from exc


def _send(session: requests.Session, request: Any, headers: dict[str, str], timeout: float) -> Any:
    loop = False
    try:
        answer = session.request(
            request.method, request.url, data=request.data, headers=headers,
            timeout=timeout, allow_redirects=True, stream=True,
        )  # fmt: skip
    except requests.exceptions.TooManyRedirects as exc:
        if exc.response is None:
            raise TransportError(cause=exc) from exc
        loop, answer = True, exc.response
    except requests.exceptions.SSLError as exc:
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            raise CertificateVerifyError(cause=exc) from exc
        raise SSLError(cause=exc) from exc
    except requests.exceptions.ProxyError as exc:
        raise ProxyError(cause=exc) from exc
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
        raise TransportError(cause=exc) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise TransportError(cause=exc) from exc
    except requests.exceptions.RequestException as exc:
        raise RequestError(cause=exc) from exc
    response = _Answer(answer)
    if not 200 <= response.status < 300:
        raise HTTPError(response, redirect_loop=loop)
    return response


def guarded_handler(guard: Guard, proxy: EgressProxy | None = None) -> type[Any]:
    """A yt-dlp `RequestHandler` class bound to `guard` (and to the egress proxy, if any)."""

    class KlairGuardedRH(RequestHandler):  # type: ignore[misc]  # yt-dlp is untyped
        RH_NAME = "klair-guarded"
        _SUPPORTED_URL_SCHEMES = ("http", "https")
        _SUPPORTED_PROXY_SCHEMES = None  # yt-dlp's proxies are ignored (there are none)
        _SUPPORTED_FEATURES = None

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._sessions: dict[int, requests.Session] = {}

        def _check_extensions(self, extensions: dict[str, Any]) -> None:
            super()._check_extensions(extensions)
            for name in _EXTENSIONS:
                extensions.pop(name, None)

        def _prepare_headers(self, request: Any, headers: Any) -> None:
            headers.setdefault("Accept-Encoding", "gzip, deflate")
            headers.setdefault("Connection", "keep-alive")

        def _send(self, request: Any) -> Any:
            jar = self._get_cookiejar(request)
            session = self._sessions.get(id(jar))
            if session is None:
                session = self._sessions[id(jar)] = _GuardedSession(guard, proxy, jar)
            timeout = self._calculate_timeout(request)
            return _send(session, request, self._get_headers(request), timeout)

        def close(self) -> None:
            for session in self._sessions.values():
                session.close()
            self._sessions.clear()

    return KlairGuardedRH
