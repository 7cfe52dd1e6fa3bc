"""Re-drive a job that stopped making progress: send again the message that runs (or
finishes) its current stage. Every stage is idempotent, so a re-drive of a stage that was
only slow costs work, never a second charge or a second clip."""

from __future__ import annotations

from collections.abc import Sequence

from klair.domain.events import AnalysisCompleted, Message, ObjectFinalized
from klair.domain.job import Job
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.steps.dispatch import (
    chunk_messages,
    enqueue_ingest,
    export_messages,
    publish_all,
)

REDRIVE_GENERATION = "redrive"  # no real generation: transcode does not dedup by it


def _source_stored(deps: Deps, job: Job) -> list[Message]:
    """The source's finalize, as the bucket notification would have announced it."""
    assert job.source_object is not None
    bucket = deps.settings.bucket
    return [ObjectFinalized(bucket=bucket, name=job.source_object, generation=REDRIVE_GENERATION)]


def _analysis(deps: Deps, job: Job) -> Sequence[Message]:
    if job.chunks_total and job.chunks_done >= job.chunks_total:
        return [AnalysisCompleted(job_id=job.id, chunks=job.chunks_total)]
    return chunk_messages(deps, job)  # counted chunks are skipped by record_chunk


def _stage_messages(deps: Deps, job: Job) -> Sequence[Message]:
    """What to publish for the job's stage, once its source is stored."""
    if job.status in (JobStatus.DOWNLOADING, JobStatus.TRANSCODING):
        return _source_stored(deps, job)
    if job.status is JobStatus.ANALYZING:
        return _analysis(deps, job)
    if job.status is JobStatus.SELECTING:
        return [AnalysisCompleted(job_id=job.id, chunks=job.chunks_total)]
    if job.status is JobStatus.EXPORTING:
        return export_messages(deps, job)
    return []


def redrive(deps: Deps, job: Job) -> int:
    """Send the stage's messages again; the number of messages sent. Before the source is
    stored that is a new ingest task (a fresh name: Cloud Tasks refuses a reused one for
    about an hour)."""
    stored = job.source_object is not None and deps.blobs.exists(job.source_object)
    if job.status is JobStatus.QUEUED or (job.status is JobStatus.DOWNLOADING and not stored):
        return int(enqueue_ingest(deps, job, suffix=f"-redrive-{job.status.value}"))
    return publish_all(deps, _stage_messages(deps, job))
