"""A user's tier and this month's usage against its limits."""

from __future__ import annotations

from datetime import UTC

from pydantic import BaseModel

from klair.domain.ids import UserId
from klair.domain.periods import period_at, period_bounds, period_of
from klair.handlers.deps import Deps
from klair.handlers.steps.metering import tier_of
from klair.handlers.steps.views import Timestamp


class TierLimits(BaseModel):
    monthly_minutes: float
    max_source_minutes: float
    max_concurrent_jobs: int
    requests_per_minute: int
    burst: int
    export_variants: tuple[str, ...]


class UsageView(BaseModel):
    user_id: UserId
    tier: str
    limits: TierLimits
    period: str
    period_start: Timestamp
    resets_at: Timestamp
    minutes_used: float
    minutes_reserved: float
    minutes_remaining: float
    jobs: int


def user_usage(deps: Deps, owner: UserId) -> UsageView:
    tier = tier_of(deps, owner)
    now = deps.clock.now().astimezone(UTC)
    start, end = period_bounds(period_at(now))
    usage = deps.usage.usage(owner, period_of(now.year, now.month))
    remaining = tier.monthly_minutes - usage.minutes_used - usage.minutes_reserved
    return UsageView(
        user_id=owner,
        tier=tier.name,
        limits=TierLimits.model_validate(tier.model_dump()),
        period=usage.period,
        period_start=start,
        resets_at=end,
        minutes_used=usage.minutes_used,
        minutes_reserved=usage.minutes_reserved,
        minutes_remaining=round(max(remaining, 0.0), 3),
        jobs=usage.jobs,
    )
