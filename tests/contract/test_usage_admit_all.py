"""UsageLedger contract, a batch's admission (`admit_all`): every job of the batch takes its
slot and minutes in one atomic step, or none does and the books are as they were. Run on
the fake and on the Firestore emulator."""

from __future__ import annotations

import pytest

from klair.domain.errors import QuotaExceeded
from klair.domain.quota import Quota, Usage
from tests.contract.test_job_store import race
from tests.contract.test_usage_ledger import ALICE, BOB, MARCH, Ledger, job, ledger

__all__ = ["ledger"]

QUOTA = Quota(period=MARCH, monthly_minutes=60, max_concurrent_jobs=4)


def test_every_job_is_admitted_with_its_minutes(ledger: Ledger) -> None:
    after = ledger.admit_all(ALICE, [(job(1), 0), (job(2), 10), (job(3), 2.5)], QUOTA)
    assert after == Usage(period=MARCH, minutes_reserved=12.5, jobs=3)
    assert ledger.usage(ALICE, MARCH) == after and ledger.active_jobs(ALICE) == 3
    assert ledger.refund(ALICE, job(2)) is True  # each is a job's own reservation
    assert ledger.usage(ALICE, MARCH).minutes_reserved == 2.5


def test_one_slot_too_many_refuses_all_and_writes_nothing(ledger: Ledger) -> None:
    ledger.admit(ALICE, job(1), 0, QUOTA)
    with pytest.raises(QuotaExceeded) as refused:
        ledger.admit_all(ALICE, [(job(n), 0) for n in range(2, 6)], QUOTA)
    assert refused.value.details["reason"] == "concurrent_jobs"
    assert refused.value.details["requested_jobs"] == 4
    assert ledger.active_jobs(ALICE) == 1
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH, jobs=1)
    assert ledger.refund(ALICE, job(2)) is False  # never admitted
    ledger.admit_all(ALICE, [(job(n), 0) for n in range(2, 5)], QUOTA)  # three fit


def test_minutes_are_judged_as_a_sum(ledger: Ledger) -> None:
    with pytest.raises(QuotaExceeded) as refused:
        ledger.admit_all(ALICE, [(job(1), 30), (job(2), 20), (job(3), 11)], QUOTA)
    assert refused.value.details["reason"] == "monthly_minutes"
    assert ledger.usage(ALICE, MARCH) == Usage(period=MARCH)
    assert ledger.active_jobs(ALICE) == 0


def test_jobs_already_admitted_are_not_counted_again(ledger: Ledger) -> None:
    ledger.admit(ALICE, job(1), 5, QUOTA)
    after = ledger.admit_all(ALICE, [(job(1), 5), (job(2), 5)], QUOTA)
    assert after == Usage(period=MARCH, minutes_reserved=10, jobs=2)
    assert ledger.admit_all(ALICE, [(job(1), 5), (job(2), 5)], QUOTA) == after
    assert ledger.active_jobs(ALICE) == 2


def test_concurrent_batches_never_pass_the_limit_together(ledger: Ledger) -> None:
    def submit(n: int) -> bool:
        try:
            ledger.admit_all(ALICE, [(job(10 * n + k), 0) for k in range(3)], QUOTA)
        except QuotaExceeded:
            return False
        return True

    assert sum(race(3, submit)) == 1
    assert ledger.active_jobs(ALICE) == 3 and ledger.usage(ALICE, MARCH).jobs == 3
    assert ledger.active_jobs(BOB) == 0
