"""A source object landed (GCS finalize): plan it into segments, one per analysis chunk,
and fan out one `ChunkReady` per chunk. Each chunk's invocation transcodes its own segment
(`steps.segments`), so no invocation reads the whole source nor runs for a time
proportional to its length; this one only plans, from the probe ingest recorded."""

from __future__ import annotations

import structlog

from klair.domain import naming
from klair.domain.events import ObjectFinalized
from klair.domain.job import Job
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.steps.dispatch import chunk_messages, fan_out, fan_out_again
from klair.handlers.steps.lifecycle import advance

log = structlog.get_logger(__name__)


def transcode_source(deps: Deps, event: ObjectFinalized) -> bool:
    job_id = naming.parse_source(event.name)
    if job_id is None:
        return False  # not a source: our own outputs share the notification
    job = deps.store.get(job_id)
    if job.status is JobStatus.DOWNLOADING:
        moved = advance(deps, job, JobStatus.TRANSCODING)
        if moved is None:
            return False
        job = moved
    elif job.status is JobStatus.ANALYZING:
        return fan_out_again(deps, job, chunk_messages(deps, job))
    elif job.status is not JobStatus.TRANSCODING:
        return False  # redelivery after the stage finished, or the job was cancelled
    if job.media is None:
        raise RuntimeError(f"{job.id} reached transcoding without media info")
    return _fan_out(deps, job)


def _fan_out(deps: Deps, job: Job) -> bool:
    messages = chunk_messages(deps, job)
    moved = advance(deps, job, JobStatus.ANALYZING, chunks_total=len(messages), chunks_done=0)
    if moved is None:
        return False
    fan_out(deps, moved, messages)
    log.info("segments planned", job_id=job.id, chunks=len(messages))
    return True
