"""Fetch the job's source (URL download or uploaded object), validate it, reserve minutes,
and store it under `sources/{job}/`, whose finalize starts the transcode."""

from __future__ import annotations

import tempfile
from pathlib import Path

import structlog

from klair.domain import naming
from klair.domain.errors import InvalidInput
from klair.domain.events import StartIngest
from klair.domain.ids import JobId
from klair.domain.job import Job
from klair.domain.progress import stage_progress
from klair.domain.source_checks import SourceLimits, check_media
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.steps.lifecycle import StageLeft, StageProgress, advance
from klair.handlers.steps.metering import reserve_minutes
from klair.ports.media import DownloadProgress

log = structlog.get_logger(__name__)


def ingest_source(deps: Deps, command: StartIngest) -> bool:
    job = _start(deps, command.job_id)
    if job is None:
        return False
    if job.source_object is not None and deps.blobs.exists(job.source_object):
        return False  # a retried task after the source was stored: its finalize moves on
    limits = SourceLimits.for_job(
        deps.settings.tier(job.tier), deps.settings.max_download_bytes, job.kind
    )
    if not reserve_from_metadata(deps, job, limits):  # minutes held before any media is fetched
        return False
    try:
        return _ingest(deps, job, limits)
    except StageLeft:
        return False  # cancelled, or moved on by another delivery: nothing to fail


def _ingest(deps: Deps, job: Job, limits: SourceLimits) -> bool:
    with tempfile.TemporaryDirectory(prefix="klair-ingest-") as tmp:
        local = _fetch(deps, job, Path(tmp), limits)
        media = deps.probe.probe(local)
        check_media(job.kind, job.options, media, limits)
        if not reserve_minutes(deps, job, media.duration):  # exact, from ffprobe
            return False  # cancelled meanwhile: what it held is released
        name = naming.source(job.id, local.suffix)
        deps.store.update(
            job.id,
            media=media.model_dump(),
            source_object=name,
            progress=stage_progress(JobStatus.DOWNLOADING, 1.0),
        )
        _store(deps, job, local, name)
    log.info("source stored", job_id=job.id, object=name, duration=media.duration)
    return True


def _start(deps: Deps, job_id: JobId) -> Job | None:
    """queued → downloading; a redelivery while downloading carries on; anything else is done."""
    job = deps.store.get(job_id)
    if job.status is JobStatus.QUEUED:
        return advance(deps, job, JobStatus.DOWNLOADING)
    return job if job.status is JobStatus.DOWNLOADING else None


def _fetch(deps: Deps, job: Job, tmp: Path, limits: SourceLimits) -> Path:
    if job.source.url is not None:
        stage = StageProgress(deps, job.id, JobStatus.DOWNLOADING)

        def report(done: DownloadProgress) -> None:
            if done.fraction is not None:
                stage(done.fraction)

        return deps.downloader.download(str(job.source.url), tmp, limits, report)
    assert job.source.upload_object is not None
    name = Path(job.source.upload_object).name  # sanitised: refusals name the user's file
    local = tmp / (name if name.strip(".") else "upload")
    deps.blobs.download(job.source.upload_object, local)
    if local.stat().st_size == 0:
        raise InvalidInput("the uploaded file is empty", code="upload_empty")
    return local


def _store(deps: Deps, job: Job, local: Path, name: str) -> None:
    """An upload is copied inside the bucket (no second transfer); a download is uploaded."""
    if job.source.upload_object is not None:
        deps.blobs.copy(job.source.upload_object, name)
    else:
        deps.blobs.put_file(name, local)


def reserve_from_metadata(deps: Deps, job: Job, limits: SourceLimits) -> bool:
    """URL jobs: hold the minutes the site's metadata gives before anything is downloaded,
    so a source over the quota is never fetched. True to go on with the download."""
    if job.source.url is None:
        return True
    seconds = deps.downloader.inspect(str(job.source.url), limits)
    return seconds is None or reserve_minutes(deps, job, seconds)
