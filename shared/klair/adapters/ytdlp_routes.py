"""Which way a download goes: straight to the site, or through the operator's egress proxy.

With `proxy_use="always"` every attempt goes through the proxy. With `"blocked"` (the
default: proxies bill by the gigabyte) an attempt goes straight, and only a refusal as a bot
(`source_bot_blocked`) is tried again through the proxy; the site's host is then remembered
for a while, so the next jobs from it (and the download after its inspection) go through the
proxy at once instead of being refused again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from klair.adapters.egress_proxy import EgressProxy
from klair.domain.errors import SourceUnavailable

T = TypeVar("T")
# How long a host that refused Klair as a bot is reached through the proxy first.
REMEMBER_SECONDS = 3600.0
_log = logging.getLogger(__name__)


class Routes:
    def __init__(
        self,
        proxy: EgressProxy | None,
        always: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._proxy, self._always, self._clock = proxy, always, clock
        self._blocked: dict[str, float] = {}  # host → when it last refused us as a bot

    def ways(self, url: str) -> list[EgressProxy | None]:
        """The routes to try for `url`, in order."""
        if self._proxy is None:
            return [None]
        if self._always or self._recently_blocked(_host(url)):
            return [self._proxy]
        return [None, self._proxy]

    def run(
        self,
        url: str,
        attempt: Callable[[EgressProxy | None], T],
        retryable: Callable[[], bool] = lambda: True,
    ) -> T:
        """`attempt(route)` on the first route; on a bot block (while `retryable()`, e.g.
        nothing was written yet), again on the next one."""
        ways = self.ways(url)
        for n, way in enumerate(ways):
            try:
                return attempt(way)
            except SourceUnavailable as refused:
                if refused.code != "source_bot_blocked" or way is not None:
                    raise
                self._blocked[_host(url)] = self._clock()
                if n + 1 == len(ways) or not retryable():
                    raise
                _log.info("%s refused Klair as a bot; trying again through the egress proxy",
                          _host(url))  # fmt: skip
        raise AssertionError("unreachable: the last route raises or returns")

    def _recently_blocked(self, host: str) -> bool:
        since = self._blocked.get(host)
        return since is not None and self._clock() - since < REMEMBER_SECONDS


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
