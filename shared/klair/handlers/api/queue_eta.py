"""Queue position and ETA of a job, computed from Firestore on each read.

Position: queued jobs created earlier on tiers of equal or higher priority. ETA: the wait
(jobs ahead × average processing time per job ÷ the tier queue's concurrency) plus this
job's own processing (average seconds per source minute × its duration, or the average per
job before the source is probed), scaled by the progress still to make. Averages are over
the last completed jobs; with no history, priors below stand in.

Status is polled, so both reads are cached per instance: the pace for `CACHE_SECONDS`, and
the queue for `Settings.queue_cache_seconds`: one query reads the creation times of the first
`QUEUE_SNAPSHOT` queued jobs of the tiers ahead, and every polled job's position is found in
it (a job further back is counted, cached per job); a position is at most that old. The
priors (no finished job yet) are reused only by polls (`polled=True`), for
`QUEUE_CACHE_SECONDS`: a submit always looks for history, so the first finished job replaces
them at once there and within seconds in polls.
"""

from __future__ import annotations

import bisect
import threading
import time
import weakref
from datetime import datetime, timedelta
from statistics import fmean

from pydantic import BaseModel

from klair.domain.job import Job
from klair.domain.progress import progress
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.steps.views import Timestamp
from klair.recent import Recent

HISTORY = 20  # completed jobs in the moving average
CACHE_SECONDS = 30.0  # the average moves slowly; status polls need not recompute it
QUEUE_CACHE_SECONDS = 10.0  # the priors' reuse by polls
QUEUE_CACHE_ENTRIES = 10_000
QUEUE_SNAPSHOT = 1_000  # queued jobs read at once; a job further back is counted
PRIOR_SECONDS_PER_SOURCE_MINUTE = 30.0
PRIOR_SECONDS_PER_JOB = 300.0
PROCESSING = tuple(
    s.value
    for s in (
        JobStatus.DOWNLOADING,
        JobStatus.TRANSCODING,
        JobStatus.ANALYZING,
        JobStatus.SELECTING,
        JobStatus.EXPORTING,
    )
)


class Pace(BaseModel):
    seconds_per_source_minute: float = PRIOR_SECONDS_PER_SOURCE_MINUTE
    seconds_per_job: float = PRIOR_SECONDS_PER_JOB
    samples: int = 0


class Estimate(BaseModel):
    queue_position: int | None = None
    eta_seconds: float | None = None
    estimated_completion_at: Timestamp | None = None


PositionKey = tuple[datetime, frozenset[str]]
_cache: weakref.WeakKeyDictionary[object, tuple[float, Pace]] = weakref.WeakKeyDictionary()
_positions: weakref.WeakKeyDictionary[object, Recent[PositionKey, int]] = (
    weakref.WeakKeyDictionary()
)
Snapshot = tuple[float, datetime, list[datetime]]  # (monotonic, store time, creation times)
_snapshots: weakref.WeakKeyDictionary[object, dict[frozenset[str], Snapshot]] = (
    weakref.WeakKeyDictionary()
)
_cache_lock = threading.Lock()


def pace_of(jobs: list[Job]) -> Pace:
    """Moving averages over finished jobs: processing time is the time spent past the queue."""
    per_job, per_minute = [], []
    for job in jobs:
        seconds = sum(job.timings.get(stage, 0.0) for stage in PROCESSING)
        if seconds <= 0:
            continue
        per_job.append(seconds)
        if job.media is not None and job.media.duration > 0:
            per_minute.append(seconds / max(job.media.duration / 60.0, 0.05))
    return Pace(
        seconds_per_source_minute=fmean(per_minute)
        if per_minute
        else PRIOR_SECONDS_PER_SOURCE_MINUTE,
        seconds_per_job=fmean(per_job) if per_job else PRIOR_SECONDS_PER_JOB,
        samples=len(per_job),
    )


def current_pace(deps: Deps, polled: bool = False) -> Pace:
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(deps.store)
    if cached is not None and (cached[1].samples or polled):
        ttl = CACHE_SECONDS if cached[1].samples else QUEUE_CACHE_SECONDS
        if now - cached[0] < ttl:
            return cached[1]
    pace = pace_of(deps.store.recently_completed(HISTORY))
    with _cache_lock:
        _cache[deps.store] = (now, pace)
    return pace


def _queue_times(deps: Deps, peers: frozenset[str], created_at: datetime) -> list[datetime]:
    """The first `QUEUE_SNAPSHOT` creation times of the peers' queue, read once per
    `queue_cache_seconds` for every job polled (positions of many jobs cost one query). A
    snapshot taken before the job was created may miss jobs ahead of it: read again."""
    now, ttl = time.monotonic(), deps.settings.queue_cache_seconds
    with _cache_lock:
        cached = _snapshots.setdefault(deps.store, {}).get(peers)
    if cached is not None and now - cached[0] < ttl and cached[1] >= created_at:
        return cached[2]
    taken_at = deps.clock.now()
    times = deps.store.queued_times(peers, QUEUE_SNAPSHOT)
    with _cache_lock:
        _snapshots.setdefault(deps.store, {})[peers] = (now, taken_at, times)
    return times


def queue_position(deps: Deps, created_at: datetime, peers: frozenset[str]) -> int:
    """Queued jobs of `peers` created before `created_at`, at most `queue_cache_seconds` old:
    from the queue's snapshot when the job lies within it, else counted."""
    if not peers:
        return 0
    times = _queue_times(deps, peers, created_at)
    if len(times) < QUEUE_SNAPSHOT or created_at <= times[-1]:
        return bisect.bisect_left(times, created_at)
    with _cache_lock:
        counted = _positions.setdefault(deps.store, Recent(QUEUE_CACHE_ENTRIES))
    key = (created_at, peers)
    cached = counted.get(key, deps.settings.queue_cache_seconds)
    if cached is not None:
        return cached
    return counted.put(key, deps.store.queued_ahead(created_at, peers))


def estimate(deps: Deps, job: Job, polled: bool = False) -> Estimate:
    """Nothing to estimate for finished jobs, nor for uploads that have not arrived.
    `polled`: the status route, which may reuse the priors briefly."""
    if job.status.terminal or job.status is JobStatus.AWAITING_UPLOAD:
        return Estimate()
    pace = current_pace(deps, polled)
    own = (
        pace.seconds_per_source_minute * job.media.duration / 60.0
        if job.media is not None
        else pace.seconds_per_job
    )
    position = None
    seconds = own * (100.0 - progress(job)) / 100.0
    if job.status is JobStatus.QUEUED:
        tier = deps.settings.tier(job.tier)
        peers = frozenset(
            t.name for t in deps.settings.tiers.values() if t.priority >= tier.priority
        )
        position = queue_position(deps, job.created_at, peers)
        seconds = own + position * pace.seconds_per_job / max(1, tier.queue_max_concurrency)
    seconds = round(max(seconds, 0.0), 1)
    return Estimate(
        queue_position=position,
        eta_seconds=seconds,
        estimated_completion_at=deps.clock.now() + timedelta(seconds=seconds),
    )
