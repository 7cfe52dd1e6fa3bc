"""Null objects for the optional ports: what a mode without the feature wires, so use cases
never test for None. No rate limits (embedded, tests) let every request through; no usage
books to erase (embedded) erase nothing."""

from __future__ import annotations

from datetime import datetime

from klair.domain.ids import UserId
from klair.domain.rate_limit import RateDecision, RateRule


class NoRateLimits:
    """`RateLimiter` that allows every request (the embedded mode has one user)."""

    def hit(self, key: str, rule: RateRule, now: datetime) -> RateDecision:
        return RateDecision(
            allowed=True, limit=rule.burst, remaining=rule.burst, retry_after=0.0,
            reset_after=0.0,
        )  # fmt: skip


class NoUsageBooks:
    """`UsageEraser` where usage lives only as long as the process (nothing to forget)."""

    def erase_usage(self, owner: UserId) -> int:
        return 0
