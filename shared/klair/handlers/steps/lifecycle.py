"""Moving a job between stages: compare-and-set with timings, and failing a job once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog

from klair.domain import naming
from klair.domain.errors import KlairError
from klair.domain.events import JobFinished
from klair.domain.ids import JobId
from klair.domain.job import Job, JobError
from klair.domain.progress import progress, stage_progress
from klair.domain.status import TERMINAL, JobStatus
from klair.domain.telemetry import JOB_ADVANCED, JOB_FINISHED
from klair.handlers.deps import Deps

log = structlog.get_logger(__name__)


def advance(deps: Deps, job: Job, to: JobStatus, **fields: Any) -> Job | None:
    """CAS `job.status` → `to`, recording how long the job spent in the stage it leaves.

    Returns None when another delivery (or a cancel) moved the job first.
    """
    now = deps.clock.now()
    timings = dict(job.timings)
    if job.stage_started_at is not None:
        timings[job.status.value] = round((now - job.stage_started_at).total_seconds(), 3)
    moved = deps.store.transition(
        job.id,
        {job.status},
        to,
        stage=to.value,
        stage_started_at=now,
        timings=timings,
        stalled=False,  # progress: a later stall gets its own re-drive
        **fields,
    )
    if moved is not None:
        log.info(
            JOB_ADVANCED.message, job_id=job.id, from_status=job.status.value, to=to.value,
            stage_seconds=timings.get(job.status.value),
        )  # fmt: skip
    return moved


def fail_job(deps: Deps, job_id: JobId, error: KlairError, stage: str | None = None) -> bool:
    """Mark the job failed with the error's code, refund its reservation and announce it.

    Safe under redelivery: only the caller that wins the transition refunds and publishes.
    """
    job = deps.store.get(job_id)
    if job.status in TERMINAL:
        return False
    failure = JobError(code=error.code, message=error.message, stage=stage or job.stage)
    moved = deps.store.transition(
        job_id,
        {job.status},
        JobStatus.FAILED,
        error=failure.model_dump(),
        progress=progress(job),
    )
    if moved is None:
        return fail_job(deps, job_id, error, stage)  # the job moved meanwhile: look again
    log.warning("job failed", job_id=job_id, code=error.code, reason=error.message)
    finish_terminal(deps, moved, moved_now=True)
    return True


def complete_job(deps: Deps, job: Job) -> bool:
    """exporting → completed, then commit the used minutes exactly once."""
    moved = advance(deps, job, JobStatus.COMPLETED, progress=100.0)
    if moved is None:
        return False
    finish_terminal(deps, moved, moved_now=True)
    return True


def finish_terminal(deps: Deps, job: Job, *, moved_now: bool = False) -> bool:
    """Make an ended job's side effects true, whoever runs it and however often: a completed
    job's minutes committed, a failed or cancelled job's refunded and its outputs discarded.
    Announces the end when the caller just moved the job or this call settled the
    reservation, so a delivery that died between the status move and the ledger is finished
    by the next one. True when it settled the reservation."""
    if job.status is JobStatus.COMPLETED:
        minutes = round((job.media.duration if job.media else 0.0) / 60.0, 3)
        settled = deps.usage.commit(job.owner, job.id, minutes)
        code = None
    else:
        settled = deps.usage.refund(job.owner, job.id)
        discard_outputs(deps, job.id)  # only the clips it exported stay
        code = job.error.code if job.error else None
    if settled or moved_now:
        log_finished(deps, job, code)
    if (settled or moved_now) and job.status is not JobStatus.CANCELLED:  # cancel announces
        deps.bus.publish(JobFinished(job_id=job.id, status=job.status.value, error_code=code))
    return settled


def log_finished(deps: Deps, job: Job, code: str | None) -> None:
    """The line the job metrics count (outcome, code) and time (seconds per source minute)."""
    elapsed = round((deps.clock.now() - job.created_at).total_seconds(), 3)
    minutes = round(job.media.duration / 60.0, 3) if job.media else None
    per_minute = round(elapsed / minutes, 3) if minutes else None
    log.info(
        JOB_FINISHED.message, job_id=job.id, outcome=job.status.value, code=code,
        source_minutes=minutes, elapsed_seconds=elapsed, seconds_per_source_minute=per_minute,
    )  # fmt: skip


log = structlog.get_logger(__name__)


def discard_outputs(deps: Deps, job_id: JobId) -> int:
    """Delete what an ended job holds except the files of the clips it exported (recorded,
    so listed by its results): the source copy, work files, transcripts and any output not
    recorded (an export in progress or refused as late, a Sieve cut). A deleted job has no
    clips left, so everything goes. The number of objects deleted."""
    kept = {name for clip in deps.store.clips(job_id) for name in clip.exports.values()}
    deleted = sum(
        deps.blobs.delete_prefix(prefix, keep=kept) for prefix in naming.job_prefixes(job_id)
    )
    if deleted:
        log.info("job outputs discarded", job_id=job_id, objects=deleted)
    return deleted


log = structlog.get_logger(__name__)


# At most one write per interval (Firestore allows about one write per second per document),
# unless the stage finished.
WRITE_INTERVAL = timedelta(seconds=3)


class StageLeft(KlairError):
    """The job is no longer in the stage doing the work: stop it. The handler running the
    stage catches it and acks (the job is cancelled or another delivery moved it on);
    a `KlairError` so that adapters pass it through their own error mapping unchanged."""

    code = "stage_left"


class StageProgress:
    """Call with the fraction (0–1) of the stage done."""

    def __init__(self, deps: Deps, job_id: JobId, status: JobStatus) -> None:
        self._deps = deps
        self._job_id = job_id
        self._status = status
        self._written_at = deps.clock.now() - WRITE_INTERVAL
        self._written = -1.0

    def __call__(self, fraction: float) -> None:
        value = stage_progress(self._status, fraction)
        now = self._deps.clock.now()
        due = now - self._written_at >= WRITE_INTERVAL or fraction >= 1.0
        if value <= self._written or not due:
            return
        job = self._deps.store.update(self._job_id, progress=value)
        self._written_at, self._written = now, value
        if job.status is not self._status:
            log.info("job left the stage, stopping", job_id=self._job_id, now=job.status.value)
            raise StageLeft(f"the job is {job.status.value}, no longer {self._status.value}")
