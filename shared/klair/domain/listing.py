"""What a job listing asks for: the owner's filters and a keyset position (newest first)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from klair.domain.ids import JobId
from klair.domain.job import Job, JobKind
from klair.domain.status import JobStatus


class JobFilter(BaseModel):
    """Filters of a listing; every field left empty matches every job."""

    model_config = ConfigDict(frozen=True)

    statuses: frozenset[JobStatus] = frozenset()
    kind: JobKind | None = None
    created_after: datetime | None = None  # inclusive
    created_before: datetime | None = None  # exclusive

    def matches(self, job: Job) -> bool:
        return (
            (not self.statuses or job.status in self.statuses)
            and (self.kind is None or job.kind is self.kind)
            and (self.created_after is None or job.created_at >= self.created_after)
            and (self.created_before is None or job.created_at < self.created_before)
        )


class JobCursor(BaseModel):
    """The last job of a page: the next page starts strictly after it in listing order."""

    model_config = ConfigDict(frozen=True)

    created_at: datetime
    job_id: JobId

    @classmethod
    def of(cls, job: Job) -> JobCursor:
        return cls(created_at=job.created_at, job_id=job.id)


def listing_key(job: Job) -> tuple[datetime, str]:
    """Listing order is this key, descending: newest first, ties broken by id."""
    return job.created_at, job.id


def after_cursor(job: Job, cursor: JobCursor | None) -> bool:
    return cursor is None or listing_key(job) < (cursor.created_at, cursor.job_id)
