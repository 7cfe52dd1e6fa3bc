"""UsageLedger contract, admission: a job takes a concurrency slot (and the minutes known) in
one atomic step, its hold then grows or shrinks to the source's minutes, and settling frees
the slot. Run on the fake and on the Firestore emulator."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from klair.domain.errors import QuotaExceeded
from klair.domain.quota import Quota, Usage
from tests.contract.test_usage_ledger import ALICE, APRIL, BOB, MARCH, Ledger, job, ledger

__all__ = ["ledger"]

QUOTA = Quota(period=MARCH, monthly_minutes=60, max_concurrent_jobs=2)


def test_admission_holds_a_slot_and_the_known_minutes(ledger: Ledger) -> None:
    assert ledger.admit(ALICE, job(1), 0, QUOTA) == Usage(period=MARCH, jobs=1)
    after = ledger.admit(ALICE, job(2), 12.5, QUOTA)
    assert after == Usage(period=MARCH, minutes_reserved=12.5, jobs=2)
    assert (ledger.active_jobs(ALICE), ledger.active_jobs(BOB)) == (2, 0)


def test_a_full_plan_refuses_with_the_concurrency_details(ledger: Ledger) -> None:
    ledger.admit(ALICE, job(1), 0, QUOTA)
    ledger.admit(ALICE, job(2), 0, QUOTA)
    with pytest.raises(QuotaExceeded) as refused:
        ledger.admit(ALICE, job(3), 0, QUOTA)
    assert refused.value.status == 402 and refused.value.code == "quota_exceeded"
    assert refused.value.details == {
        "reason": "concurrent_jobs",
        "period": MARCH,
        "resets_at": "2025-04-01T00:00:00.000Z",
        "limit": 2,
        "active_jobs": 2,
    }
    ledger.admit(BOB, job(4), 0, QUOTA)  # slots are per user


def test_settling_a_job_frees_its_slot(ledger: Ledger) -> None:
    ledger.admit(ALICE, job(1), 0, QUOTA)
    ledger.admit(ALICE, job(2), 0, QUOTA)
    assert ledger.refund(ALICE, job(1)) is True
    ledger.admit(ALICE, job(3), 0, QUOTA)
    assert ledger.commit(ALICE, job(2), 1.5) is True
    ledger.admit(ALICE, job(4), 0, QUOTA)
    assert ledger.active_jobs(ALICE) == 2
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH, minutes_used=1.5, jobs=4)


def test_admission_needs_minutes_left(ledger: Ledger) -> None:
    quota = QUOTA.model_copy(update={"max_concurrent_jobs": 10})
    ledger.admit(ALICE, job(1), 59.5, quota)
    with pytest.raises(QuotaExceeded) as known:
        ledger.admit(ALICE, job(2), 1, quota)
    assert known.value.details["reason"] == "monthly_minutes"
    ledger.admit(ALICE, job(3), 0, quota)  # unknown length, half a minute left: admitted
    ledger.reserve(ALICE, job(3), 0.5, 60, MARCH)
    with pytest.raises(QuotaExceeded) as none_left:
        ledger.admit(ALICE, job(4), 0, quota)
    assert none_left.value.details["requested"] == 0
    assert none_left.value.details["used"] + none_left.value.details["reserved"] == 60


def test_admission_is_idempotent_per_job_and_never_revives_a_settled_job(ledger: Ledger) -> None:
    first = ledger.admit(ALICE, job(1), 5, QUOTA)
    assert ledger.admit(ALICE, job(1), 5, QUOTA) == first
    ledger.refund(ALICE, job(1))
    ledger.admit(ALICE, job(1), 5, QUOTA)
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH, jobs=1)
    assert ledger.active_jobs(ALICE) == 0


def test_a_hold_grows_and_shrinks_to_the_source(ledger: Ledger) -> None:
    ledger.admit(ALICE, job(1), 0, QUOTA)
    ledger.admit(ALICE, job(2), 0, QUOTA)
    assert ledger.reserve(ALICE, job(1), 40, 60, MARCH).minutes_reserved == 40
    assert ledger.reserve(ALICE, job(1), 40, 60, MARCH).minutes_reserved == 40  # redelivery
    with pytest.raises(QuotaExceeded) as over:
        ledger.reserve(ALICE, job(2), 25, 60, MARCH)
    assert over.value.details["requested"] == 25 and over.value.details["reserved"] == 40
    assert ledger.reserve(ALICE, job(1), 38.5, 60, MARCH).minutes_reserved == 38.5
    ledger.reserve(ALICE, job(2), 21.5, 60, MARCH)
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH, minutes_reserved=60, jobs=2)


def test_a_settled_hold_is_never_changed_again(ledger: Ledger) -> None:
    ledger.admit(ALICE, job(1), 0, QUOTA)
    ledger.reserve(ALICE, job(1), 10, 60, MARCH)
    ledger.refund(ALICE, job(1))
    ledger.reserve(ALICE, job(1), 20, 60, MARCH)  # a late ingest of a cancelled job
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH, jobs=1)
    assert ledger.active_jobs(ALICE) == 0


def test_a_job_counts_in_the_month_it_was_admitted_in(ledger: Ledger) -> None:
    ledger.admit(ALICE, job(1), 0, QUOTA)
    ledger.reserve(ALICE, job(1), 10, 60, APRIL)  # ingested after the month turned
    ledger.commit(ALICE, job(1), 10)
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH, minutes_used=10, jobs=1)
    assert ledger.usage(ALICE, APRIL) == Usage(period=APRIL)


def test_concurrent_admissions_never_pass_the_concurrency_limit(ledger: Ledger) -> None:
    threads, quota = 16, Quota(period=MARCH, monthly_minutes=600, max_concurrent_jobs=5)
    barrier = threading.Barrier(threads)

    def admit(i: int) -> bool:
        barrier.wait()
        try:
            ledger.admit(ALICE, job(i), 1, quota)
        except QuotaExceeded:
            return False
        return True

    with ThreadPoolExecutor(max_workers=threads) as pool:
        admitted = sum(pool.map(admit, range(threads)))
    assert admitted == 5 == ledger.active_jobs(ALICE)
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH, minutes_reserved=5, jobs=5)
