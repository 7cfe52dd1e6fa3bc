"""Read models for the API: a job's status and its results, owner-checked."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from klair.domain.clip import Clip
from klair.domain.errors import Conflict, NotFound
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job, JobError, MediaInfo
from klair.domain.progress import progress
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps


class StatusView(BaseModel):
    job_id: JobId
    status: JobStatus
    stage: str | None
    progress: float
    timings: dict[str, float]
    error: JobError | None
    chunks: dict[str, int]
    clips_ready: int
    stalled: bool
    created_at: datetime
    updated_at: datetime


class ClipView(Clip):
    urls: dict[str, str] = {}


class ResultsView(BaseModel):
    job_id: JobId
    status: JobStatus
    media: MediaInfo | None
    clips: list[ClipView]


def owned_job(deps: Deps, owner: UserId, job_id: JobId) -> Job:
    """The job if `owner` owns it; someone else's job is reported as absent, not forbidden."""
    job = deps.store.get(job_id)
    if job.owner != owner:
        raise NotFound(f"no job {job_id}")
    return job


def job_status(deps: Deps, owner: UserId, job_id: JobId) -> StatusView:
    job = owned_job(deps, owner, job_id)
    return StatusView(
        job_id=job.id,
        status=job.status,
        stage=job.stage,
        progress=progress(job),
        timings=job.timings,
        error=job.error,
        chunks={"total": job.chunks_total, "done": job.chunks_done},
        clips_ready=job.clips_exported,
        stalled=job.stalled,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )


def job_results(deps: Deps, owner: UserId, job_id: JobId) -> ResultsView:
    job = owned_job(deps, owner, job_id)
    if job.status is not JobStatus.COMPLETED:
        raise Conflict(
            f"job {job_id} is {job.status.value}, not completed",
            code="job_not_finished",
            status=job.status.value,
        )
    minutes = deps.settings.signed_url_minutes
    clips = [
        ClipView(
            **clip.model_dump(),
            urls={
                v: deps.blobs.signed_url(name, "GET", minutes) for v, name in clip.exports.items()
            },
        )
        for clip in deps.store.clips(job.id)
    ]
    return ResultsView(job_id=job.id, status=job.status, media=job.media, clips=clips)
