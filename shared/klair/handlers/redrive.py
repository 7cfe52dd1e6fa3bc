"""Re-drive a job that stopped making progress: send again the message that runs (or
finishes) its current stage. Every stage is idempotent, so a re-drive of a stage that was
only slow costs work, never a second charge or a second clip."""

from __future__ import annotations

from klair.domain.events import (
    AnalysisCompleted,
    ClipSelected,
    Message,
    ObjectFinalized,
    StartIngest,
)
from klair.domain.job import Job
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.transcode_source import chunk_messages

REDRIVE_GENERATION = "redrive"  # no real generation: transcode does not dedup by it


def _ingest(deps: Deps, job: Job) -> list[Message]:
    """A new ingest task (a fresh name: Cloud Tasks refuses a reused one for about an hour)."""
    name = f"ingest-{job.id}-redrive-{job.status.value}"
    queue = deps.settings.tier(job.tier).queue
    deps.tasks.enqueue(queue, name, deps.settings.ingest_url, StartIngest(job_id=job.id))
    return []


def _source_stored(deps: Deps, job: Job) -> list[Message]:
    """The source's finalize, as the bucket notification would have announced it."""
    assert job.source_object is not None
    bucket = deps.settings.bucket
    return [ObjectFinalized(bucket=bucket, name=job.source_object, generation=REDRIVE_GENERATION)]


def _analysis(deps: Deps, job: Job) -> list[Message]:
    if job.chunks_total and job.chunks_done >= job.chunks_total:
        return [AnalysisCompleted(job_id=job.id, chunks=job.chunks_total)]
    return list(chunk_messages(deps, job))  # counted chunks are skipped by record_chunk


def _exports(deps: Deps, job: Job) -> list[Message]:
    clips = deps.store.clips(job.id)
    return [
        ClipSelected(job_id=job.id, clip_id=clip.id, total=len(clips))
        for clip in clips
        if not clip.exports
    ]


def redrive_messages(deps: Deps, job: Job) -> list[Message]:
    """What to send for the job's stage; ingest tasks are enqueued directly."""
    status = job.status
    stored = job.source_object is not None and deps.blobs.exists(job.source_object)
    if status in (JobStatus.DOWNLOADING, JobStatus.TRANSCODING) and stored:
        return _source_stored(deps, job)
    if status in (JobStatus.QUEUED, JobStatus.DOWNLOADING):
        return _ingest(deps, job)
    if status is JobStatus.ANALYZING:
        return _analysis(deps, job)
    if status is JobStatus.SELECTING:
        return [AnalysisCompleted(job_id=job.id, chunks=job.chunks_total)]
    if status is JobStatus.EXPORTING:
        return _exports(deps, job)
    return []


def redrive(deps: Deps, job: Job) -> int:
    """Send the stage's messages again; the number of messages published."""
    messages = redrive_messages(deps, job)
    for message in messages:
        deps.bus.publish(message)
    return len(messages)
