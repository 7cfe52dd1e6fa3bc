"""The SSRF guard's I/O half: resolve a host once, judge every address it resolves to under
the URL policy, and hand only judged addresses to the connector, so DNS cannot answer one
way to the check and another way to the connection (rebinding)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Late
from ipaddress import ip_address

from klair.domain.errors import InvalidInput
from klair.domain.url_policy import IPAddress, Target, UrlPolicy

# host, port → the addresses it resolves to, as text (what getaddrinfo gives).
Resolver = Callable[[str, int], Sequence[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """The platform resolver; raises `socket.gaierror` like `getaddrinfo`."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# Bounded resolutions run here: getaddrinfo itself has no timeout. A lookup that outlives
# its caller's wait finishes in the background (the system resolver gives up on its own).
_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="klair-dns")


class Guard:
    """Judges URLs and resolves hosts for anything that fetches what a user named; as the
    `SourceGuard` port, judges a submitted URL now, its resolution bounded by `timeout`."""

    def __init__(
        self, policy: UrlPolicy, resolver: Resolver = system_resolver, timeout: float = 2.0
    ) -> None:
        self.policy = policy
        self._resolver = resolver
        self._timeout = timeout

    def check(self, url: str) -> None:
        self.judge_now(url)

    def judge_now(self, url: str) -> Target:
        """`check_url`, then every address the host resolves to now (allow-listed hosts are
        trusted as they are). Raises `UnsafeUrl`, or `InvalidInput` (`url_host_not_found`)
        for a name that does not resolve; a lookup slower than the timeout passes."""
        target = self.check_url(url)
        if target.trusted:
            return target
        lookup = _LOOKUPS.submit(self.resolve, target.host, target.port)
        try:
            lookup.result(timeout=self._timeout)
        except Late:
            pass  # DNS is slow, not a refusal: the fetch resolves and judges again
        except socket.gaierror:
            raise InvalidInput(
                f"the URL's host {target.host!r} does not resolve", code="url_host_not_found"
            ) from None
        return target

    def check_url(self, url: str) -> Target:
        """Raises `UnsafeUrl` for a URL that must not be requested (or redirected to)."""
        return self.policy.check_url(url)

    def resolve(self, host: str, port: int) -> list[IPAddress]:
        """The addresses to connect to for `host`, every one of them judged.

        Raises `UnsafeUrl` when the host, or any address it resolves to, is refused (one bad
        address refuses them all: a name that resolves to a private address is not a public
        site), and `socket.gaierror` when the name does not resolve.
        """
        target = self.policy.target(host, port)
        if target.address is not None:
            return [target.address]
        found = [ip_address(a.split("%", 1)[0]) for a in self._resolver(target.host, port)]
        if not found:
            raise socket.gaierror(socket.EAI_NONAME, f"{target.host} has no address")
        for address in found:
            self.policy.check_address(target, address)
        return found
