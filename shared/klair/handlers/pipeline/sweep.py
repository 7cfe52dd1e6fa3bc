"""The sweeper: a job with no progress for longer than its stage's budget is flagged
`stalled` and re-driven once (its stage's message is sent again); if it still makes no
progress within another budget it is failed and refunded. A stage change clears the flag,
so each stage gets its own re-drive."""

from __future__ import annotations

from datetime import timedelta

import structlog
from pydantic import BaseModel

from klair.domain.errors import KlairError
from klair.domain.job import Job
from klair.domain.status import JobStatus
from klair.domain.telemetry import JOB_STALLED
from klair.handlers.deps import Deps
from klair.handlers.pipeline.redrive import redrive
from klair.handlers.steps.lifecycle import fail_job

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
    redriven: int = 0  # messages sent again
    failed: int = 0


def _expired(job: Job, deps: Deps) -> bool:
    return deps.clock.now() - job.updated_at > BUDGETS[job.status]


def _flag_and_redrive(deps: Deps, job: Job, report: SweepReport) -> None:
    # The flag is a write first: a crash before the re-drive still gives the job one more
    # budget, after which it fails rather than hangs.
    flagged = deps.store.update(job.id, stalled=True)
    if flagged.status is not job.status:  # it moved on meanwhile: not stalled after all
        deps.store.update(job.id, stalled=False)
        return
    report.flagged += 1
    sent = redrive(deps, flagged)
    report.redriven += sent
    log.warning(JOB_STALLED.message, job_id=job.id, status=job.status.value, sent=sent)


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
            _flag_and_redrive(deps, job, report)
            continue
        else:
            error = KlairError(
                f"no progress while {job.status.value}, even after a retry", code="stalled"
            )
        if fail_job(deps, job.id, error, job.status.value):
            report.failed += 1
    return report
