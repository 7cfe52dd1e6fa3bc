"""The one way the API reads a job: by id, scoped to its owner."""

from __future__ import annotations

import re

from klair.domain.errors import NotFound
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job
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
