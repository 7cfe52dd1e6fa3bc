"""A deterministic clock for the contract suites."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

START = datetime(2025, 3, 1, 12, 0, 0, 250000, tzinfo=UTC)


class StepClock:
    """Each reading is one second after the previous one."""

    def __init__(self) -> None:
        self._now = START
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=1)
            return self._now
