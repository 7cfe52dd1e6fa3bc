"""Leases in front of the shared rate-limit buckets: fewer round trips, the same limits
across instances (two `Leases` on one bucket store stand for two API instances)."""

from __future__ import annotations

from klair.adapters.firestore.rate_limit import Leases, lease_cap, take_many
from klair.domain.rate_limit import RateDecision, RateRule

FAST = RateRule(per_minute=600, burst=20)  # ten a second: leases up to 10
SLOW = RateRule(per_minute=60, burst=5)  # one a second: never leases


class SharedBuckets:
    """The shared store (Firestore's role): one TAT per key, and a count of round trips."""

    def __init__(self) -> None:
        self.tats: dict[str, float] = {}
        self.trips = 0

    def take(self, key: str, rule: RateRule, now: float, count: int) -> list[RateDecision]:
        self.trips += 1
        tat, decisions = take_many(self.tats.get(key), now, rule, count)
        if decisions[0].allowed:
            self.tats[key] = tat
        return decisions


def test_the_largest_lease_is_one_second_of_the_sustained_rate() -> None:
    assert (lease_cap(FAST), lease_cap(SLOW), lease_cap(RateRule(per_minute=1, burst=4))) == (
        10,
        1,
        1,
    )


def test_instances_together_never_pass_more_than_the_burst_at_once() -> None:
    shared = SharedBuckets()
    instances = [Leases(shared.take), Leases(shared.take)]
    allowed = sum(instances[n % 2].hit("user:a", FAST, 100.0).allowed for n in range(200))
    assert allowed == FAST.burst


def test_a_busy_key_costs_far_fewer_round_trips_than_requests() -> None:
    shared = SharedBuckets()
    leases = Leases(shared.take)
    decisions = [leases.hit("user:a", FAST, 100.0 + n / 8) for n in range(80)]  # 8/s, 10 s
    assert all(d.allowed for d in decisions)
    assert shared.trips <= 25


def test_a_refusal_is_remembered_until_its_retry_after() -> None:
    shared = SharedBuckets()
    leases = Leases(shared.take)
    for _ in range(SLOW.burst):
        assert leases.hit("user:a", SLOW, 100.0).allowed
    first = leases.hit("user:a", SLOW, 100.0)
    trips = shared.trips
    later = leases.hit("user:a", SLOW, 100.4)
    assert not first.allowed and first.retry_after == 1.0
    assert not later.allowed and abs(later.retry_after - 0.6) < 1e-9 and shared.trips == trips
    assert leases.hit("user:a", SLOW, 101.0).allowed


def test_over_any_stretch_at_most_one_lease_period_more_than_the_rule_passes() -> None:
    shared = SharedBuckets()
    instances = [Leases(shared.take) for _ in range(3)]
    passed: list[float] = []
    for step in range(3000):  # 3 instances hammering every 2 ms for 6 s
        now = 100.0 + step * 0.002
        if instances[step % 3].hit("user:a", FAST, now).allowed:
            passed.append(now)
    rate = FAST.per_minute / 60
    for start in (100.0, 101.5, 103.0):
        for width in (0.5, 1.0, 2.0):
            inside = sum(start <= t < start + width for t in passed)
            assert inside <= FAST.burst + (width + 1.0) * rate


def test_a_new_rule_for_a_key_asks_the_shared_bucket_again() -> None:
    shared = SharedBuckets()
    leases = Leases(shared.take)
    for _ in range(SLOW.burst + 1):
        leases.hit("user:a", SLOW, 100.0)
    trips = shared.trips
    upgraded = RateRule(per_minute=60, burst=50)  # a plan change, not the remembered refusal
    assert leases.hit("user:a", upgraded, 100.0).allowed and shared.trips == trips + 1
