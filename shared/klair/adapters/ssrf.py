"""The SSRF guard's I/O half: resolve a host once, judge every address it resolves to under
the URL policy, and hand only judged addresses to the connector, so DNS cannot answer one
way to the check and another way to the connection (rebinding)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from ipaddress import ip_address

from klair.domain.url_policy import IPAddress, Target, UrlPolicy

# host, port → the addresses it resolves to, as text (what getaddrinfo gives).
Resolver = Callable[[str, int], Sequence[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """The platform resolver; raises `socket.gaierror` like `getaddrinfo`."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class Guard:
    """Judges URLs and resolves hosts for anything that fetches what a user named."""

    def __init__(self, policy: UrlPolicy, resolver: Resolver = system_resolver) -> None:
        self.policy = policy
        self._resolver = resolver

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
