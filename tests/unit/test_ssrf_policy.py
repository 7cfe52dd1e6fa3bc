"""The SSRF policy and guard without a network: what is refused before any request, and what
every resolved address must be."""

from __future__ import annotations

import socket
import threading
from ipaddress import IPv4Address, IPv4Network, IPv6Address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klair.adapters.ssrf import Guard
from klair.domain.errors import InvalidInput, UnsafeUrl
from klair.domain.url_policy import UrlPolicy, address_refusal

STRICT = UrlPolicy()


def code_of(url: str, policy: UrlPolicy = STRICT) -> str:
    with pytest.raises(UnsafeUrl) as caught:
        policy.check_url(url)
    assert caught.value.status == 400 and not caught.value.retryable
    return caught.value.code


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "gopher://127.0.0.1:70/_GET", "ftp://example.com/a.mp4",
     "data:video/mp4;base64,AAAA", "javascript:alert(1)", "//example.com/a.mp4",
     "dict://example.com:11211/stat", "ws://example.com/live"],
)  # fmt: skip
def test_only_http_and_https_are_fetched(url: str) -> None:
    assert code_of(url) == "url_scheme_not_allowed"


@pytest.mark.parametrize(
    "url",
    ["http://user:secret@example.com/a.mp4", "https://user@example.com/a.mp4",
     "http://example.com\\@169.254.169.254/", "http://example.com:80@10.0.0.1/"],
)  # fmt: skip
def test_credentials_in_the_url_are_refused(url: str) -> None:
    assert code_of(url) == "url_credentials_not_allowed"


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.255.255.254", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255",
     "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.254", "224.0.0.1",
     "239.255.255.250", "240.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.2.10",
     "[::1]", "[::]", "[fe80::1]", "[fc00::1]", "[fd12:3456::1]", "[ff02::1]",
     "[::ffff:127.0.0.1]", "[::ffff:169.254.169.254]", "[::ffff:a00:1]",
     "[64:ff9b::a9fe:a9fe]", "[2002:7f00:1::]", "[2001:db8::1]", "[2001::1]"],
)  # fmt: skip
def test_non_public_addresses_are_refused(host: str) -> None:
    assert code_of(f"http://{host}/video.mp4") == "url_address_not_allowed"


@pytest.mark.parametrize(
    "host",
    ["2130706433", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "127.1", "127.0.1",
     "017700000001", "127.000.000.001", "0251.0376.0251.0376", "3232235777",
     "1.2.3.4.5", "[fe80::1%25eth0]"],
)  # fmt: skip
def test_ambiguous_address_forms_are_refused_before_any_resolver_sees_them(host: str) -> None:
    # Resolvers read 2130706433 and 0177.0.0.1 as 127.0.0.1; Klair only accepts the
    # canonical form, and judges that.
    assert code_of(f"http://{host}/video.mp4") == "url_host_not_allowed"
    allow_loopback = UrlPolicy.from_settings(["127.0.0.1"])
    assert code_of(f"http://{host}/video.mp4", allow_loopback) == "url_host_not_allowed"


@pytest.mark.parametrize(
    "host",
    ["localhost", "LOCALHOST.", "api.localhost", "metadata", "metadata.google.internal",
     "printer.local", "nas.home.arpa", "intranet"],
)  # fmt: skip
def test_names_of_private_machines_are_refused(host: str) -> None:
    assert code_of(f"http://{host}/video.mp4") == "url_host_not_allowed"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://example.com:8080/a.mp4", "url_port_not_allowed"),
        ("https://example.com:8443/a.mp4", "url_port_not_allowed"),
        ("http://example.com:443/a.mp4", "url_port_not_allowed"),
        ("http://example.com:99999/a.mp4", "url_invalid"),
        ("http://exa mple.com/a.mp4", "url_invalid"),
        ("http://example.com/a\nb.mp4", "url_invalid"),
        ("http://example.com/" + "a" * 5000, "url_invalid"),
        ("http://exa_mple..com/a.mp4", "url_host_not_allowed"),
    ],
)
def test_malformed_urls_and_other_ports_are_refused(url: str, code: str) -> None:
    assert code_of(url) == code


def test_configured_ports_are_allowed_on_public_hosts() -> None:
    policy = UrlPolicy.from_settings(ports=[8080])

    assert policy.check_url("http://example.com:8080/a.mp4").port == 8080
    assert code_of("http://10.0.0.1:8080/a.mp4", policy) == "url_address_not_allowed"


