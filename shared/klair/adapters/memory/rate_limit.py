"""In-memory RateLimiter: the buckets of one process (tests, embedded mode)."""

from __future__ import annotations

import threading
from datetime import datetime

from klair.domain.rate_limit import RateDecision, RateRule, take


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tats: dict[str, float] = {}

    def hit(self, key: str, rule: RateRule, now: datetime) -> RateDecision:
        with self._lock:
            tat, decision = take(self._tats.get(key), now.timestamp(), rule)
            if decision.allowed:
                self._tats[key] = tat
            return decision
