"""A bounded per-instance memory of recent reads: what an instance read at most `ttl`
seconds ago is reused instead of read again. Cleared whole when full (instances see few
keys at once; a clear costs one read per key)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    def __init__(self, entries: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries = entries
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[K, tuple[float, V]] = {}

    def get(self, key: K, ttl: float) -> V | None:
        """The value put for `key` less than `ttl` seconds ago, else None."""
        with self._lock:
            found = self._seen.get(key)
        if found is None or self._clock() - found[0] >= ttl:
            return None
        return found[1]

    def put(self, key: K, value: V) -> V:
        with self._lock:
            if len(self._seen) >= self._entries:
                self._seen.clear()
            self._seen[key] = (self._clock(), value)
        return value
