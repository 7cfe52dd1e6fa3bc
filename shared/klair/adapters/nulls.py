"""Null objects for the optional ports: what a mode without the feature wires, so use cases
never test for None. No rate limits (embedded, tests) let every request through; no usage
books to erase (embedded) erase nothing; no Sieve refuses every call."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from klair.domain.errors import Transient
from klair.domain.ids import UserId
from klair.domain.rate_limit import RateDecision, RateRule
from klair.ports.reframe import ReframeJob


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


class NoReframer:
    """`Reframer` where Sieve is not configured: nothing is ever sent to it (selection and
    exports check `Settings.sieve_configured` first), and a call that slips through is a
    retryable configuration error, never a silent success."""

    def submit(self, video_url: str, aspect: str, callback_url: str) -> ReframeJob:
        raise _unconfigured()

    def job(self, job_id: str) -> ReframeJob:
        raise _unconfigured()

    def download(self, job: ReframeJob, dest: Path) -> Path:
        raise _unconfigured()


def _unconfigured() -> Transient:
    return Transient("Sieve is not configured", code="sieve_not_configured")
