"""In-memory UsageLedger, and the minute arithmetic every ledger shares."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum

from klair.domain.errors import InvalidInput, QuotaExceeded
from klair.domain.ids import JobId, UserId
from klair.ports import Usage

# Minutes are stored rounded so that reserve-then-release returns exactly to zero.
_PRECISION = 6
_TOLERANCE = 1e-9


class ReservationState(StrEnum):
    RESERVED = "reserved"
    COMMITTED = "committed"
    REFUNDED = "refunded"


def _minutes(value: float) -> float:
    return round(max(value, 0.0), _PRECISION)


def with_reservation(usage: Usage, minutes: float, limit: float) -> Usage:
    """`usage` with `minutes` more reserved; raises `QuotaExceeded` past `limit`."""
    if minutes < 0:
        raise InvalidInput("minutes to reserve must not be negative", minutes=minutes)
    if usage.minutes_used + usage.minutes_reserved + minutes > limit + _TOLERANCE:
        raise QuotaExceeded(
            f"{minutes:g} more minutes would exceed the monthly limit of {limit:g}",
            limit=limit,
            used=usage.minutes_used,
            reserved=usage.minutes_reserved,
            requested=minutes,
        )
    return usage.model_copy(
        update={
            "minutes_reserved": _minutes(usage.minutes_reserved + minutes),
            "jobs": usage.jobs + 1,
        }
    )


def with_commit(usage: Usage, reserved: float, used: float) -> Usage:
    """`usage` with a reservation of `reserved` minutes turned into `used` minutes."""
    if used < 0:
        raise InvalidInput("used minutes must not be negative", minutes=used)
    return usage.model_copy(
        update={
            "minutes_reserved": _minutes(usage.minutes_reserved - reserved),
            "minutes_used": _minutes(usage.minutes_used + used),
        }
    )


def with_refund(usage: Usage, reserved: float) -> Usage:
    """`usage` with a reservation of `reserved` minutes released."""
    return usage.model_copy(
        update={"minutes_reserved": _minutes(usage.minutes_reserved - reserved)}
    )


@dataclass
class _Reservation:
    owner: UserId
    period: str
    minutes: float
    state: ReservationState = ReservationState.RESERVED


class MemoryUsageLedger:
    """Usage per (owner, period) and one reservation per job, behind one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._usage: dict[tuple[UserId, str], Usage] = {}
        self._reservations: dict[JobId, _Reservation] = {}

    def _get(self, owner: UserId, period: str) -> Usage:
        return self._usage.get((owner, period)) or Usage(period=period)

    def reserve(
        self, owner: UserId, job_id: JobId, minutes: float, limit: float, period: str
    ) -> Usage:
        with self._lock:
            existing = self._reservations.get(job_id)
            if existing is not None:
                return self._get(existing.owner, existing.period)
            usage = with_reservation(self._get(owner, period), minutes, limit)
            self._usage[owner, period] = usage
            self._reservations[job_id] = _Reservation(owner, period, minutes)
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

    def _held(self, owner: UserId, job_id: JobId) -> _Reservation | None:
        """The job's reservation if it is still held by `owner`."""
        found = self._reservations.get(job_id)
        if found is None or found.owner != owner or found.state != ReservationState.RESERVED:
            return None
        return found