@pytest.mark.parametrize(
    ("url", "host", "port"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "www.youtube.com", 443),
        ("HTTP://Example.COM./talk.mp4", "example.com", 80),
        ("https://93.184.215.14/talk.mp4", "93.184.215.14", 443),
        ("https://[2606:2800:21f:cb07::8b2c]/a", "2606:2800:21f:cb07::8b2c", 443),
        ("https://bücher.example/a.mp4", "xn--bcher-kva.example", 443),
        ("https://example.com:443/a.mp4", "example.com", 443),
    ],
)  # fmt: skip
def test_public_urls_pass(url: str, host: str, port: int) -> None:
    target = STRICT.check_url(url)

    assert (target.host, target.port, target.trusted) == (host, port, False)


def test_the_allow_list_trusts_hosts_and_networks_on_any_port() -> None:
    policy = UrlPolicy.from_settings(["127.0.0.1", "localhost", "10.9.0.0/16"])

    assert policy.check_url("http://127.0.0.1:5000/a.mp4").trusted
    assert policy.check_url("http://localhost:1234/a.mp4").trusted
    assert code_of("http://[::1]:5000/a.mp4", policy) == "url_address_not_allowed"
    guard = Guard(
        policy, lambda host, port: {"a.example.com": ["10.9.1.2"]}.get(host, ["10.8.0.1"])
    )
    assert guard.resolve("a.example.com", 443) == [IPv4Address("10.9.1.2")]
    with pytest.raises(UnsafeUrl):
        guard.resolve("b.example.com", 443)


def fake_dns(table: dict[str, list[str]]) -> Guard:
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return Guard(STRICT, resolve)


def test_a_public_looking_name_resolving_to_a_private_address_is_refused() -> None:
    guard = fake_dns(
        {"videos.example.com": ["10.0.0.5"], "mixed.example.com": ["93.184.215.14", "127.0.0.1"]}
    )

    assert guard.check_url("https://videos.example.com/a.mp4").host == "videos.example.com"
    for host in ("videos.example.com", "mixed.example.com"):
        with pytest.raises(UnsafeUrl) as caught:
            guard.resolve(host, 443)
        assert caught.value.code == "url_address_not_allowed"
        assert "10.0.0.5" not in caught.value.message and "127.0.0.1" not in caught.value.message


def test_public_names_resolve_to_their_judged_addresses() -> None:
    guard = fake_dns(
        {"cdn.example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]}
    )

    assert guard.resolve("cdn.example.com", 443) == [
        IPv4Address("93.184.215.14"),
        IPv6Address("2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
    ]
    with pytest.raises(socket.gaierror):
        guard.resolve("gone.example.com", 443)


PRIVATE_V4 = [
    IPv4Network(n)
    for n in ("10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
              "192.168.0.0/16", "100.64.0.0/10", "224.0.0.0/4", "0.0.0.0/8")
]  # fmt: skip


@given(st.sampled_from(PRIVATE_V4), st.integers(0, 2**32 - 1))
def test_every_address_of_a_private_network_is_refused_however_wrapped(
    network: IPv4Network, offset: int
) -> None:
    address = network[offset % network.num_addresses]
    mapped = IPv6Address(f"::ffff:{address}")
    nat64 = IPv6Address(int(IPv6Address("64:ff9b::")) + int(address))

    assert address_refusal(address) is not None
    assert address_refusal(mapped) is not None
    assert address_refusal(nat64) is not None


def test_a_submitted_url_is_judged_on_what_its_host_resolves_to_now() -> None:
    """`check` (the SourceGuard port: submit) resolves and judges before any job exists."""
    guard = fake_dns({"rebind.example.com": ["93.184.215.14", "10.0.0.7"]})
    with pytest.raises(UnsafeUrl) as refused:
        guard.check("https://rebind.example.com/talk.mp4")
    assert refused.value.code == "url_address_not_allowed"
    with pytest.raises(InvalidInput) as missing:
        guard.check("https://nowhere.example.com/talk.mp4")
    assert missing.value.code == "url_host_not_found"
    guard.check("https://93.184.215.14/talk.mp4")  # a literal needs no resolver


def test_a_slow_resolver_delays_a_submit_by_the_timeout_only() -> None:
    """DNS slower than the guard's wait is not a refusal: the download judges again."""
    release = threading.Event()

    def stuck(host: str, port: int) -> list[str]:
        release.wait(10)
        return ["10.0.0.7"]

    guard = Guard(STRICT, stuck, timeout=0.2)
    try:
        assert guard.judge_now("https://slow.example.com/v.mp4").host == "slow.example.com"
    finally:
        release.set()
