"""`GET /api/klair/results/{id}/archive`: the completed job's zip, built asynchronously by
the `export` function (`handlers.pipeline.build_archive`): a job's files can add up to
gigabytes, more than an API request's minute can copy, so the first request asks for it
(202 `archive_building`) and a later one gets its signed URL (200). It is built once per
set of rendered files: while its object exists, every request answers at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import BaseModel

from klair.domain import naming
from klair.domain.archive import POLL_SECONDS, REBUILD_SECONDS, archive_files, archive_key
from klair.domain.errors import Conflict, NotFound
from klair.domain.events import ClipSelected
from klair.domain.ids import ClipId, JobId, UserId
from klair.domain.status import JobStatus
from klair.handlers.api.ownership import owned_job
from klair.handlers.deps import Deps
from klair.handlers.steps.views import Timestamp

URL_MINUTES = 60


class ArchiveView(BaseModel):
    job_id: JobId
    state: Literal["building", "ready"]
    code: Literal["archive_building"] | None = None
    key: str  # the set of files it holds: a re-export that adds variants changes it
    files: int
    url: str | None = None  # a signed GET URL, once ready
    expires_at: Timestamp | None = None
    size_bytes: int | None = None
    retry_after_seconds: int = POLL_SECONDS


def job_archive(deps: Deps, owner: UserId, job_id: str) -> ArchiveView:
    job = owned_job(deps, owner, job_id)
    if job.status is not JobStatus.COMPLETED:
        raise Conflict(
            f"job {job.id} has not completed", code="job_not_completed", status=job.status.value
        )
    if job.export is not None and not job.export.ended:
        raise Conflict(
            f"a re-export of job {job.id} is running; its files are changing",
            code="export_running", export_id=job.export.id,
        )  # fmt: skip
    files = archive_files(deps.store.clips(job.id))
    if not files:
        raise NotFound(f"job {job.id} has no exported clips", code="no_clips")
    key = archive_key(files)
    name = naming.archive(job.id, key)
    view = ArchiveView(job_id=job.id, state="building", key=key, files=len(files))
    if deps.blobs.exists(name):
        now = deps.clock.now()
        return view.model_copy(update={
            "state": "ready", "url": deps.blobs.signed_url(name, minutes=URL_MINUTES),
            "expires_at": now + timedelta(minutes=URL_MINUTES), "size_bytes": deps.blobs.size(name),
        })  # fmt: skip
    # One request per key and window: polls ask for nothing more, a lost build is asked again.
    window = int(deps.clock.now().timestamp() // REBUILD_SECONDS)
    if deps.store.claim(f"archive:{job.id}:{key}:{window}"):
        deps.bus.publish(ClipSelected(job_id=job.id, clip_id=ClipId(""), total=0, archive=key))
    return view.model_copy(update={"code": "archive_building"})
