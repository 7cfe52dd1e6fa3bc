"""yt-dlp networking behind the SSRF guard: the only request handler a Klair `YoutubeDL` has.

It is yt-dlp's `requests` handler with two changes. Every hop, the first request and each
redirect, passes `Guard.check_url` before it is sent (scheme, credentials, port, host form;
a redirect is judged as soon as its `Location` is read);
every new connection resolves its host through `Guard.resolve` and connects only to the
addresses judged there. Proxies are never used, since a proxy would hide the real address.
A refusal surfaces as `BlockedRequest`, which carries the `UnsafeUrl` for the job.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urljoin

import urllib3
from requests import PreparedRequest, Response
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection
from yt_dlp.networking._requests import RequestsHTTPAdapter, RequestsRH, RequestsSession
from yt_dlp.networking.exceptions import RequestError

from klair.adapters.ssrf import Guard
from klair.domain.errors import UnsafeUrl

MAX_REDIRECTS = 10


class BlockedRequest(RequestError):  # type: ignore[misc]  # yt-dlp is untyped
    """A request the guard refused; yt-dlp passes `RequestError`s through unchanged."""

    def __init__(self, refusal: UnsafeUrl) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def _guarded_connect(guard: Guard, conn: HTTPConnection) -> socket.socket:
    """urllib3's `_new_conn`, connecting only to addresses the guard judged."""
    try:
        addresses = guard.resolve(conn.host, conn.port)
    except UnsafeUrl as refusal:
        raise BlockedRequest(refusal) from None
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    failure: Exception = NewConnectionError(conn, f"no address to connect to for {conn.host}")
    for address in addresses:
        try:
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


def _pool_classes(guard: Guard) -> dict[str, type[HTTPConnectionPool]]:
    class GuardedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return _guarded_connect(guard, self)

    class GuardedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return _guarded_connect(guard, self)

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


class _GuardedAdapter(RequestsHTTPAdapter):  # type: ignore[misc]  # yt-dlp is untyped
    def __init__(self, guard: Guard, **kwargs: Any) -> None:
        self._guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self._guard)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        raise BlockedRequest(UnsafeUrl("downloads never go through a proxy"))

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        _judge(self._guard, str(request.url))  # the first request and every redirect
        response: Response = super().send(request, *args, **kwargs)
        return response


class _GuardedSession(RequestsSession):  # type: ignore[misc]
    def __init__(self, guard: Guard) -> None:
        self._guard = guard
        super().__init__()

    def get_redirect_target(self, response: Response) -> str | None:
        """Judge where a redirect leads before requests even picks a transport for it."""
        location: str | None = super().get_redirect_target(response)
        if location is not None:
            _judge(self._guard, urljoin(str(response.url), location))
        return location


def guarded_handler(guard: Guard) -> type[Any]:
    """A yt-dlp `RequestHandler` class bound to `guard`."""

    class KlairGuardedRH(RequestsRH):  # type: ignore[misc]
        RH_NAME = "klair-guarded"

        def _get_proxies(self, request: Any) -> dict[str, str]:
            return {}

        def _create_instance(self, cookiejar: Any, legacy_ssl_support: Any = None) -> Any:
            """yt-dlp's session, with the guarded session class and transport."""
            session = _GuardedSession(guard)
            adapter = _GuardedAdapter(
                guard,
                ssl_context=self._make_sslcontext(legacy_ssl_support=legacy_ssl_support),
                source_address=self.source_address,
                max_retries=urllib3.util.retry.Retry(False),
            )
            session.adapters.clear()
            session.headers = CaseInsensitiveDict()
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.cookies = cookiejar
            session.trust_env = False  # proxies from the environment would hide the address
            session.max_redirects = MAX_REDIRECTS
            return session

    return KlairGuardedRH
