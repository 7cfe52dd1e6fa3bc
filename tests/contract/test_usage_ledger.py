"""UsageLedger contract: reserve, commit and refund exactly once, never over the limit
(admission and holds that grow or shrink: test_usage_admission.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from klair.adapters.firestore.usage import FirestoreUsageLedger
from klair.adapters.memory.usage import MemoryUsageLedger
from klair.domain.errors import QuotaExceeded
from klair.domain.ids import JobId, UserId
from klair.domain.quota import Quota, Usage

Ledger = MemoryUsageLedger | FirestoreUsageLedger
ALICE = UserId("user_alice")
BOB = UserId("user_bob")
MARCH = "2025-03"
APRIL = "2025-04"


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.emulator)])
def ledger(request: pytest.FixtureRequest) -> Iterator[Ledger]:
    if request.param == "memory":
        yield MemoryUsageLedger()
        return
    client = request.getfixturevalue("firestore_client")
    yield FirestoreUsageLedger(client)


def job(n: int) -> JobId:
    return JobId(f"job_{n:04d}")


def test_unused_period_is_empty(ledger: Ledger) -> None:
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH)


def test_reserve_holds_minutes_and_counts_the_job(ledger: Ledger) -> None:
    after = ledger.reserve(ALICE, job(1), 12.5, limit=60, period=MARCH)
    assert after == Usage(period=MARCH, minutes_reserved=12.5, jobs=1)
    assert ledger.usage(ALICE, MARCH) == after


def test_reserve_up_to_the_limit_is_allowed(ledger: Ledger) -> None:
    ledger.reserve(ALICE, job(1), 0.1, limit=0.3, period=MARCH)
    ledger.reserve(ALICE, job(2), 0.2, limit=0.3, period=MARCH)
    assert ledger.usage(ALICE, MARCH).minutes_reserved == pytest.approx(0.3)


def test_reserve_past_the_limit_is_refused_with_details(ledger: Ledger) -> None:
    ledger.reserve(ALICE, job(1), 40, limit=60, period=MARCH)
    ledger.commit(ALICE, job(1), 35)
    ledger.reserve(ALICE, job(2), 20, limit=60, period=MARCH)
    with pytest.raises(QuotaExceeded) as raised:
        ledger.reserve(ALICE, job(3), 6, limit=60, period=MARCH)
    assert raised.value.status == 402 and raised.value.code == "quota_exceeded"
    assert raised.value.details == {
        "reason": "monthly_minutes",
        "period": MARCH,
        "resets_at": "2025-04-01T00:00:00.000Z",
        "limit": 60,
        "used": 35,
        "reserved": 20,
        "requested": 6,
    }
    assert ledger.usage(ALICE, MARCH) == Usage(
        period=MARCH, minutes_reserved=20, minutes_used=35, jobs=2
    )


def test_reserve_is_idempotent_per_job(ledger: Ledger) -> None:
    first = ledger.reserve(ALICE, job(1), 30, limit=60, period=MARCH)
    again = ledger.reserve(ALICE, job(1), 30, limit=60, period=MARCH)
    assert again == first == ledger.usage(ALICE, MARCH)


def test_users_and_periods_are_separate(ledger: Ledger) -> None:
    ledger.reserve(ALICE, job(1), 60, limit=60, period=MARCH)
    ledger.reserve(ALICE, job(2), 60, limit=60, period=APRIL)
    ledger.reserve(BOB, job(3), 60, limit=60, period=MARCH)
    assert ledger.usage(BOB, MARCH) == Usage(period=MARCH, minutes_reserved=60, jobs=1)
    assert ledger.usage(ALICE, APRIL) == Usage(period=APRIL, minutes_reserved=60, jobs=1)


def test_commit_turns_the_reservation_into_used_minutes_once(ledger: Ledger) -> None:
    ledger.reserve(ALICE, job(1), 30, limit=60, period=MARCH)
    assert ledger.commit(ALICE, job(1), 27.5) is True
    assert ledger.commit(ALICE, job(1), 27.5) is False
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH, minutes_used=27.5, jobs=1)


def test_refund_releases_the_reservation_once(ledger: Ledger) -> None:
    ledger.reserve(ALICE, job(1), 30, limit=60, period=MARCH)
    assert ledger.refund(ALICE, job(1)) is True
    assert ledger.refund(ALICE, job(1)) is False
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH, jobs=1)
    ledger.reserve(ALICE, job(2), 60, limit=60, period=MARCH)


def test_no_refund_after_commit_and_no_commit_after_refund(ledger: Ledger) -> None:
    ledger.reserve(ALICE, job(1), 10, limit=60, period=MARCH)
    ledger.reserve(ALICE, job(2), 10, limit=60, period=MARCH)
    ledger.commit(ALICE, job(1), 10)
    ledger.refund(ALICE, job(2))
    assert ledger.refund(ALICE, job(1)) is False
    assert ledger.commit(ALICE, job(2), 10) is False
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH, minutes_used=10, jobs=2)


def test_commit_or_refund_without_a_reservation_changes_nothing(ledger: Ledger) -> None:
    ledger.reserve(ALICE, job(1), 10, limit=60, period=MARCH)
    assert ledger.commit(ALICE, job(2), 10) is False
    assert ledger.refund(ALICE, job(3)) is False
    assert ledger.commit(BOB, job(1), 10) is False
    assert ledger.refund(BOB, job(1)) is False
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH, minutes_reserved=10, jobs=1)


def test_concurrent_reserves_never_go_over_the_limit(ledger: Ledger) -> None:
    threads = 20
    barrier = threading.Barrier(threads)

    def reserve(i: int) -> bool:
        barrier.wait()
        try:
            ledger.reserve(ALICE, job(i), 3, limit=30, period=MARCH)
        except QuotaExceeded:
            return False
        return True

    with ThreadPoolExecutor(max_workers=threads) as pool:
        admitted = sum(pool.map(reserve, range(threads)))
    assert admitted == 10
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH, minutes_reserved=30, jobs=10)


def test_concurrent_commit_and_refund_settle_exactly_once(ledger: Ledger) -> None:
    ledger.reserve(ALICE, job(1), 10, limit=60, period=MARCH)
    barrier = threading.Barrier(8)

    def settle(i: int) -> bool:
        barrier.wait()
        return ledger.commit(ALICE, job(1), 9) if i % 2 else ledger.refund(ALICE, job(1))

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(settle, range(8)))
    assert results.count(True) == 1
    usage = ledger.usage(ALICE, MARCH)
    assert usage.minutes_reserved == 0
    assert usage.minutes_used in (0, 9)


MINUTES = st.floats(0, 40).map(lambda m: round(m, 2))


class LedgerMachine(RuleBasedStateMachine):
    """Random admit/reserve/commit/refund sequences on the fake keep the books balanced and
    never pass the minutes or the concurrency limit."""

    QUOTA = Quota(period=MARCH, monthly_minutes=100.0, max_concurrent_jobs=4)

    def __init__(self) -> None:
        super().__init__()
        self.ledger = MemoryUsageLedger()
        self.held: dict[JobId, float] = {}
        self.used = 0.0
        self.settled: set[JobId] = set()

    def _total(self) -> float:
        return self.used + sum(self.held.values())

    @rule(n=st.integers(0, 15), minutes=MINUTES)
    def admit(self, n: int, minutes: float) -> None:
        known = job(n) in self.held or job(n) in self.settled
        limit = self.QUOTA.monthly_minutes
        full = len(self.held) >= self.QUOTA.max_concurrent_jobs
        over = self._total() + minutes > limit + 1e-6 or (not minutes and self._total() >= limit)
        try:
            self.ledger.admit(ALICE, job(n), minutes, self.QUOTA)
        except QuotaExceeded:
            assert not known and (full or over)
            return
        if not known:
            assert not (full or over)
            self.held[job(n)] = minutes

    @rule(n=st.integers(0, 15), minutes=MINUTES)
    def reserve(self, n: int, minutes: float) -> None:
        before = self.held.get(job(n), 0.0)
        settled = job(n) in self.settled
        grows = minutes - before
        try:
            self.ledger.reserve(ALICE, job(n), minutes, self.QUOTA.monthly_minutes, MARCH)
        except QuotaExceeded:
            # refused only when the books after it would pass the limit (a user already over
            # it after committing more than was held cannot open even a 0-minute hold)
            assert not settled
            assert self._total() + grows > self.QUOTA.monthly_minutes - 1e-6
            return
        if not settled:
            assert self._total() + grows <= self.QUOTA.monthly_minutes + 1e-6 or grows <= 0
            self.held[job(n)] = minutes

    @rule(n=st.integers(0, 15), minutes=MINUTES)
    def commit(self, n: int, minutes: float) -> None:
        assert self.ledger.commit(ALICE, job(n), minutes) is (job(n) in self.held)
        if self.held.pop(job(n), None) is not None:
            self.used += minutes
            self.settled.add(job(n))

    @rule(n=st.integers(0, 15))
    def refund(self, n: int) -> None:
        assert self.ledger.refund(ALICE, job(n)) is (job(n) in self.held)
        if self.held.pop(job(n), None) is not None:
            self.settled.add(job(n))

    @invariant()
    def books_balance(self) -> None:
        usage = self.ledger.usage(ALICE, MARCH)
        assert usage.minutes_reserved == pytest.approx(sum(self.held.values()), abs=1e-5)
        assert usage.minutes_used == pytest.approx(self.used, abs=1e-5)
        assert usage.jobs == len(self.held) + len(self.settled)
        assert self.ledger.active_jobs(ALICE) == len(self.held)


LedgerMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
test_memory_ledger_keeps_the_books = LedgerMachine.TestCase
