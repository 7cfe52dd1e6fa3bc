"""Which URLs Klair may fetch on a user's behalf (the SSRF policy), judged without any I/O.

Only http and https, no credentials, the scheme's default port unless more are configured,
host names and canonical IP literals only (no `2130706433`, `0177.0.0.1` or `127.1`), and
never an address in a loopback, private, link-local (cloud metadata), shared (CGNAT),
multicast or reserved network. Resolving names is the adapters' job (`klair.adapters.ssrf`):
they judge every address a name resolves to with `check_address` and connect only to those.
Hosts and networks on the allow-list (a setting only tests and the local stack use) are
trusted: their addresses and ports are not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from urllib.parse import urlsplit

from klair.domain.errors import UnsafeUrl

IPAddress = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 4096

_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")
# A last label like this makes resolvers read the host as an IPv4 address in some form.
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
# Names that only mean something inside the network Klair runs in.
_INTERNAL_NAMES = ("localhost", "local", "internal", "localdomain", "home.arpa", "arpa")

_BLOCKED: tuple[tuple[Network, str], ...] = tuple(
    (ip_network(cidr), reason)
    for cidr, reason in (
        ("0.0.0.0/8", "unspecified"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared (CGNAT)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local (cloud metadata)"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "reserved"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "reserved"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("::/96", "reserved"),
        ("64:ff9b:1::/48", "private"),
        ("100::/64", "reserved"),
        ("2001::/32", "reserved"),  # Teredo tunnels hide the real address
        ("2001:db8::/32", "documentation"),
        ("fc00::/7", "private"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "private"),
        ("ff00::/8", "multicast"),
    )
)
_NAT64 = IPv6Network("64:ff9b::/96")


def _embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64): the one really reached."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_refusal(address: IPAddress) -> str | None:
    """Why Klair must not connect to `address` ("private", "loopback", …), or None."""
    if isinstance(address, IPv6Address):
        if address.scope_id:
            return "link-local"
        inner = _embedded_ipv4(address)
        if inner is not None:
            return address_refusal(inner)
    for network, reason in _BLOCKED:
        if address.version == network.version and address in network:
            return reason
    return None if address.is_global else "reserved"


@dataclass(frozen=True)
class Target:
    """A host as Klair will contact it: ASCII, lower case, no brackets or trailing dot."""

    host: str
    port: int
    trusted: bool  # on the allow-list: neither its addresses nor its port are judged
    address: IPAddress | None  # set when the host is an IP literal


def _refuse_host(host: str, why: str) -> UnsafeUrl:
    return UnsafeUrl(f"the URL's host {host!r} {why}", code="url_host_not_allowed")


def canonical_host(host: str) -> str:
    """The host in the one form policies compare: lower-case ASCII (IDNA), IP literals in
    their canonical form. Raises `UnsafeUrl` for forms a resolver could read differently."""
    raw = host.strip().lower()
    if raw.startswith("[") and raw.endswith("]"):
        raw = raw[1:-1]
    if ":" in raw:
        try:
            literal = IPv6Address(raw)
        except ValueError:
            raise _refuse_host(host, "is not a valid IPv6 address") from None
        if literal.scope_id:
            raise _refuse_host(host, "carries a zone index")
        return str(literal)
    try:
        name = raw.removesuffix(".").encode("idna").decode("ascii")
    except UnicodeError:
        raise _refuse_host(host, "is not a valid host name") from None
    if _NUMERIC_LABEL.match(name.rsplit(".", 1)[-1]):
        try:
            return str(IPv4Address(name))
        except ValueError:
            raise _refuse_host(host, "is not an IPv4 address in dotted decimal form") from None
    if not _HOST_NAME.match(name):
        raise _refuse_host(host, "is not a valid host name")
    return name


def _internal_name(name: str) -> bool:
    """Single-label names (`metadata`, `intranet`) and private-use domains."""
    return "." not in name or any(name == s or name.endswith("." + s) for s in _INTERNAL_NAMES)


def _literal(host: str) -> IPAddress | None:
    try:
        return ip_address(host)
    except ValueError:
        return None


@dataclass(frozen=True)
class UrlPolicy:
    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[Network, ...] = ()
    allowed_ports: frozenset[int] = frozenset()

    @classmethod
    def from_settings(cls, hosts: Iterable[str] = (), ports: Iterable[int] = ()) -> UrlPolicy:
        """`hosts` holds names, IP literals or networks (`10.1.0.0/16`)."""
        names: set[str] = set()
        networks: list[Network] = []
        for entry in (h.strip() for h in hosts):
            if "/" in entry:
                networks.append(ip_network(entry, strict=False))
            elif entry:
                names.add(canonical_host(entry))
        return cls(frozenset(names), tuple(networks), frozenset(ports))

    def target(self, host: str, port: int) -> Target:
        """Judge a host before it is resolved: its form, internal names, IP literals."""
        name = canonical_host(host)
        literal = _literal(name)
        found = Target(name, port, name in self.allowed_hosts, literal)
        if found.trusted:
            return found
        if literal is not None:
            self.check_address(found, literal)
        elif _internal_name(name):
            raise _refuse_host(host, "names a machine inside a private network")
        return found

    def check_url(self, url: str) -> Target:
        """Judge a URL before any request to it (and before following a redirect to it)."""
        if len(url) > MAX_URL_LENGTH or any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
            raise UnsafeUrl("the URL is too long or contains spaces or control characters",
                            code="url_invalid")  # fmt: skip
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise UnsafeUrl(f"the URL cannot be parsed: {exc}", code="url_invalid") from None
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            shown = f"{scheme}:" if scheme else "relative"
            raise UnsafeUrl(f"only http and https URLs can be fetched, not {shown} URLs",
                            code="url_scheme_not_allowed")  # fmt: skip
        if "@" in parts.netloc or "\\" in parts.netloc:
            raise UnsafeUrl("URLs carrying a user name or password are not accepted",
                            code="url_credentials_not_allowed")  # fmt: skip
        if not parts.hostname:
            raise UnsafeUrl("the URL has no host", code="url_invalid")
        found = self.target(parts.hostname, port or DEFAULT_PORTS[scheme])
        allowed = {DEFAULT_PORTS[scheme], *self.allowed_ports}
        if not found.trusted and found.port not in allowed:
            raise UnsafeUrl(f"port {found.port} is not allowed; use the {scheme} default port",
                            code="url_port_not_allowed", port=found.port)  # fmt: skip
        return found

    def check_address(self, target: Target, address: IPAddress) -> None:
        """Judge one address the target's host resolved to; raises `UnsafeUrl`."""
        if target.trusted or any(
            address.version == n.version and address in n for n in self.allowed_networks
        ):
            return
        reason = address_refusal(address)
        if reason is not None:
            # A resolved address is not echoed: it would map internal names for the caller.
            where = "is" if target.address is not None else "resolves to an address"
            raise UnsafeUrl(
                f"{target.host} {where} in a {reason} network; Klair only fetches from public "
                "internet addresses",
                code="url_address_not_allowed",
                reason=reason,
            )
