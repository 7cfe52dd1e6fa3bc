"""The one way the API reads a job: by id, scoped to its owner; and what an upload it names
must be to be analysed again."""

from __future__ import annotations

import re

from klair.domain.errors import Conflict, InvalidInput, NotFound
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job, JobKind, JobOptions
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps

JOB_ID_PATTERN = r"^job_[0-9a-f]{20}$"
_JOB_ID = re.compile(JOB_ID_PATTERN)


def owned_job(deps: Deps, owner: UserId, job_id: str, polled: bool = False) -> Job:
    """The job if `owner` owns it. Someone else's job, a deleted one and a malformed id all
    get the same 404 (never 403), so job ids cannot be probed. `polled` (status polls) reads
    through `deps.status_reads`, where polls of one job that overlap share the read."""
    job = None
    if _JOB_ID.fullmatch(job_id):
        read = deps.status_reads.get if polled else deps.store.get
        try:
            job = read(JobId(job_id))
        except NotFound:
            job = None
    if job is None or job.owner != owner:
        raise NotFound(f"no job {job_id[:64]}", code="job_not_found")
    return job


def owned_upload(deps: Deps, owner: UserId, upload_id: str) -> Job:
    """The owner's job that `upload_id` names, which must be an upload's."""
    upload = owned_job(deps, owner, upload_id)
    if upload.source.upload_object is None:
        raise InvalidInput(f"{upload_id} is not an upload", code="not_an_upload")
    return upload


def check_not_running_otherwise(upload: Job, options: JobOptions, kind: JobKind) -> None:
    """An upload being processed (past its arrival) keeps the options it runs with."""
    running = not upload.status.terminal and upload.status is not JobStatus.AWAITING_UPLOAD
    if running and (options, kind) != (upload.options, upload.kind):
        raise Conflict(
            "the upload is being processed with other options; wait for it to finish",
            code="upload_in_progress",
            job_id=upload.id,
        )


def check_still_stored(deps: Deps, upload: Job) -> None:
    """A finished upload is analysed again only while its file is kept."""
    if not deps.blobs.exists(upload.source.upload_object or ""):
        raise Conflict("the uploaded file is no longer stored", code="upload_gone")
