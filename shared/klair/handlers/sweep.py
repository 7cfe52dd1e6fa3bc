"""The sweeper: jobs with no progress for longer than their stage's budget are flagged
`stalled`, given one more budget, then failed and refunded."""

from __future__ import annotations

from datetime import timedelta

import structlog
from pydantic import BaseModel

from klair.domain.errors import KlairError
from klair.domain.job import Job
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.stages import fail_job

log = structlog.get_logger(__name__)

# How long a job may sit in a status without any write before it is suspect.
BUDGETS: dict[JobStatus, timedelta] = {
    JobStatus.AWAITING_UPLOAD: timedelta(hours=24),
    JobStatus.QUEUED: timedelta(hours=2),
    JobStatus.DOWNLOADING: timedelta(minutes=20),
    JobStatus.TRANSCODING: timedelta(minutes=20),
    JobStatus.ANALYZING: timedelta(minutes=30),
    JobStatus.SELECTING: timedelta(minutes=10),
    JobStatus.EXPORTING: timedelta(minutes=30),
}


class SweepReport(BaseModel):
    examined: int = 0
    flagged: int = 0
    failed: int = 0


def _expired(job: Job, deps: Deps) -> bool:
    return deps.clock.now() - job.updated_at > BUDGETS[job.status]


def sweep(deps: Deps, limit: int = 200) -> SweepReport:
    report = SweepReport()
    shortest = min(BUDGETS.values())
    for job in deps.store.idle_jobs(deps.clock.now() - shortest, limit):
        report.examined += 1
        if not _expired(job, deps):
            continue
        if job.status is JobStatus.AWAITING_UPLOAD:
            error = KlairError("the upload never arrived", code="upload_expired")
        elif not job.stalled:
            # Flagging is a write, so the job gets one more budget before it is failed.
            deps.store.update(job.id, stalled=True)
            report.flagged += 1
            log.warning("job stalled", job_id=job.id, status=job.status.value)
            continue
        else:
            error = KlairError(f"no progress while {job.status.value}", code="stalled")
        if fail_job(deps, job.id, error, job.status.value):
            report.failed += 1
    return report
