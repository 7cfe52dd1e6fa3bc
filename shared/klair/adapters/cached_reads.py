"""`StatusReads` over a `JobStore`: the reads status polls repeat, kept per instance.

A decorator: it reads through the store it wraps and keeps what it read in this process
(thread-safe; one per `Deps`, wired by bootstrap in every mode):

- `get`: polls of one job that overlap share one read (`SingleFlight`); nothing is kept
  after it.
- `recently_completed` (the pace of finished jobs, which moves slowly): reused for
  `history_seconds`. An empty history (the priors stand in) is reused only by polls, for
  `empty_history_seconds`: any other caller (a submit) reads again, so the first finished
  job replaces the priors at once there and within seconds in polls.
- `queued_ahead`: one read of the first `snapshot` queued jobs' creation times per group of
  tiers, reused for `queue_seconds` by every job polled (positions of many jobs cost one
  query); a snapshot taken (by the store's clock) before the job was created is taken
  again. A job further back is counted, and its count kept for `queue_seconds`.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Collection, Hashable
from datetime import datetime

from klair.domain.ids import JobId
from klair.domain.job import Job
from klair.ports.jobs import Clock, JobStore

HISTORY_SECONDS = 30.0
EMPTY_HISTORY_SECONDS = 10.0
SNAPSHOT = 1_000  # queued jobs read at once; a job further back is counted
COUNTED_ENTRIES = 10_000  # counts kept at most (cleared whole when full)

Snapshot = tuple[float, datetime, list[datetime]]  # (monotonic, store time, creation times)
Counted = tuple[datetime, frozenset[str]]


class SingleFlight:
    """Calls with the same key that overlap share one run: the first caller reads, the
    others wait for its answer (or its error). Nothing is kept afterwards, so an answer is
    never older than a read that was still running when the call arrived."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[Hashable, tuple[threading.Event, list[Job | BaseException]]] = {}

    def run(self, key: Hashable, read: Callable[[], Job]) -> Job:
        with self._lock:
            flight = self._running.get(key)
            if flight is None:
                flight = self._running[key] = (threading.Event(), [])
                leader = True
            else:
                leader = False
        done, outcome = flight
        if leader:
            try:
                outcome.append(read())
            except BaseException as error:
                outcome.append(error)
            finally:
                with self._lock:
                    del self._running[key]
                done.set()
        done.wait()
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]


class CachedStatusReads:
    """`StatusReads` read through `store`; see the module's docstring for what is kept."""

    def __init__(
        self,
        store: JobStore,
        clock: Clock,
        queue_seconds: float,
        *,
        history_seconds: float = HISTORY_SECONDS,
        empty_history_seconds: float = EMPTY_HISTORY_SECONDS,
        snapshot: int = SNAPSHOT,
        counted_entries: int = COUNTED_ENTRIES,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._clock = clock
        self._queue_seconds = queue_seconds
        self._history_seconds = history_seconds
        self._empty_history_seconds = empty_history_seconds
        self._snapshot = snapshot
        self._counted_entries = counted_entries
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._jobs = SingleFlight()
        self._history: dict[int, tuple[float, list[Job]]] = {}
        self._snapshots: dict[frozenset[str], Snapshot] = {}
        self._counted: dict[Counted, tuple[float, int]] = {}

    def get(self, job_id: JobId) -> Job:
        return self._jobs.run(job_id, lambda: self._store.get(job_id))

    def recently_completed(self, limit: int, *, polled: bool = False) -> list[Job]:
        now = self._monotonic()
        with self._lock:
            kept = self._history.get(limit)
        if kept is not None and (kept[1] or polled):
            ttl = self._history_seconds if kept[1] else self._empty_history_seconds
            if now - kept[0] < ttl:
                return list(kept[1])
        jobs = self._store.recently_completed(limit)
        with self._lock:
            self._history[limit] = (now, jobs)
        return list(jobs)

    def queued_ahead(self, created_before: datetime, tiers: Collection[str]) -> int:
        peers = frozenset(tiers)
        if not peers:
            return 0
        times = self._queue_times(peers, created_before)
        if len(times) < self._snapshot or created_before <= times[-1]:
            return bisect.bisect_left(times, created_before)
        key = (created_before, peers)
        with self._lock:
            kept = self._counted.get(key)
        if kept is not None and self._monotonic() - kept[0] < self._queue_seconds:
            return kept[1]
        count = self._store.queued_ahead(created_before, peers)
        with self._lock:
            if len(self._counted) >= self._counted_entries:
                self._counted.clear()
            self._counted[key] = (self._monotonic(), count)
        return count

    def _queue_times(self, peers: frozenset[str], created_at: datetime) -> list[datetime]:
        """The first `snapshot` creation times of the peers' queue, read once per
        `queue_seconds` for every job; one taken before the job was created may miss jobs
        ahead of it: read again."""
        now = self._monotonic()
        with self._lock:
            kept = self._snapshots.get(peers)
        if kept is not None and now - kept[0] < self._queue_seconds and kept[1] >= created_at:
            return kept[2]
        taken_at = self._clock.now()
        times = self._store.queued_times(peers, self._snapshot)
        with self._lock:
            self._snapshots[peers] = (now, taken_at, times)
        return times
