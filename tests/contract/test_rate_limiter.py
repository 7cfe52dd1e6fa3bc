"""RateLimiter contract on the fake and the Firestore emulator, with a clock the test holds:
a burst, then the sustained rate; refusals say when to retry and cost nothing; buckets are
independent and shared by every caller."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from klair.adapters.firestore.rate_limit import FirestoreRateLimiter
from klair.adapters.memory.rate_limit import MemoryRateLimiter
from klair.domain.rate_limit import RateRule

Limiter = MemoryRateLimiter | FirestoreRateLimiter
RULE = RateRule(per_minute=60, burst=5)  # one a second, five at once
T0 = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.emulator)])
def limiter(request: pytest.FixtureRequest) -> Iterator[Limiter]:
    if request.param == "memory":
        yield MemoryRateLimiter()
        return
    yield FirestoreRateLimiter(request.getfixturevalue("firestore_client"))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_fresh_bucket_allows_the_burst_then_refuses(limiter: Limiter) -> None:
    decisions = [limiter.hit("user:a", RULE, T0) for _ in range(6)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False]
    assert [d.remaining for d in decisions[:5]] == [4, 3, 2, 1, 0]
    refused = decisions[-1]
    assert refused.retry_after == pytest.approx(1.0) and refused.limit == 5


def test_the_bucket_refills_at_the_sustained_rate(limiter: Limiter) -> None:
    for _ in range(5):
        limiter.hit("user:a", RULE, T0)
    assert not limiter.hit("user:a", RULE, at(0.5)).allowed
    half = limiter.hit("user:a", RULE, at(0.5))
    assert half.retry_after == pytest.approx(0.5)
    assert limiter.hit("user:a", RULE, at(1.0)).allowed
    assert not limiter.hit("user:a", RULE, at(1.0)).allowed
    rested = [limiter.hit("user:a", RULE, at(60)).allowed for _ in range(6)]
    assert rested == [True] * 5 + [False]  # an idle bucket is full again, never fuller


def test_refusals_are_not_counted(limiter: Limiter) -> None:
    for _ in range(5):
        limiter.hit("user:a", RULE, T0)
    for _ in range(20):  # hammering while refused does not push the next chance back
        assert not limiter.hit("user:a", RULE, at(0.2)).allowed
    assert limiter.hit("user:a", RULE, at(1.0)).allowed


def test_buckets_are_independent(limiter: Limiter) -> None:
    for _ in range(5):
        limiter.hit("user:a", RULE, T0)
    assert limiter.hit("user:b", RULE, T0).allowed
    assert limiter.hit("ip:203.0.113.7", RULE, T0).allowed
    assert not limiter.hit("user:a", RULE, T0).allowed


def test_each_key_follows_the_rule_it_is_hit_with(limiter: Limiter) -> None:
    slow = RateRule(per_minute=6, burst=1)  # one every 10 s
    assert limiter.hit("user:slow", slow, T0).allowed
    refused = limiter.hit("user:slow", slow, at(4))
    assert not refused.allowed and refused.retry_after == pytest.approx(6)


def test_concurrent_hits_are_each_counted_once(limiter: Limiter) -> None:
    threads, rule = 12, RateRule(per_minute=1, burst=4)
    barrier = threading.Barrier(threads)

    def hit(_: int) -> bool:
        barrier.wait()
        return limiter.hit("user:busy", rule, T0).allowed

    with ThreadPoolExecutor(max_workers=threads) as pool:
        allowed = sum(pool.map(hit, range(threads)))
    assert allowed == 4
