"""API request limits with a clock the test holds: each user at their tier's rate and burst,
each IP on the routes without a token, 429 `rate_limited` with `Retry-After`; the webhooks
are not limited; a limiter outage lets requests through."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from werkzeug.test import Client, EnvironBuilder, TestResponse
from werkzeug.wrappers import Request

from klair.adapters.memory.rate_limit import MemoryRateLimiter
from klair.config import Settings
from klair.domain.errors import Transient
from klair.domain.ids import UserId
from klair.domain.rate_limit import RateDecision, RateRule, take
from klair.http.api_routes import build_api
from klair.http.rate_limit import RequestLimits, client_ip
from klair.http.webhook_routes import build_webhooks
from klair.ports.accounts import RateLimiter
from tests.unit.api_world import ALICE, BOB, HeaderVerifier, World, make_world

STATUS = "/api/klair/jobs"


def limited(world: World, limiter: RateLimiter | None = None, **settings: object) -> Client:
    """A client of `world`'s API with the request limits on (over a fresh memory limiter)."""
    deps = dataclasses.replace(
        world.deps,
        settings=Settings(**settings),  # type: ignore[arg-type]
        rate_limiter=limiter or MemoryRateLimiter(),
    )
    router = build_api(lambda: deps, HeaderVerifier(), limiter=RequestLimits(lambda: deps))
    return Client(lambda environ, start: router.dispatch(Request(environ))(environ, start))


def _as(user: UserId) -> dict[str, str]:
    return {"Authorization": f"Bearer as:{user}"}


def _burst(client: Client, count: int, path: str = STATUS, **headers: str) -> list[int]:
    return [client.get(path, headers=headers).status_code for _ in range(count)]


def test_a_user_gets_the_tiers_burst_then_429_with_retry_after() -> None:
    world = make_world()
    client = limited(world)
    assert _burst(client, 20, **_as(ALICE)) == [200] * 20  # free: burst 20, 60 a minute
    refused: TestResponse = client.get(STATUS, headers=_as(ALICE))
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    error = refused.get_json()["error"]
    assert error["code"] == "rate_limited" and error["details"]["scope"] == "user"
    assert error["details"]["retry_after"] == 1.0 and error["details"]["limit"] == 20
    assert client.get(STATUS, headers=_as(BOB)).status_code == 200  # each user their own
    world.clock.tick(1.0)
    assert _burst(client, 2, **_as(ALICE)) == [200, 429]  # one more a second


def test_a_higher_tier_has_a_larger_bucket_once_its_tier_is_read_again() -> None:
    world = make_world()
    client = limited(world)
    assert _burst(client, 21, **_as(ALICE))[-1] == 429
    world.set_tier(ALICE, "pro")
    assert client.get(STATUS, headers=_as(ALICE)).status_code == 429  # tier cached for 60 s
    world.clock.tick(61)
    assert _burst(client, 100, **_as(ALICE)) == [200] * 100  # pro: burst 100
    assert client.get(STATUS, headers=_as(ALICE)).status_code == 429


def test_routes_without_a_token_are_limited_per_client_ip() -> None:
    world = make_world()
    client = limited(world, ip_requests_per_minute=6, ip_burst=3)
    one = {"X-Forwarded-For": "203.0.113.9"}
    spoofed = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}  # the client wrote the first
    assert _burst(client, 3, "/api/health", **one) == [200] * 3
    refused = client.get("/api/openapi.json", headers=spoofed)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "10"
    assert refused.get_json()["error"]["details"]["scope"] == "ip"
    assert client.get("/api/health", headers={"X-Forwarded-For": "203.0.113.10"}).status_code == 200
    assert client.get(STATUS, headers={**one, **_as(ALICE)}).status_code == 200  # users: own
    world.clock.tick(10)
    assert client.get("/api/health", headers=one).status_code == 200


def test_limits_can_be_turned_off_and_an_outage_lets_requests_through() -> None:
    world = make_world()
    off = limited(world, rate_limits=False)
    assert set(_burst(off, 30, **_as(ALICE))) == {200}

    class Down:
        def hit(self, key: str, rule: RateRule, now: datetime) -> RateDecision:
            raise Transient("firestore unavailable")

    assert set(_burst(limited(world, Down()), 30, **_as(ALICE))) == {200}


def test_webhooks_have_no_limiter() -> None:
    router = build_webhooks(lambda: make_world().deps, Settings())
    assert router.limiter is None


def _request(remote: str = "10.0.0.1", forwarded: str | None = None) -> Request:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    environ = EnvironBuilder(headers=headers, environ_base={"REMOTE_ADDR": remote}).get_environ()
    return Request(environ)


def test_the_client_ip_is_the_entry_before_the_trusted_proxies() -> None:
    assert client_ip(_request()) == "10.0.0.1"
    assert client_ip(_request(forwarded="1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request(forwarded="1.2.3.4, 203.0.113.9, 35.1.1.1"), hops=1) == "203.0.113.9"
    assert client_ip(_request(forwarded="203.0.113.9"), hops=3) == "203.0.113.9"
    assert client_ip(_request(forwarded="2001:db8:1:2:3::4")) == "2001:db8:1:2::/64"
    assert client_ip(_request(forwarded="not-an-ip")) == "not-an-ip"


TIMES = st.lists(st.floats(0, 120, allow_nan=False), max_size=80).map(sorted)


@given(TIMES, st.integers(1, 30), st.integers(1, 10))
def test_no_window_lets_through_more_than_the_burst_plus_the_rate(
    times: list[float], per_minute: int, burst: int
) -> None:
    rule, tat, allowed = RateRule(per_minute=per_minute, burst=burst), None, []
    for now in times:
        new_tat, decision = take(tat, now, rule)
        if decision.allowed:
            tat = new_tat
            allowed.append(now)
        else:
            assert decision.retry_after > 0
    for i, start in enumerate(allowed):
        for span in (1.0, 10.0, 60.0):
            inside = [t for t in allowed[i:] if t < start + span]
            assert len(inside) <= burst + span / rule.interval + 1e-9


def test_an_idle_bucket_is_full_and_the_first_request_always_passes() -> None:
    rule = RateRule(per_minute=60, burst=3)
    tat, first = take(None, 1000.0, rule)
    assert first.allowed and first.remaining == 2 and tat == 1001.0
    assert take(500.0, 1000.0, rule)[1].remaining == 2
    assert timedelta(seconds=rule.window) == timedelta(seconds=3)
