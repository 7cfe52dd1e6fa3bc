"""Stop and remove a job: cancel what still runs, refund what is reserved, delete its
objects and documents (the API's cancel and delete, and Clerk's user deletion)."""

from __future__ import annotations

import structlog
from pydantic import BaseModel

from klair.domain import naming
from klair.domain.errors import Conflict, KlairError
from klair.domain.events import JobFinished
from klair.domain.ids import JobId
from klair.domain.job import Job
from klair.domain.progress import progress
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.steps.lifecycle import advance


def refund(deps: Deps, job: Job) -> float:
    """Release whatever the job still holds; the ledger makes a second call a no-op."""
    fresh = deps.store.get(job.id)
    return fresh.minutes_reserved if deps.usage.refund(job.owner, job.id) else 0.0


def _announce(deps: Deps, job: Job) -> None:
    """Best effort: the cancel itself succeeded, and an API retry would not announce again."""
    try:
        deps.bus.publish(JobFinished(job_id=job.id, status=JobStatus.CANCELLED.value))
    except KlairError as error:
        log.warning("cancel not announced", job_id=job.id, code=error.code)


def cancel(deps: Deps, job: Job) -> tuple[Job, float]:
    """(the cancelled job, minutes this call refunded). Cancelling a cancelled job changes
    nothing; a completed or failed one is a 409 `job_already_finished`."""
    while job.status is not JobStatus.CANCELLED:
        if job.status.terminal:
            raise Conflict(
                f"job {job.id} already {job.status.value}",
                code="job_already_finished",
                status=job.status.value,
            )
        moved = advance(deps, job, JobStatus.CANCELLED, progress=progress(job))
        if moved is None:  # a stage moved it first: look again
            job = deps.store.get(job.id)
            continue
        _announce(deps, job)
        log.info("job cancelled", job_id=job.id, from_status=job.status.value)
        job = moved
    # Also on a repeated cancel: a crash after the status move must not keep the minutes.
    return job, refund(deps, job)


log = structlog.get_logger(__name__)


class Deleted(BaseModel):
    job_id: JobId
    deleted: bool = True
    objects_deleted: int
    minutes_refunded: float


def object_prefixes(job: Job) -> list[str]:
    """Every prefix holding the job's objects; an upload's folder only when it is this
    job's own (a re-analysis shares the upload of the job that received it)."""
    prefixes = list(naming.job_prefixes(job.id))
    upload = job.source.upload_object
    if upload is not None and naming.parse_upload(upload) == (job.owner, job.id):
        prefixes.append(upload.rsplit("/", 1)[0] + "/")
    return prefixes


def purge(deps: Deps, job: Job) -> Deleted:
    """Cancel, refund and delete one job; reusable for a user's deletion."""
    minutes = 0.0
    if not job.status.terminal:
        try:
            job, minutes = cancel(deps, job)
        except Conflict:  # it finished meanwhile: nothing left to stop
            job = deps.store.get(job.id)
    minutes += refund(deps, job)
    objects = sum(deps.blobs.delete_prefix(prefix) for prefix in object_prefixes(job))
    deps.store.delete_job(job.id)
    log.info("job deleted", job_id=job.id, objects=objects, minutes_refunded=minutes)
    return Deleted(job_id=job.id, objects_deleted=objects, minutes_refunded=minutes)
