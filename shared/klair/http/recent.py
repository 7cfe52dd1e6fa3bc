"""The HTTP edge's bounded per-instance memory of recent reads (verified tokens in `auth`,
users' state in `active_users`): what an instance read at most `ttl` seconds ago is reused
instead of read again. Cleared whole when full (instances see few keys at once; a clear
costs one read per key).

It lives in `http`, its only users: handlers and adapters may not import `http`, and `http`
does not lean on adapters. The store's reads that status polls repeat are kept by their
own adapter (`adapters/cached_reads`), with their own rules."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Generic, TypeVar

import structlog

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
log = structlog.get_logger(__name__)


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


class Refreshed(Recent[K, V]):
    """A `Recent` that re-reads in the background: once a value is past its key's refresh
    point (between half its `ttl` and its `ttl`, spread by key so that keys first read
    together are not re-read together), it is still served while one background read
    replaces it, so a key polled steadily never waits on its read again. A value as old as
    `ttl` is never served: it is read on the spot, as is one the background failed to
    replace (that read then raises)."""

    def __init__(
        self,
        entries: int,
        clock: Callable[[], float] = time.monotonic,
        background: Executor | None = None,
    ) -> None:
        super().__init__(entries, clock)
        self._background = background or _REFRESHERS
        self._refreshing: set[K] = set()

    def fetch(self, key: K, ttl: float, load: Callable[[], V]) -> V:
        with self._lock:
            found = self._seen.get(key)
        if found is None or (age := self._clock() - found[0]) >= ttl:
            return self.put(key, load())
        if age >= ttl * (0.5 + (hash(key) % 1024) / 2048):
            self._refresh(key, load)
        return found[1]

    def _refresh(self, key: K, load: Callable[[], V]) -> None:
        with self._lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def run() -> None:
            try:
                self.put(key, load())
            except Exception:  # the read on the spot, later, reports it
                log.warning("background re-read failed", key=str(key), exc_info=True)
            finally:
                with self._lock:
                    self._refreshing.discard(key)

        self._background.submit(run)


# Shared by every `Refreshed`: re-reads are short and few (one per key per ttl).
_REFRESHERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="klair-refresh")
