"""Delete a job: cancel what still runs, refund what is still reserved, delete every object
of the job in the bucket, then its documents (so a retry after a crash finds the job and
finishes the work; once gone, the job is a 404)."""

from __future__ import annotations

import structlog
from pydantic import BaseModel

from klair.domain import naming
from klair.domain.errors import Conflict
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job
from klair.handlers.cancel_job import cancel, refund
from klair.handlers.deps import Deps
from klair.handlers.ownership import owned_job

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


def delete_job(deps: Deps, owner: UserId, job_id: str) -> Deleted:
    return purge(deps, owned_job(deps, owner, job_id))
