"""Accept a job: a video URL (queued at once) or a signed upload (queued on finalize)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from klair.domain import naming
from klair.domain.errors import InvalidInput
from klair.domain.events import StartIngest
from klair.domain.ids import JobId, UserId, new_job_id
from klair.domain.job import Job, JobKind, JobOptions, JobSource
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps


class SubmitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: HttpUrl
    kind: JobKind = JobKind.VIDEO
    options: JobOptions = JobOptions()


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(default="video/mp4", pattern=r"^(video|audio)/[A-Za-z0-9.+-]+$")
    size_bytes: int = Field(gt=0)
    kind: JobKind = JobKind.VIDEO
    options: JobOptions = JobOptions()


class Accepted(BaseModel):
    job_id: JobId
    status: JobStatus
    status_url: str


class UploadTicket(Accepted):
    upload_url: str
    upload_method: str = "PUT"
    upload_headers: dict[str, str]
    object_name: str


def _new_job(
    deps: Deps,
    owner: UserId,
    kind: JobKind,
    source: JobSource,
    options: JobOptions,
    status: JobStatus,
    job_id: JobId | None = None,
) -> Job:
    now = deps.clock.now()
    return Job(
        id=job_id or new_job_id(),
        owner=owner,
        kind=kind,
        source=source,
        options=options,
        status=status,
        stage=status.value,
        created_at=now,
        updated_at=now,
        stage_started_at=now,
        tier=deps.settings.default_tier,
    )


def enqueue_ingest(deps: Deps, job: Job) -> bool:
    """One task per job on its tier's queue; the name dedups retried submits."""
    queue = deps.settings.tier(job.tier).queue
    return deps.tasks.enqueue(
        queue, f"ingest-{job.id}", deps.settings.ingest_url, StartIngest(job_id=job.id)
    )


def submit_url(deps: Deps, owner: UserId, request: SubmitRequest) -> Accepted:
    job = _new_job(
        deps, owner, request.kind, JobSource(url=request.url), request.options, JobStatus.QUEUED
    )
    deps.store.create(job)
    enqueue_ingest(deps, job)
    return Accepted(job_id=job.id, status=job.status, status_url=status_url(job.id))


def create_upload(deps: Deps, owner: UserId, request: UploadRequest) -> UploadTicket:
    """A job awaiting its upload, and a signed PUT URL bound to content type and size."""
    if request.size_bytes > deps.settings.upload_max_bytes:
        raise InvalidInput(
            "the file is larger than uploads allow",
            code="upload_too_large",
            max_bytes=deps.settings.upload_max_bytes,
        )
    job_id = new_job_id()
    name = naming.upload(owner, job_id, request.filename)
    source = JobSource(upload_object=name, filename=request.filename)
    job = _new_job(
        deps, owner, request.kind, source, request.options, JobStatus.AWAITING_UPLOAD, job_id
    )
    deps.store.create(job)
    url = deps.blobs.signed_url(
        name,
        "PUT",
        deps.settings.signed_url_minutes,
        request.content_type,
        deps.settings.upload_max_bytes,
    )
    headers = {
        "Content-Type": request.content_type,
        "x-goog-content-length-range": f"0,{deps.settings.upload_max_bytes}",
    }
    return UploadTicket(
        job_id=job_id,
        status=job.status,
        status_url=status_url(job_id),
        upload_url=url,
        upload_headers=headers,
        object_name=name,
    )


def status_url(job_id: JobId) -> str:
    return f"/api/klair/status/{job_id}"


def submit_local_file(
    deps: Deps, owner: UserId, path: Path, kind: JobKind, options: JobOptions
) -> JobId:
    """Embedded mode: a local file enters exactly like an upload (object, then finalize)."""
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}", code="file_not_found")
    job_id = new_job_id()
    name = naming.upload(owner, job_id, path.name)
    source = JobSource(upload_object=name, filename=path.name)
    deps.store.create(
        _new_job(deps, owner, kind, source, options, JobStatus.AWAITING_UPLOAD, job_id)
    )
    deps.blobs.put_file(name, path)
    return job_id
