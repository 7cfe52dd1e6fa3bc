"""Request rate limits as a token bucket kept in one number (GCRA, the generic cell rate
algorithm): `per_minute` requests a minute on average, up to `burst` at once.

The state of a bucket is its theoretical arrival time (TAT): the instant at which it would
be full again. A request is allowed when, after adding one request's worth of time
(60 / per_minute s), the TAT is at most `burst` requests' worth ahead of now. This is a
sliding window with no boundary effects, and a refused request changes nothing, so a
client hammering the API costs reads, not writes.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field


class RateRule(BaseModel):
    model_config = ConfigDict(frozen=True)

    per_minute: float = Field(gt=0)
    burst: int = Field(ge=1)

    @property
    def interval(self) -> float:
        """Seconds one request costs."""
        return 60.0 / self.per_minute

    @property
    def window(self) -> float:
        """Seconds of requests the bucket holds: an idle bucket is full after this long."""
        return self.interval * self.burst


class RateDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    allowed: bool
    limit: int  # the burst: requests that may arrive at once
    remaining: int  # requests that could arrive right now after this one
    retry_after: float  # seconds until a refused request would be allowed (0 if allowed)
    reset_after: float  # seconds until the bucket is full again


def take(tat: float | None, now: float, rule: RateRule) -> tuple[float, RateDecision]:
    """Spend one request from the bucket whose TAT is `tat` (None: never used) at `now`
    (seconds since the epoch): (the TAT to store if allowed, the decision)."""
    start = now if tat is None else max(tat, now)
    new_tat = start + rule.interval
    ahead = new_tat - now
    if ahead > rule.window + 1e-9:
        retry = ahead - rule.window
        held = max(start - now, 0.0)
        return start, RateDecision(
            allowed=False, limit=rule.burst, remaining=0, retry_after=retry, reset_after=held
        )
    room = math.floor((rule.window - ahead) / rule.interval + 1e-9)
    return new_tat, RateDecision(
        allowed=True, limit=rule.burst, remaining=room, retry_after=0.0, reset_after=ahead
    )
