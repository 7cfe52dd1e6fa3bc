"""A source object landed (GCS finalize): one decode pass to proxy, audio and signals, then
fan out one `ChunkReady` per chunk of the plan."""

from __future__ import annotations

import tempfile
from pathlib import Path

import structlog

from klair.domain import naming
from klair.domain.events import ObjectFinalized
from klair.domain.job import Job
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.steps.dispatch import chunk_messages, fan_out, fan_out_again
from klair.handlers.steps.lifecycle import StageLeft, StageProgress, advance

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
    try:
        _transcode(deps, job, event.name)
    except StageLeft:
        return False  # cancelled meanwhile: ffmpeg was stopped, nothing to fail
    return _fan_out(deps, job)


def _transcode(deps: Deps, job: Job, source_name: str) -> None:
    if job.media is None:
        raise RuntimeError(f"{job.id} reached transcoding without media info")
    with tempfile.TemporaryDirectory(prefix="klair-transcode-") as tmp:
        work = Path(tmp)
        source = work / ("source" + Path(source_name).suffix)
        deps.blobs.download(source_name, source)
        progress = StageProgress(deps, job.id, JobStatus.TRANSCODING)
        out = deps.transcoder.transcode(source, work / "out", job.media, progress)
        deps.blobs.put_file(naming.work(job.id, out.proxy.name), out.proxy)  # .mp4 or .m4a
        if out.audio_proxy is not None:
            deps.blobs.put_file(naming.work(job.id, naming.AUDIO_PROXY), out.audio_proxy)
        deps.blobs.put_file(naming.work(job.id, naming.AUDIO), out.audio, "audio/wav")
        deps.blobs.put_file(naming.work(job.id, naming.SIGNALS), out.signals, "application/json")


def _fan_out(deps: Deps, job: Job) -> bool:
    messages = chunk_messages(deps, job)
    moved = advance(deps, job, JobStatus.ANALYZING, chunks_total=len(messages), chunks_done=0)
    if moved is None:
        return False
    fan_out(deps, moved, messages)
    log.info("chunks published", job_id=job.id, chunks=len(messages))
    return True
