"""In-memory UsageLedger: the same books as the Firestore one, behind one lock."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from klair.domain.ids import JobId, UserId
from klair.domain.quota import (
    Quota,
    ReservationState,
    Usage,
    with_adjustment,
    with_admission,
    with_admissions,
    with_commit,
    with_refund,
    with_reservation,
)

__all__ = ["MemoryUsageLedger", "ReservationState"]


@dataclass
class _Reservation:
    owner: UserId
    period: str
    minutes: float
    state: ReservationState = ReservationState.RESERVED


class MemoryUsageLedger:
    """Usage per (owner, period) and one reservation per job; a reservation still in the
    `reserved` state is a job in flight (it holds one of the owner's slots)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._usage: dict[tuple[UserId, str], Usage] = {}
        self._reservations: dict[JobId, _Reservation] = {}

    def _get(self, owner: UserId, period: str) -> Usage:
        return self._usage.get((owner, period)) or Usage(period=period)

    def _active(self, owner: UserId) -> int:
        return sum(
            1
            for r in self._reservations.values()
            if r.owner == owner and r.state is ReservationState.RESERVED
        )

    def admit(self, owner: UserId, job_id: JobId, minutes: float, quota: Quota) -> Usage:
        with self._lock:
            existing = self._reservations.get(job_id)
            if existing is not None:
                return self._get(existing.owner, existing.period)
            usage = with_admission(
                self._get(owner, quota.period), self._active(owner), minutes, quota
            )
            self._usage[owner, quota.period] = usage
            self._reservations[job_id] = _Reservation(owner, quota.period, minutes)
            return usage

    def admit_all(self, owner: UserId, jobs: Sequence[tuple[JobId, float]], quota: Quota) -> Usage:
        with self._lock:
            new = [(job, minutes) for job, minutes in jobs if job not in self._reservations]
            if not new:
                return self._get(owner, quota.period)
            usage = with_admissions(
                self._get(owner, quota.period), self._active(owner), [m for _, m in new], quota
            )
            self._usage[owner, quota.period] = usage
            for job, minutes in new:
                self._reservations[job] = _Reservation(owner, quota.period, minutes)
            return usage

    def reserve(
        self, owner: UserId, job_id: JobId, minutes: float, limit: float, period: str
    ) -> Usage:
        with self._lock:
            held = self._reservations.get(job_id)
            if held is None:
                usage = with_reservation(self._get(owner, period), minutes, limit)
                self._reservations[job_id] = _Reservation(owner, period, minutes)
            elif held.owner != owner or held.state is not ReservationState.RESERVED:
                return self._get(held.owner, held.period)
            else:
                usage = with_adjustment(self._get(owner, held.period), held.minutes, minutes, limit)
                held.minutes = minutes
            self._usage[owner, usage.period] = usage
            return usage

    def commit(self, owner: UserId, job_id: JobId, minutes: float) -> bool:
        with self._lock:
            held = self._held(owner, job_id)
            if held is None:
                return False
            usage = with_commit(self._get(owner, held.period), held.minutes, minutes)
            held.state = ReservationState.COMMITTED
            self._usage[owner, held.period] = usage
            return True

    def refund(self, owner: UserId, job_id: JobId) -> bool:
        with self._lock:
            held = self._held(owner, job_id)
            if held is None:
                return False
            held.state = ReservationState.REFUNDED
            self._usage[owner, held.period] = with_refund(
                self._get(owner, held.period), held.minutes
            )
            return True

    def usage(self, owner: UserId, period: str) -> Usage:
        with self._lock:
            return self._get(owner, period).model_copy()

    def active_jobs(self, owner: UserId) -> int:
        with self._lock:
            return self._active(owner)

    def erase_usage(self, owner: UserId) -> int:
        """`UsageEraser`: forget the owner's months and reservations (a deleted user)."""
        with self._lock:
            months = [key for key in self._usage if key[0] == owner]
            jobs = [job for job, r in self._reservations.items() if r.owner == owner]
            for key in months:
                del self._usage[key]
            for job in jobs:
                del self._reservations[job]
            return len(months) + len(jobs)

    def _held(self, owner: UserId, job_id: JobId) -> _Reservation | None:
        """The job's reservation if it is still held by `owner`."""
        found = self._reservations.get(job_id)
        if found is None or found.owner != owner or found.state != ReservationState.RESERVED:
            return None
        return found
