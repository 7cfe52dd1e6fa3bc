"""Pieces the API's read models share: RFC 3339 UTC timestamps and a job's summary row."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, PlainSerializer, WithJsonSchema

from klair.domain.ids import JobId
from klair.domain.job import Job, JobError, JobKind
from klair.domain.periods import rfc3339
from klair.domain.progress import progress
from klair.domain.status import JobStatus

Timestamp = Annotated[
    datetime,
    PlainSerializer(rfc3339, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


class SourceView(BaseModel):
    url: str | None = None
    filename: str | None = None


class JobSummary(BaseModel):
    """One row of the job listing."""

    job_id: JobId
    kind: JobKind
    status: JobStatus
    stage: str | None
    progress: float
    source: SourceView
    clips_ready: int
    error: JobError | None
    created_at: Timestamp
    updated_at: Timestamp
    status_url: str


def status_url(job_id: JobId) -> str:
    return f"/api/klair/status/{job_id}"


def summary(job: Job) -> JobSummary:
    url = str(job.source.url) if job.source.url is not None else None
    return JobSummary(
        job_id=job.id,
        kind=job.kind,
        status=job.status,
        stage=job.stage,
        progress=progress(job),
        source=SourceView(url=url, filename=job.source.filename),
        clips_ready=job.clips_exported,
        error=job.error,
        created_at=job.created_at,
        updated_at=job.updated_at,
        status_url=status_url(job.id),
    )
