"""The messages a fan-out publishes: a chunk's analysis each (transcode → analyzing) and a
clip's export each (select → exporting). The stage that moves the job publishes them, then
records the fan-out as published (`Job.fanned_out`). A redelivery of the message that
moved the job finds that record (waiting a little for it while the move is young), or
else publishes them again: the move's delivery died between the move and its publishes
(or within them). The sweeper's re-drive sends them too. Every receiver counts each chunk
and clip once, so sending again is safe."""

from __future__ import annotations

import time
from collections.abc import Sequence

import structlog

from klair.domain.chunking import plan_for_clips
from klair.domain.clip import Clip
from klair.domain.events import ChunkReady, ClipSelected, Message, StartIngest
from klair.domain.job import Job
from klair.handlers.deps import Deps

log = structlog.get_logger(__name__)


WAIT_STEP_SECONDS = 0.25  # between re-reads while a young fan-out may still be publishing


def chunk_messages(deps: Deps, job: Job) -> list[ChunkReady]:
    """The job's chunk plan as the messages that fan it out (the same plan on every call)."""
    assert job.media is not None
    s = deps.settings
    chunks = plan_for_clips(
        job.media.duration, s.chunk_seconds, s.chunk_overlap_seconds, job.options.max_clip_seconds
    )
    return [
        ChunkReady(job_id=job.id, index=c.index, start=c.start, end=c.end, total=len(chunks))
        for c in chunks
    ]


def export_messages(deps: Deps, job: Job, clips: list[Clip] | None = None) -> list[ClipSelected]:
    """One export per selected clip that has no files yet; `clips`: the job's, read from the
    store when not given (selection has them in hand)."""
    clips = deps.store.clips(job.id) if clips is None else clips
    return [
        ClipSelected(job_id=job.id, clip_id=clip.id, total=len(clips))
        for clip in clips
        if not clip.exports
    ]


def publish_all(deps: Deps, messages: Sequence[Message]) -> int:
    for message in messages:
        deps.bus.publish(message)
    return len(messages)


def fan_out(deps: Deps, job: Job, messages: Sequence[Message]) -> None:
    """Publish the messages of `job`'s fan-out (its status), then record them published."""
    publish_all(deps, messages)
    deps.store.update(job.id, fanned_out=job.status)


def fan_out_again(deps: Deps, job: Job, messages: Sequence[Message]) -> bool:
    """A redelivery of the message that moved `job` into its fan-out status: publish the
    fan-out again unless it is recorded published. While the move is younger than
    `fan_out_seconds` its delivery may still be publishing, so this one waits, re-reading
    the job, until the record appears or that time has passed (no error: a redelivery
    asked for instead could run out of attempts and fail a healthy job)."""
    status = job.status
    started = job.stage_started_at or job.updated_at
    young = deps.settings.fan_out_seconds - (deps.clock.now() - started).total_seconds()
    until = time.monotonic() + max(0.0, young)
    while job.status is status and job.fanned_out is not status and time.monotonic() < until:
        time.sleep(WAIT_STEP_SECONDS)
        job = deps.store.get(job.id)
    if job.status is not status or job.fanned_out is status:
        return False  # a duplicate: published by its delivery, or the job moved on
    log.warning("fan-out published again", job_id=job.id, status=status.value)
    fan_out(deps, job, messages)
    return True


def enqueue_ingest(deps: Deps, job: Job, suffix: str = "") -> bool:
    """One task per job on its tier's queue; the name dedups retried submits (`suffix`
    names a later one, such as the sweeper's re-drive)."""
    queue = deps.settings.tier(job.tier).queue
    return deps.tasks.enqueue(
        queue, f"ingest-{job.id}{suffix}", deps.settings.ingest_url, StartIngest(job_id=job.id)
    )
