"""Queue position and ETA of a job.

Position: queued jobs created earlier on tiers of equal or higher priority. ETA: the wait
(jobs ahead × average processing time per job ÷ the tier queue's concurrency) plus this
job's own processing (average seconds per source minute × its length, or the average per
job while its length is unknown), scaled by the progress still to make. Its length is the
probe's, else the one its minutes are held for (the site's metadata, a re-analysed upload).
Averages are over the last completed jobs; with no history, the priors below, measured stage
rates, estimate the job from its length (a typical one while unknown) and clip count.

Status is polled, so both reads go through `deps.status_reads`, which may answer from a
recent read (bootstrap wires `adapters.cached_reads`: the pace's history for 30 s, the
queue for `KLAIR_QUEUE_CACHE_SECONDS`). Polls say so (`polled=True`): only they may reuse
an empty history, so a submit sees the first finished job at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import fmean

from pydantic import BaseModel

from klair.domain.job import Job, JobOptions
from klair.domain.progress import progress
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.steps.views import Timestamp

HISTORY = 20  # completed jobs in the moving average

# Priors for a stack that has finished no job yet, from measured stage rates on 2 cores
# (README "Benchmarks"): the one-pass transcode runs at 32.7× real time (1.8 s per source
# minute) and the offline analysis at 26× (2.3 s); each exported clip (cut, reframe,
# captions, thumbnail) takes about 3.5 s (a 2-min talk's 5 clips in 19.4 s, in process;
# 2 clips in 7.5 s on the emulator stack); the start-up (queue, download start, the hops,
# the speech model's first load) about 12 s. So 10 minutes to 5 clips is estimated at 71 s
# (`klair run` measures 53.8 s) and the first job of a fresh emulator stack, 40 s to 2
# clips, at 22 s (it took 22.3 s; the old flat prior said 300 s).
PRIOR_STARTUP_SECONDS = 12.0
PRIOR_SECONDS_PER_SOURCE_MINUTE = 60 / 32.7 + 60 / 26
PRIOR_SECONDS_PER_CLIP = 3.5
TYPICAL_SOURCE_MINUTES = 10.0  # a source whose length nothing has told yet
DEFAULT_CLIPS = JobOptions().clip_count


def prior_seconds(minutes: float, clips: int) -> float:
    """Processing time of a job from the measured stage rates alone."""
    return (
        PRIOR_STARTUP_SECONDS
        + PRIOR_SECONDS_PER_SOURCE_MINUTE * minutes
        + PRIOR_SECONDS_PER_CLIP * clips
    )


PRIOR_SECONDS_PER_JOB = prior_seconds(TYPICAL_SOURCE_MINUTES, DEFAULT_CLIPS)
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


def source_minutes(job: Job) -> float | None:
    """The source's length: probed, else the one its minutes are held for, else unknown."""
    if job.media is not None and job.media.duration > 0:
        return job.media.duration / 60.0
    return job.minutes_reserved if job.minutes_reserved > 0 else None


def own_seconds(pace: Pace, job: Job) -> float:
    """The job's own processing time: by the history's averages, or the priors without."""
    minutes = source_minutes(job)
    if pace.samples == 0:
        known = TYPICAL_SOURCE_MINUTES if minutes is None else minutes
        return prior_seconds(known, job.options.clip_count)
    if minutes is None:
        return pace.seconds_per_job
    return pace.seconds_per_source_minute * minutes


def current_pace(deps: Deps, polled: bool = False) -> Pace:
    return pace_of(deps.status_reads.recently_completed(HISTORY, polled=polled))


def queue_position(deps: Deps, created_at: datetime, peers: frozenset[str]) -> int:
    """Queued jobs of `peers` created before `created_at` (possibly a recent count)."""
    if not peers:
        return 0
    return deps.status_reads.queued_ahead(created_at, peers)


def estimate(deps: Deps, job: Job, polled: bool = False) -> Estimate:
    """Nothing to estimate for finished jobs, nor for uploads that have not arrived.
    `polled`: the status route, which may reuse the priors briefly."""
    if job.status.terminal or job.status is JobStatus.AWAITING_UPLOAD:
        return Estimate()
    pace = current_pace(deps, polled)
    own = own_seconds(pace, job)
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
