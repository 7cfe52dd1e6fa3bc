"""A user's quota: minutes per UTC calendar month and jobs in flight at once. The arithmetic
here is what every UsageLedger applies inside its atomic step; it does no I/O."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from klair.domain.errors import InvalidInput, QuotaExceeded
from klair.domain.periods import period_bounds, rfc3339
from klair.domain.tiers import Tier

# Minutes are stored rounded so that reserve-then-release returns exactly to zero.
PRECISION = 6


TOLERANCE = 1e-9


class Usage(BaseModel):
    """One user's totals for one period: minutes settled, minutes held, jobs admitted."""

    period: str
    minutes_reserved: float = 0.0
    minutes_used: float = 0.0
    jobs: int = 0


class Quota(BaseModel):
    """What admission checks a new job against, in the period it is admitted in."""

    model_config = ConfigDict(frozen=True)

    period: str
    monthly_minutes: float = Field(ge=0)
    max_concurrent_jobs: int = Field(ge=0)

    @classmethod
    def of(cls, tier: Tier, period: str) -> Quota:
        return cls(
            period=period,
            monthly_minutes=tier.monthly_minutes,
            max_concurrent_jobs=tier.max_concurrent_jobs,
        )


def minutes_of(seconds: float) -> float:
    """Billable minutes of a source lasting `seconds`."""
    return round(max(seconds, 0.0) / 60.0, 3)


def _minutes(value: float) -> float:
    return round(max(value, 0.0), PRECISION)


def remaining(usage: Usage, limit: float) -> float:
    return _minutes(limit - usage.minutes_used - usage.minutes_reserved)


Reason = Literal["monthly_minutes", "concurrent_jobs"]


def refusal(message: str, reason: Reason, period: str, **details: Any) -> QuotaExceeded:
    """402 `quota_exceeded`; `reason` says which limit, `resets_at` when minutes come back."""
    resets = rfc3339(period_bounds(period)[1])
    return QuotaExceeded(message, reason=reason, period=period, resets_at=resets, **details)


def _over_minutes(usage: Usage, minutes: float, limit: float) -> QuotaExceeded:
    return refusal(
        f"{minutes:g} more minutes would exceed the monthly limit of {limit:g}"
        if minutes
        else f"the monthly limit of {limit:g} minutes is used up",
        "monthly_minutes",
        usage.period,
        limit=limit,
        used=usage.minutes_used,
        reserved=usage.minutes_reserved,
        requested=minutes,
    )


def with_reservation(usage: Usage, minutes: float, limit: float) -> Usage:
    """`usage` with a new job holding `minutes`; raises `QuotaExceeded` past `limit`."""
    if minutes < 0:
        raise InvalidInput("minutes to reserve must not be negative", minutes=minutes)
    if usage.minutes_used + usage.minutes_reserved + minutes > limit + TOLERANCE:
        raise _over_minutes(usage, minutes, limit)
    return usage.model_copy(
        update={
            "minutes_reserved": _minutes(usage.minutes_reserved + minutes),
            "jobs": usage.jobs + 1,
        }
    )


def with_admission(usage: Usage, active: int, minutes: float, quota: Quota) -> Usage:
    """`usage` with a new job admitted while `active` jobs of the user are in flight.

    A job whose length is not known yet (`minutes` 0) needs some minutes left; one whose
    length is known needs all of them. Raises `QuotaExceeded` (402).
    """
    if active >= quota.max_concurrent_jobs:
        raise refusal(
            f"{active} jobs are already in flight; the plan runs {quota.max_concurrent_jobs} "
            "at a time",
            "concurrent_jobs",
            quota.period,
            limit=quota.max_concurrent_jobs,
            active_jobs=active,
        )
    if minutes <= 0 and remaining(usage, quota.monthly_minutes) <= TOLERANCE:
        raise _over_minutes(usage, 0.0, quota.monthly_minutes)
    return with_reservation(usage, minutes, quota.monthly_minutes)


def with_admissions(usage: Usage, active: int, minutes: list[float], quota: Quota) -> Usage:
    """`usage` with every job of a batch admitted, judged as one: a slot for each and the
    sum of their known minutes (some left when a length is unknown). Raises `QuotaExceeded`
    for the whole batch, never for a part of it."""
    if active + len(minutes) > quota.max_concurrent_jobs:
        raise refusal(
            f"{len(minutes)} more jobs with {active} in flight exceed the plan's "
            f"{quota.max_concurrent_jobs} at a time",
            "concurrent_jobs",
            quota.period,
            limit=quota.max_concurrent_jobs,
            active_jobs=active,
            requested_jobs=len(minutes),
        )
    for each in minutes:
        usage = with_admission(usage, 0, each, quota)
    return usage


def with_adjustment(usage: Usage, held: float, minutes: float, limit: float) -> Usage:
    """`usage` with a job's hold of `held` minutes changed to `minutes`: shrinking always
    succeeds, growing raises `QuotaExceeded` when the extra would pass `limit`."""
    if minutes < 0:
        raise InvalidInput("minutes to reserve must not be negative", minutes=minutes)
    extra = minutes - held
    if extra > TOLERANCE and (
        usage.minutes_used + usage.minutes_reserved + extra > limit + TOLERANCE
    ):
        raise _over_minutes(usage, _minutes(extra), limit)
    reserved = usage.minutes_reserved + extra
    return usage.model_copy(update={"minutes_reserved": _minutes(reserved)})


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


class ReservationState(StrEnum):
    RESERVED = "reserved"
    COMMITTED = "committed"
    REFUNDED = "refunded"
